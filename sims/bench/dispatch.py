"""``python -m sims.bench SUBCOMMAND ...``: one entry point for the
benchmarks, each a module of this package with its own ``main(argv)``.

Subcommand modules are imported only when asked for, so one benchmark's
dependencies never slow down or break another.

Examples
--------
>>> sorted(SUBCOMMANDS)
['angle', 'bnn', 'layers']
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["SUBCOMMANDS", "main"]

PROG = "python -m sims.bench"

SUBCOMMANDS = {
    "angle": ("sims.bench.angle", "sample_cos throughput on all cores against plain numpy, and peak memory"),
    "bnn": ("sims.bench.bnn", "binary neural network training and inference throughput"),
    "layers": ("sims.bench.layers", "each convolution's forward and backward time on one core"),
}


def _usage() -> str:
    lines = [f"usage: {PROG} {{{','.join(SUBCOMMANDS)}}} [options]", "", "benchmarks:"]
    lines += [f"  {name:<8}{text}" for name, (_, text) in SUBCOMMANDS.items()]
    lines += ["", f"'{PROG} NAME --help' shows the options of one benchmark."]
    return "\n".join(lines)


def main(argv=None) -> int:
    """Dispatch to ``sims.bench.NAME.main(rest)``; an unknown or missing
    name is a one-line error with exit status 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if not argv:
        sys.stderr.write(f"{PROG}: error: missing benchmark name; choose from {', '.join(SUBCOMMANDS)}\n")
        return 2
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        sys.stderr.write(f"{PROG}: error: unknown benchmark {name!r}; choose from {', '.join(SUBCOMMANDS)}\n")
        return 2
    module = importlib.import_module(SUBCOMMANDS[name][0])
    code = module.main(rest)
    return 0 if code is None else int(code)
