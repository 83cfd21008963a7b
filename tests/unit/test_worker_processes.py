"""Unit tests of `dyadwatch worker --processes N`: what each child process is started with."""

from __future__ import annotations

from streams.settings import Settings
from streams.worker import _child_command
from tests.support.cli import parse


def test_each_child_worker_serves_the_web_view_on_its_own_port():
    settings = Settings(web_port=7000, web_enabled=True)
    commands = [_child_command(settings, i) for i in range(3)]
    assert [c[c.index("--web-port") + 1] for c in commands] == ["7000", "7001", "7002"]
    assert all(c[c.index("--processes") + 1] == "1" for c in commands)


def test_children_start_without_the_web_view_when_it_is_disabled():
    assert "--no-web" in _child_command(Settings(web_enabled=False), 1)


def test_processes_defaults_to_the_workers_setting():
    assert parse(["worker"])["processes"] is None
    assert parse(["worker", "--processes", "2"])["processes"] == 2
    assert Settings().workers == 1


def test_children_get_the_parents_bootstrap_even_when_it_came_from_the_command_line():
    command = _child_command(Settings(kafka_bootstrap="kafka-1:9092,kafka-2:9092"), 0)
    assert command[command.index("--bootstrap") + 1] == "kafka-1:9092,kafka-2:9092"
    assert parse(command[3:])["bootstrap"] == "kafka-1:9092,kafka-2:9092"
