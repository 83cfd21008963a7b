"""Test support: the `dyadwatch` command line, parsed without running, and run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import click

from streams.cli import cli


def parse(argv: list[str]) -> dict[str, Any]:
    """The parameters the command line gives its (sub)command, parsed and checked but not run."""
    command: click.Command = cli
    name, rest = "dyadwatch", list(argv)
    parent = None
    while True:
        ctx = command.make_context(name, rest, parent=parent)
        if not isinstance(command, click.Group):
            return ctx.params
        # click keeps the subcommand's name apart from its arguments (as Group.invoke reads them)
        sub_name, sub, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        assert sub is not None and sub_name is not None, argv
        command, name, parent = sub, sub_name, ctx


def run(*args: str, env: dict[str, str] | None = None, inherit: bool = True, stdin: bytes | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`dyadwatch ARGS` as a process (stdout a pipe, so JSON unless --human), with `env` added to this process's
    environment (or, inherit=False, as the whole environment)."""
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **(env or {})} if inherit else dict(env or {}),
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
