"""Every network geometry experiment in one run: ``python -m sims.report --out DIR``.

Trains every network it needs over several seeds (:mod:`sims.report_plan`),
on a local process pool or a Dask cluster (:func:`bingeo.sweep.run_jobs`),
measures each where it was trained (:mod:`sims.report_jobs`), summarizes the
seeds and tests every comparison (:mod:`sims.report_summary`), and writes

``DIR/report.md``
    tables, figures, and conclusions generated from the tests
    (:mod:`sims.report_sections`, :mod:`sims.report_sections_training`);
``DIR/report.json``
    the run's metadata and machine, the plan, the summary and every run's numbers;
``DIR/*.png``
    the figures (:mod:`sims.report_figures`).

``--quick`` trains tiny networks for a few epochs: a seconds-long run that
writes every file the full run writes, for tests.  Longer runs take the
sizes as flags (``--epochs``, ``--dynamics-epochs``, ``--seeds``, ...).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sims.cli import (ArgumentParser, CliError, Progress, add_progress_flags, add_seed_flag, atomic_write_json,
                      atomic_write_text, check_outputs, nonnegative_int, positive_int, run_main, run_metadata)

__all__ = ["build_parser", "run", "main", "sizes_from_args", "REPORT_FILES", "FIGURES", "write_report",
           "markdown"]

FIGURES = ("angles.png", "correlations.png", "scope.png", "first_layer.png", "permutation.png", "xnor.png",
           "twins.png", "ternary.png", "dynamics.png", "paper_figure.png")
REPORT_FILES = ("report.md", "report.json") + FIGURES
"""Every file a run writes into ``--out``."""

_OVERRIDES = (("arch", "main_arch"), ("epochs", "main_epochs"), ("compare_arch", "compare_arch"),
              ("compare_epochs", "compare_epochs"), ("dynamics_epochs", "dynamics_epochs"), ("seeds", "seeds"),
              ("samples", "samples"), ("train_samples", "train_samples"))


def sizes_from_args(args) -> dict:
    """The preset of ``--dataset`` / ``--quick`` with the flags given on top."""
    from sims.report_plan import preset

    sizes = preset(args.dataset, quick=args.quick)
    for flag, key in _OVERRIDES:
        value = getattr(args, flag)
        if value is not None:
            sizes[key] = value
    return sizes


def _check_architectures(sizes, data) -> None:
    from bingeo.bnn import plan_layers

    for flag, key in (("--arch", "main_arch"), ("--compare-arch", "compare_arch"), ("--arch", "dynamics_arch")):
        try:
            plan_layers(sizes[key], data.image_shape, data.num_classes)
        except ValueError as exc:
            raise CliError(f"{flag} {sizes[key]}: {exc}") from None


def _load(args, sizes):
    from sims.report_jobs import load_report_data
    from sims.report_plan import DataSpec

    spec = DataSpec(args.dataset, args.data_dir, int(args.seed), int(sizes["train_samples"]))
    try:
        data = load_report_data(spec)
    except (OSError, ValueError) as exc:
        raise CliError(f"--dataset {args.dataset}: {exc}") from None
    return spec, data


def run(args, *, progress=None) -> dict:
    """Plan, train and measure every run, and summarize; returns the report's numbers."""
    from bingeo.analysis import first_layer_ops
    from bingeo.bnn import plan_layers
    from bingeo.sweep import run_jobs
    from sims.report_jobs import run_job
    from sims.report_plan import FIRST_LAYERS, plan_jobs
    from sims.report_summary import summarize

    sizes = sizes_from_args(args)
    spec, data = _load(args, sizes)
    _check_architectures(sizes, data)
    if data.note:
        print(f"--dataset {args.dataset}: {data.note}", file=sys.stderr)
    jobs = plan_jobs(sizes, spec, args.seed)
    if progress is not None:
        progress.total = len(jobs)
        progress.status(f"{len(jobs)} trainings on {args.workers or 'all'} workers (numba compiling first)")

    def tick(done, total, index):
        if progress is not None:
            progress.update(1, note=jobs[index].label)

    runs = run_jobs(run_job, jobs, workers=args.workers, scheduler=args.scheduler, progress=tick)
    summary = summarize(runs)
    first = plan_layers(sizes["compare_arch"], data.image_shape, data.num_classes)[0]
    positions = first.output_shape[1] * first.output_shape[2] * 4 ** first.pools if first.kind == "conv" else 1
    summary["first_layer"]["compare_ops"] = {
        v: first_layer_ops(v, d=first.fan_in, units=first.units, positions=positions) for v in FIRST_LAYERS}
    analysed = min(int(sizes["samples"]), len(data.y_test))
    return {"plan": sizes, "dataset": {"name": data.name, "note": data.note, "train": int(len(data.y_train)),
                                       "test": int(len(data.y_test)), "analysed": analysed,
                                       "image": list(data.image_shape)},
            "summary": summary, "runs": [_json_run(r) for r in runs]}


def _json_run(run: dict) -> dict:
    """A run as report.json keeps it: the trained arrays and the raw per-epoch records stay out."""
    return {k: v for k, v in run.items() if k not in ("state", "model", "dynamics", "histograms")}


def markdown(result: dict, ctx: dict) -> str:
    """The report's text: every section in order."""
    from sims import report_sections as a
    from sims import report_sections_training as b
    from sims.report_answers import answers

    s = result["summary"]
    sections = (a.header, answers, a.angles, a.correlations, a.scope, a.first_layer, a.permutation, b.xnor, b.twins,
                b.ternary, b.dynamics, b.paper_figure, b.environment)
    return "\n".join(line for section in sections for line in section(s, ctx))


