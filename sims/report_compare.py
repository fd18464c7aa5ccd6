"""Do two reports reach the same conclusions? ``python -m sims.report_compare A B``.

Two runs of ``python -m sims.report`` (other ``--seed``: other training
seeds and another data split) test the same comparisons.  Each test's
outcome is one of three verdicts: resolved above (``+``), resolved below
(``-``), not resolved (``0``).  This command lists every test of both
reports' summaries by its path, with the two verdicts, and counts where they
agree; a conclusion sentence of the report follows from these verdicts
alone, so the reports' conclusions agree exactly where the verdicts do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sims.cli import ArgumentParser, CliError, atomic_write_text, check_outputs, output_path, run_main

__all__ = ["build_parser", "verdicts", "compare", "markdown", "main"]


def _verdict(test: dict) -> str:
    if not test.get("resolved"):
        return "0"
    return "+" if test["diff"] > 0 else "-"


def verdicts(summary, path: str = "") -> dict:
    """``{path: verdict}`` for every test (a dict with a boolean ``resolved``) in ``summary``.

    Examples
    --------
    >>> verdicts({"a": [{"name": "x", "t": {"diff": -1.0, "resolved": True}}]})
    {'a/x/t': '-'}
    """
    out = {}
    if isinstance(summary, dict):
        if isinstance(summary.get("resolved"), bool) and "diff" in summary:
            return {path: _verdict(summary)}
        for k, v in summary.items():
            out.update(verdicts(v, f"{path}/{k}" if path else str(k)))
    elif isinstance(summary, list):
        for i, v in enumerate(summary):
            key = v.get("name", str(i)) if isinstance(v, dict) else str(i)
            out.update(verdicts(v, f"{path}/{key}"))
    return out


def compare(a: dict, b: dict) -> dict:
    """The tests of two summaries side by side: ``rows`` (path, verdict a, verdict b), ``agree``,
    ``total``, and ``only_a`` / ``only_b`` (tests one report has and the other lacks)."""
    va, vb = verdicts(a), verdicts(b)
    common = [k for k in va if k in vb]
    rows = [(k, va[k], vb[k]) for k in common]
    return {"rows": rows, "agree": sum(x == y for _, x, y in rows), "total": len(rows),
            "only_a": sorted(set(va) - set(vb)), "only_b": sorted(set(vb) - set(va))}


def markdown(result: dict, names: tuple[str, str]) -> str:
    """The comparison as markdown: the count, then the tests whose verdicts differ."""
    a, b = names
    lines = [f"{result['agree']} of {result['total']} tests reach the same verdict in `{a}` and `{b}` "
             "(`+` resolved above, `-` resolved below, `0` not resolved).", ""]
    differ = [r for r in result["rows"] if r[1] != r[2]]
    if differ:
        lines += ["| test | " + a + " | " + b + " |", "| --- | --- | --- |"]
        lines += [f"| {path} | {x} | {y} |" for path, x, y in differ]
    else:
        lines.append("Every verdict agrees.")
    if result["only_a"] or result["only_b"]:
        lines += ["", f"Tests in one report only: {len(result['only_a'])} in `{a}`, {len(result['only_b'])} in `{b}`."]
    return "\n".join(lines)


def _load(path: str) -> dict:
    try:
        summary = json.loads(Path(path).read_text(encoding="utf-8"))["summary"]
        if not isinstance(summary, dict):
            raise TypeError("its summary is not a record")
        return summary
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CliError(f"{path}: not a report.json of python -m sims.report ({exc})") from None


def build_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="python -m sims.report_compare",
                       description="Compare the tests' verdicts of two report.json files.")
    p.add_argument("a", metavar="A", help="report.json of the first run")
    p.add_argument("b", metavar="B", help="report.json of the second run")
    p.add_argument("--labels", nargs=2, metavar=("LA", "LB"), default=None,
                   help="names of the two reports in the table (default: their paths)")
    p.add_argument("--out", metavar="PATH", type=output_path, help="write the markdown to PATH (- for standard output)")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    def body():
        check_outputs([("--out", args.out)])
        result = compare(_load(args.a), _load(args.b))
        text = markdown(result, tuple(args.labels) if args.labels else (args.a, args.b))
        if args.out and args.out != "-":
            atomic_write_text(args.out, text + "\n")
        print(text)

    return run_main(parser.prog, body)


if __name__ == "__main__":
    sys.exit(main())
