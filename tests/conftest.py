"""Test configuration shared by every layer of the pyramid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = DATA / "samples" / "china-iran-defense-cooperation.txt"


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """One real broker for the whole session, shared by the integration and end-to-end tests."""
    from tests.support.broker import session_broker

    with session_broker() as bootstrap:
        yield bootstrap
