"""Repository checks: the README tells the truth about configuration, topics, the two commands and its examples."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streams.core.actor_dictionary import Institution
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


def test_every_command_of_the_command_line_is_in_the_readme_table():
    import click

    from streams.cli import cli

    def names(group: click.Group, prefix: str = "dyadwatch") -> list[str]:
        found = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += names(command, f"{prefix} {name}")
            else:
                found.append(f"{prefix} {name}")
        return found

    table = [line for line in README.splitlines() if line.startswith("| `dyadwatch ")]
    for command in names(cli):
        words = command.split()
        assert any(f"`{command}" in row or (words[-1] in ("stop", "status") and f"`{' '.join(words[:-1])} start"
                                                                    in row) for row in table), command


def test_the_readme_example_of_a_dated_actor_is_a_valid_institutions_line() -> None:
    line = next(row.strip() for row in README.splitlines() if row.strip().startswith('{"name": "Barack Obama"'))
    row = Institution.model_validate_json(line)
    assert (row.actor, row.role, row.start, row.end) == ("USA", "GOV", date(2009, 1, 20), date(2017, 1, 20))
