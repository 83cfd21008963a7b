"""Unit: the README tells the truth about configuration, topics and the two commands."""

from __future__ import annotations

from pathlib import Path

from streams.settings import Settings
from streams.topology import topic_specs

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    missing = [
        f"DYADWATCH_{name.upper()}"
        for name in Settings.model_fields
        if f"`DYADWATCH_{name.upper()}`" not in README
    ]
    assert not missing, f"document these in README.md: {missing}"


def test_every_topic_is_documented_with_its_cleanup_policy():
    for spec in topic_specs(Settings()):
        row = next((line for line in README.splitlines() if line.startswith(f"| `{spec.name}` |")), None)
        assert row is not None, f"README has no row for topic {spec.name}"
        assert f"| {spec.cleanup_policy} |" in row


def test_the_readme_test_command_is_what_ci_runs():
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and "make test" in ci
    assert "make run" in README
