"""Unit (shell, with fakes): the order of writes when one relation update is applied, and what a replay does.

The integration tests kill real workers; this pins the ordering that makes those kills safe.
"""

from __future__ import annotations

import asyncio

from streams.agents import apply_relation_update
from streams.core.alerts import AlertRules
from streams.core.models import Alert, DeadLetter, RelationState
from streams.core.relations import FoldParams
from tests.support.relation_events import event, relation, update
from tests.support.shell import event_of, make_shell


def message_of(value: bytes):
    return event_of(value, "relation-events")


def apply(shell, relation_update, params=None):
    value = relation_update if isinstance(relation_update, bytes) else relation_update.model_dump_json().encode()
    asyncio.run(apply_relation_update(shell, message_of(value), params or FoldParams(), AlertRules()))


def test_a_new_update_updates_the_table_and_publishes_the_state():
    shell, journal = make_shell()
    apply(shell, event("a1", 3.0))
    state = RelationState.model_validate(shell.table["CHN|USA"])
    assert state.event_count == 1
    assert [k for k, _ in shell.topics.relations.records] == ["CHN|USA"]
    assert shell.metrics.relation_updates == 1 and shell.metrics.replays == 0


def test_alerts_are_delivered_before_the_table_remembers_them():
    shell, journal = make_shell()
    apply(shell, event("a1", 2.0))
    journal.clear()
    apply(shell, event("a2", -9.0, cameo="190", days=1))  # an escalation
    alerts = [Alert.model_validate_json(v) for _, v in shell.topics.alerts.records]
    assert "escalation" in {a.kind for a in alerts}
    table_write = journal.index(("table", "CHN|USA"))
    delivered = [i for i, entry in enumerate(journal) if entry[:2] == ("delivered", "alerts")]
    assert len(delivered) == len(alerts)
    assert max(delivered) < table_write, journal


def test_a_replayed_update_changes_nothing_but_publishes_the_current_state_again():
    shell, journal = make_shell()
    first = event("a1", 3.0)
    apply(shell, first)
    apply(shell, event("a2", 4.0, days=0.5))
    table_before = dict(shell.table)
    published_before = len(shell.topics.relations.records)
    journal.clear()
    apply(shell, first)  # redelivered after a crash or a rebalance
    assert dict(shell.table) == table_before
    assert ("table", "CHN|USA") not in journal
    assert not [e for e in journal if e[:2] == ("send", "alerts")]
    assert len(shell.topics.relations.records) == published_before + 1
    republished = RelationState.model_validate_json(shell.topics.relations.records[-1][1])
    assert republished == RelationState.model_validate(table_before["CHN|USA"])
    assert republished.event_count == 2
    assert shell.metrics.replays == 1


def test_an_article_with_many_events_for_a_dyad_is_one_table_write_and_one_state_sent():
    shell, journal = make_shell()
    apply(shell, update("big", [relation(1.0)] * 3000))
    assert journal.count(("table", "CHN|USA")) == 1
    assert len(shell.topics.relations.records) == 1
    assert RelationState.model_validate(shell.table["CHN|USA"]).event_count == 3000


def test_an_update_dated_before_the_horizon_is_counted_as_late_and_changes_nothing():
    shell, _ = make_shell()
    params = FoldParams(memory_days=10)
    apply(shell, event("a1", 1.0), params)
    apply(shell, event("a2", 1.0, days=30), params)
    table_before = dict(shell.table)
    apply(shell, event("late", -9.0, cameo="190", days=5), params)
    assert dict(shell.table) == table_before
    assert (shell.metrics.relation_updates, shell.metrics.replays, shell.metrics.late_updates) == (2, 0, 1)
    assert shell.topics.alerts.records == []


def test_a_message_that_is_not_an_update_is_dead_lettered_with_its_article_id():
    shell, _ = make_shell()
    apply(shell, b'{"dyad": "CHN|USA", "article_id": "a9", "events": []}')
    (dead,) = [DeadLetter.model_validate_json(v) for _, v in shell.topics.deadletter.records]
    assert (dead.article_id, dead.error_type, dead.stage) == ("a9", "InvalidUpdate", "relation_update")
    assert shell.metrics.update_dead_letters == 1 and shell.metrics.dead_letters == 0 and shell.table == {}
