"""Test support: fakes of what the agents' Shell writes to (topics, the table), for the shell's unit tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from streams.agents import Shell
from streams.metrics import Metrics
from streams.settings import Settings

ROLES = ("enriched", "stances", "relation_events", "relations", "alerts", "deadletter")
"""The topics the agents write, by role (Settings.topics)."""


class Journal(list[tuple[str, ...]]):
    """Every write in the order it happened: ('send', topic, key) / ('delivered', topic, key) / ('table', key)."""


class FakeTopic:
    """A topic that keeps what is sent to it; a key in `fail_for` cannot be written (the send raises). Like
    Faust's, `send` returns a delivery future, which the broker answers a little later."""

    def __init__(self, name: str, journal: Journal, fail_for: Iterable[str | None] = ()) -> None:
        self.name, self.journal, self.fail_for = name, journal, set(fail_for)
        self.records: list[tuple[Any, bytes]] = []

    async def send(self, key: Any, value: bytes) -> asyncio.Future[None]:
        if key in self.fail_for:
            raise RuntimeError(f"cannot write {key} to {self.name}")
        self.journal.append(("send", self.name, key))
        self.records.append((key, value))
        delivered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def deliver() -> None:
            self.journal.append(("delivered", self.name, key))
            delivered.set_result(None)

        asyncio.get_running_loop().call_later(0.01, deliver)
        return delivered


class FakeTopics:
    """The Topics of a Shell: one FakeTopic per role, as attributes and by role."""

    def __init__(self, journal: Journal, fail_for: Mapping[str, Iterable[str | None]]) -> None:
        for role in ROLES:
            setattr(self, role, FakeTopic(role, journal, fail_for.get(role, ())))

    def by_role(self, role: str) -> FakeTopic:
        topic: FakeTopic = getattr(self, role)
        return topic


class FakeTable(dict[str, Any]):
    """The relations table: a dict that journals each write."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def __setitem__(self, key: str, value: Any) -> None:
        self.journal.append(("table", key))
        super().__setitem__(key, value)


def make_shell(nlp: Any = None, fail_for: Mapping[str, Iterable[str | None]] | None = None) -> tuple[Shell, Journal]:
    """A Shell on fake topics and a fake table, default settings and fresh metrics; and the journal of its
    writes. `fail_for` maps a role to the keys its topic refuses."""
    journal = Journal()
    shell = Shell(
        settings=Settings(),
        topics=FakeTopics(journal, fail_for or {}),  # type: ignore[arg-type]
        table=FakeTable(journal),  # type: ignore[arg-type]
        nlp=nlp,
        metrics=Metrics(),
    )
    return shell, journal


def event_of(value: bytes, topic: str, offset: int = 0) -> Any:
    """What an agent's stream yields: an event whose message has the value, no key, partition 0."""
    return SimpleNamespace(message=SimpleNamespace(value=value, key=None, topic=topic, partition=0, offset=offset))
