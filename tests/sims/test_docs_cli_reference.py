"""docs/cli.md renders every command's --help from its build_parser(): each
command it names builds its parser, and every sims command is named."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_PAGE = ROOT / "docs" / "cli.md"


def _directives():
    text = CLI_PAGE.read_text(encoding="utf-8")
    return re.findall(r"```\{cli-help\} (\S+)\n(?::prog: ([^\n]+)\n)?```", text)


@pytest.fixture(scope="module")
def cli_help():
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        import cli_help
    finally:
        sys.path.pop(0)
    return cli_help


def test_every_directive_builds_its_help(cli_help):
    found = _directives()
    assert found
    for module, prog in found:
        prog = prog or f"python -m {module}"
        texts = cli_help.help_texts(cli_help.parser_of(module), prog)
        assert texts[0][1].startswith(f"usage: {prog}"), module


def test_the_reference_names_every_command():
    named = {m for m, _ in _directives()}
    for module in ("sims.angle", "sims.bnn", "sims.analyze", "sims.report", "theory.__main__"):
        assert module in named
    bench = [m for m in named if m.startswith("sims.bench.")]
    from sims.bench.dispatch import SUBCOMMANDS

    assert sorted(bench) == sorted(mod for mod, _ in SUBCOMMANDS.values())
