"""Unit: the pure core imports no stream framework: every module of streams.core, found by walking the package
(a new module is checked without being listed), plus the shell's pure view module."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from functools import cache

import pytest

import streams.core

FRAMEWORKS = ("faust", "mode", "aiokafka", "kafka")
"""Faust, its service library, and both Kafka clients."""
PURE_SHELL_MODULES = ("streams.relations_view",)
"""Shell modules that hold pure logic on purpose (the view's mirror and queries), checked like the core."""
CORE_MODULES = tuple(m.name for m in pkgutil.walk_packages(streams.core.__path__, "streams.core."))

PROBE = """
import importlib, json, sys
frameworks, modules, found = {frameworks!r}, {modules!r}, {{}}
for name in modules:
    importlib.import_module(name)
    loaded = {{m.partition(".")[0] for m in sys.modules}}
    found[name] = sorted(f for f in frameworks if f in loaded and not any(f in v for v in found.values()))
print(json.dumps(found))
"""


@cache
def frameworks_pulled_in() -> dict[str, list[str]]:
    """One subprocess imports every module in turn; for each, the frameworks that its import brought in first
    (a framework a module pulls in is charged to that module, even if a later one needs it too)."""
    modules = (*CORE_MODULES, *PURE_SHELL_MODULES)
    probe = PROBE.format(frameworks=FRAMEWORKS, modules=modules)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    found: dict[str, list[str]] = json.loads(result.stdout)
    return found


def test_the_walk_finds_the_core_and_its_rules() -> None:
    assert {"streams.core.models", "streams.core.extract", "streams.core.rules.cues"} <= set(CORE_MODULES)


@pytest.mark.parametrize("module", [*CORE_MODULES, *PURE_SHELL_MODULES])
def test_a_pure_module_imports_no_stream_framework(module: str) -> None:
    assert frameworks_pulled_in()[module] == [], f"{module} imports {frameworks_pulled_in()[module]}"
