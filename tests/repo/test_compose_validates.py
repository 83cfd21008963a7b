"""Repository check: docker-compose.yml validates against the Compose Specification (and docker-compose if present)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_compose_file_is_valid_by_the_compose_specification():
    result = subprocess.run(["bash", "deploy/validate-compose.sh"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_compose_file_is_refused(tmp_path):
    broken = tmp_path / "compose.yml"
    broken.write_text(
        "services:\n  worker:\n    image: x\n    depends_on:\n      kafka:\n        condition: maybe\n"
    )
    result = subprocess.run(
        ["bash", "deploy/validate-compose.sh", str(broken)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
