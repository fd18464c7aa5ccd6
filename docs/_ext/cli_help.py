"""The ``cli-help`` directive: a command's ``--help``, rendered at build time.

``python -m MODULE --help`` comes from ``MODULE.build_parser()``; the docs
call the same function, so the reference cannot drift from the commands.
Sub-commands get a section each.

Usage in MyST::

    ```{cli-help} sims.angle
    ```

A module without ``build_parser`` (or one that fails to import) is a build
warning, so ``sphinx -W`` fails on a reference that no longer matches.
"""

from __future__ import annotations

import argparse
import importlib
import os

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.util import logging

logger = logging.getLogger(__name__)

HELP_WIDTH = "88"


def parser_of(module_name: str, function: str = "build_parser") -> argparse.ArgumentParser:
    module = importlib.import_module(module_name)
    build = getattr(module, function, None)
    if build is None:
        raise AttributeError(f"{module_name} has no {function}()")
    return build()


def help_texts(parser: argparse.ArgumentParser, prog: str):
    """(prog, help text) for the parser and, depth first, its sub-commands."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_WIDTH
    try:
        parser.prog = prog
        out = [(prog, parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    out += help_texts(sub, f"{prog} {name}")
        return out
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


class CliHelp(Directive):
    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec = {"function": directives.unchanged, "prog": directives.unchanged}

    def run(self):
        module_name = self.arguments[0]
        function = self.options.get("function", "build_parser")
        prog = self.options.get("prog", f"python -m {module_name}")
        try:
            parser = parser_of(module_name, function)
        except Exception as exc:  # reported as a build warning
            logger.warning(f"cli-help: cannot build the parser of {module_name}: {exc}",
                           location=self.state_machine.get_source_and_line(self.lineno))
            return []
        result = []
        for sub_prog, text in help_texts(parser, prog):
            block = nodes.literal_block(text, text)
            block["language"] = "text"
            if sub_prog != prog:
                result.append(nodes.paragraph("", "", nodes.literal(sub_prog, sub_prog)))
            result.append(block)
        return result


def setup(app):
    app.add_directive("cli-help", CliHelp)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
