"""Unit: the consumer adapter's hold on Faust and aiokafka internals (streams/kafka/consumer.py).

`DyadwatchConsumer` reads and replaces private attributes of faust-streaming's and aiokafka's consumers. These
tests fail when another version is installed, or when an attribute the adapter uses is gone, so that an
upgrade starts with a re-check of the adapter rather than with lost or duplicated messages in production.
"""

from __future__ import annotations

import ast
import inspect
from importlib.metadata import version
from pathlib import Path

import aiokafka
import faust
import pytest
from aiokafka.consumer.group_coordinator import GroupCoordinator
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.drivers.aiokafka import Consumer as FaustAIOKafkaConsumer

from streams.kafka import consumer as adapter

SOURCE = Path(adapter.__file__)

# Every private name of Faust or aiokafka the adapter touches, with the class that must define it ("instance"
# attributes are set by Faust's constructor or its state reset, so they are looked up on a real instance; a
# tuple: each of them).
FOREIGN: dict[str, str | tuple[str, ...]] = {
    "_acked": "faust consumer instance",
    "_acked_index": "faust consumer instance",
    "_committed_offset": "faust consumer instance",
    "_read_offset": "faust consumer instance",
    "_unacked_messages": "faust consumer instance",
    "_paused_partitions": "faust consumer instance",
    "_thread": "faust consumer instance",
    "_get_active_partitions": "faust consumer instance",
    "_new_offset": "faust consumer instance",
    "_ensure_consumer": "faust consumer thread",
    "_coordinator": "aiokafka consumer",
    "_getmany": "faust consumer instance",
    "_fetcher": "faust app instance",
    "_topics": "faust conductor instance",
    "_queue": ("faust channel instance", "faust channel queue"),
}


def private_names() -> tuple[set[str], set[str]]:
    """(private attribute names the adapter module uses, those its own class defines)."""
    tree = ast.parse(SOURCE.read_text())
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"getattr", "hasattr"}:
            used.update(a.value for a in node.args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str))
    used = {n for n in used if n.startswith("_") and not n.startswith("__")}
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DyadwatchConsumer")
    own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign):
            targets = node.targets
        else:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else []
        own.update(t.attr for t in targets if isinstance(t, ast.Attribute) and getattr(t.value, "id", None) == "self")
    return used, own


def defines(owner: object, name: str) -> bool:
    """Whether `owner` (an instance or a class) has `name`, or a constructor in its class's MRO assigns it."""
    if hasattr(owner, name):
        return True
    cls = owner if isinstance(owner, type) else type(owner)
    return any(
        f"self.{name} =" in inspect.getsource(klass.__init__) or f"self.{name}:" in inspect.getsource(klass.__init__)
        for klass in cls.__mro__
        if "__init__" in vars(klass) and inspect.isfunction(vars(klass)["__init__"])
    )


@pytest.fixture(scope="module")
def owners() -> dict[str, object]:
    app = faust.App("guard", broker="kafka://127.0.0.1:1")  # Faust's own consumer, not the adapter
    consumer = app.consumer
    assert type(consumer) is FaustAIOKafkaConsumer
    return {
        "faust consumer instance": consumer,
        "faust consumer thread": AIOKafkaConsumerThread,
        "aiokafka consumer": aiokafka.AIOKafkaConsumer,
        "faust app instance": app,
        "faust conductor instance": app.topics,
        "faust channel instance": app.channel(),
        "faust channel queue": app.channel().queue,
    }


@pytest.mark.parametrize("package", sorted(adapter.WRITTEN_FOR))
def test_the_installed_version_is_the_one_the_adapter_was_written_for(package):
    written_for, installed = adapter.WRITTEN_FOR[package], version(package)
    assert installed == written_for, (
        f"{package} {installed} is installed, but streams/kafka/consumer.py (DyadwatchConsumer) was written "
        f"for {written_for}. Re-check the adapter against the new version before updating WRITTEN_FOR: every "
        f"private attribute in FOREIGN of this test, Consumer._drain_messages and getmany (read offsets, gaps, "
        f"buffered partitions), _new_offset and the commit path, on_buffer_full/pause_partitions, and aiokafka's "
        f"seek and fetcher buffers; then run tests/unit/test_consumer*.py and tests/integration/test_faults.py."
    )


def test_every_private_name_the_adapter_uses_is_listed_here_or_its_own():
    used, own = private_names()
    unlisted = used - set(FOREIGN) - own
    assert not unlisted, f"the adapter uses private names this guard does not check: {sorted(unlisted)}"
    assert not set(FOREIGN) - used, f"listed here but no longer used: {sorted(set(FOREIGN) - used)}"


def test_the_adapter_s_own_names_override_nothing_unlisted(owners):
    """A name the adapter defines that Faust also has is an override: it must be listed in FOREIGN."""
    _, own = private_names()
    private = {name for name in own - set(FOREIGN) if name.startswith("_") and not name.startswith("__")}
    overrides = {name for name in private if defines(owners["faust consumer instance"], name)}
    assert not overrides, f"the adapter overrides Faust's {sorted(overrides)}: add them to FOREIGN"


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_each_private_attribute_the_adapter_uses_exists(owners, name):
    where = FOREIGN[name]
    missing = [key for key in ((where,) if isinstance(where, str) else where) if not defines(owners[key], name)]
    assert not missing, (
        f"{', '.join(missing)} has no {name!r} any more (faust-streaming {version('faust-streaming')}, aiokafka "
        f"{version('aiokafka')}): streams/kafka/consumer.py must be re-checked against this version"
    )


def test_the_rejoin_and_seek_the_adapter_calls_on_the_consumer_thread_exist():
    assert callable(GroupCoordinator.request_rejoin)
    assert callable(aiokafka.AIOKafkaConsumer.seek)
    assert defines(AIOKafkaConsumerThread, "thread_loop")
    assert inspect.iscoroutinefunction(AIOKafkaConsumerThread.call_thread)