def write_report(out: Path, result: dict, meta: dict, ctx: dict, *, json_too: bool = True) -> list[Path]:
    """Write report.json (unless ``json_too`` is false), the figures and report.md into ``out``.

    The numbers are written first: a figure or the text that fails leaves them on disk, and
    ``--render-again`` draws the rest from them.
    """
    from sims.cli import json_ready

    result = json_ready(result)             # the figures and the text read what report.json holds
    out.mkdir(parents=True, exist_ok=True)
    if json_too:
        atomic_write_json(out / "report.json", {"metadata": meta, **result})
    from sims import report_figures as fig

    s = result["summary"]
    fig.plot_angles(s["angles"], out / "angles.png", ternary_rows=s["ternary"]["angles"])
    fig.plot_correlations(s["correlations"], out / "correlations.png")
    fig.plot_scope(s["scope"], out / "scope.png")
    fig.plot_first_layer(s["first_layer"], out / "first_layer.png")
    fig.plot_permutation(s["permutation"], out / "permutation.png")
    fig.plot_xnor(s["xnor"], out / "xnor.png")
    fig.plot_twins(s["twins"], out / "twins.png")
    fig.plot_ternary(s["ternary"], out / "ternary.png")
    fig.plot_dynamics(s["dynamics"], out / "dynamics.png")
    fig.plot_paper_figure(s["histograms"], out / "paper_figure.png")
    atomic_write_text(out / "report.md", markdown(result, ctx) + "\n")
    return [out / name for name in REPORT_FILES if json_too or name != "report.json"]


def build_parser() -> argparse.ArgumentParser:
    from bingeo.data import DATASETS

    p = ArgumentParser(prog="python -m sims.report",
                       description="Train every network of the geometry experiments over several seeds, measure "
                                   "them, and write report.md, report.json and figures.")
    p.add_argument("--out", metavar="DIR", required=True, help="folder that receives the report files")
    p.add_argument("--dataset", default="digits", choices=DATASETS, help="data set (default digits)")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="folder holding the files of mnist, cifar10 and the other file-based sets")
    p.add_argument("--quick", action="store_true",
                   help="tiny networks, a few epochs: seconds; writes every file of a full run")
    p.add_argument("--arch", default=None, help="main network for experiments 1-6, 8 and 10 (default: the preset's)")
    p.add_argument("--epochs", type=positive_int, default=None, help="epochs of the main networks (default: preset)")
    p.add_argument("--compare-arch", default=None,
                   help="networks compared over seeds in experiments 4, 6 and 7 (default: the preset's)")
    p.add_argument("--compare-epochs", type=positive_int, default=None, help="their epochs (default: preset)")
    p.add_argument("--dynamics-epochs", type=positive_int, default=None,
                   help="epochs of the training-dynamics runs (default: preset)")
    p.add_argument("--seeds", type=positive_int, default=None, help="training seeds per variant (default 5)")
    p.add_argument("--samples", type=positive_int, default=None, help="held-out images analysed (default 400)")
    p.add_argument("--train-samples", type=nonnegative_int, default=None,
                   help="training images used, a seeded subset when the set is larger (0: all; default: preset)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="local worker processes (default: one per core; 1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run the trainings on a Dask cluster, e.g. tcp://HOST:8786 (needs bingeo[dask])")
    p.add_argument("--render-again", action="store_true",
                   help="write the figures and report.md of --out again from its report.json, training nothing "
                        "(after a change to the text or the figures)")
    add_seed_flag(p)
    add_progress_flags(p)
    return p


def _command_line(arguments: dict) -> str:
    """The flags a run was given, from its recorded arguments (those not at their default)."""
    defaults = vars(build_parser().parse_args(["--out", "x"]))
    given = []
    for key, value in arguments.items():
        if key in defaults and value != defaults[key] or key == "out":
            flag = "--" + key.replace("_", "-")
            given.append(flag if value is True else f"{flag} {value}")
    return " ".join(given)


def _context(result: dict, meta: dict) -> dict:
    """What the text needs beside the numbers, from the run's metadata."""
    from bingeo.bnn.recipes import DEFAULT_RECIPE

    arguments = meta.get("arguments", {})
    return {"plan": result["plan"], "dataset": result["dataset"], "command": _command_line(arguments),
            "time_utc": meta["time_utc"], "version": meta["versions"]["bingeo"], "seed": meta.get("seed"),
            "recipe": DEFAULT_RECIPE, "machine": meta["machine"], "seconds": result.get("seconds"),
            "workers": arguments.get("scheduler") or arguments.get("workers") or "one per core"}


def render_again(out: Path) -> list[Path]:
    """Write ``out``'s figures and report.md again from its report.json (the numbers unchanged)."""
    import json

    try:
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        meta = data.pop("metadata")
        if meta.get("command") != "sims.report" or "summary" not in data:
            raise ValueError("not written by python -m sims.report")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CliError(f"--render-again: {out / 'report.json'}: {exc}") from None
    return write_report(out, data, meta, _context(data, meta), json_too=False)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    def body():
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise CliError(f"--out: {out} exists and is not a folder")
        if args.render_again:
            for path in render_again(out):
                print(path)
            return
        check_outputs([("--out", str(out / "report.json"))])
        if args.scheduler is not None and args.workers is not None:
            raise CliError("--workers: not with --scheduler (the cluster's workers run the trainings)")
        from sims.machine import machine_info

        meta = run_metadata("sims.report", args, seed=args.seed, backend="cpu")
        meta["machine"] = machine_info()
        t0 = time.perf_counter()
        with Progress(1, "report", quiet=args.quiet) as bar:
            result = run(args, progress=bar)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        for path in write_report(out, result, meta, _context(result, meta)):
            print(path)

    return run_main(parser.prog, body)


if __name__ == "__main__":
    sys.exit(main())
