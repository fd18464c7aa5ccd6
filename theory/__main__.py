"""``python -m theory``: print the registry of results.

Without flags: a table (name, closed form, value, degrees).  ``--latex``:
``\\newcommand`` macros for a paper.  ``--json``: the same data as JSON.
``--markdown``: the documentation page ``docs/theory.md``.  A bad flag exits
with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys


class _ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def _digits(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer in [1, 17], got {text!r}") from None
    if not 1 <= value <= 17:
        raise argparse.ArgumentTypeError(f"expected an integer in [1, 17], got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="python -m theory", description="Exact results on the geometry of binarization.")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--latex", action="store_true", help="print LaTeX \\newcommand macros")
    form.add_argument("--json", action="store_true", help="print the results as JSON")
    form.add_argument("--markdown", action="store_true", help="print the docs page docs/theory.md")
    parser.add_argument("--digits", type=_digits, default=6, help="significant digits of values (table, LaTeX); default 6")
    return parser


def _deriving(stream=None):
    """Say on a terminal's stderr that the results are being derived (every
    one is, for the table: a few seconds of SymPy), until the text is ready;
    returns the function that clears the line."""
    stream = sys.stderr if stream is None else stream
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return lambda: None
    stream.write("python -m theory: deriving the results in SymPy (a few seconds)...")
    stream.flush()

    def clear():
        stream.write("\r\x1b[K")
        stream.flush()

    return clear


def _render(args) -> str:
    if args.latex:
        from theory.latex import render_macros

        text = render_macros(digits=args.digits)
    elif args.json:
        from theory.report import records

        text = json.dumps({"results": records()}, indent=2)
    elif args.markdown:
        from theory.docs_page import render_page

        text = render_page().rstrip("\n")
    else:
        from theory.report import render_table

        text = render_table(digits=args.digits)
    return text


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    clear = _deriving()
    try:
        text = _render(args)
    finally:
        clear()
    try:
        print(text)
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
