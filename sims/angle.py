"""``python -m sims.angle``: the angle between a random vector and its
quantization, from low to high dimension, against theory.

For each d of ``--dims`` it samples cos angle(w, q(w)) for ``--trials``
independent draws of w (``bingeo.sample_cos``) and the cosine between two
independent normal vectors (``bingeo.sample_pair_cos``), and prints one row:

    d, trials, mean angle with its SE and sd (degrees), MC mean cosine and
    its SE, the theory mean cosine, z = (MC mean - theory) / SE, and the
    random-pair angle with its SE.

The SE of an angle comes from its cosine's by the delta method
(``bingeo.uncertainty.angle_se``).  The theory mean is exact at every d for
a rotation-invariant w with sign, XNOR or q_R; for other laws it is the
d -> oo limit (labelled so, and the z then also measures the finite-d bias);
where no theory applies it is left out (``theory.angle_theory``).  A trial
whose q(w) is zero (a high ternary threshold) has no angle: it is left out
of its row and counted, and a row with no defined trial prints ``-``.  Below
the table: the limiting angle and the backend that ran.  ``--json``,
``--csv`` and ``--plot`` write the same records (``-``: standard output,
the table then goes to stderr); the figure is drawn only when ``--plot``
names a file.

Examples
--------
>>> records = run(build_parser().parse_args(["--dims", "10,100", "--trials", "500", "--quiet"]))
>>> [row["d"] for row in records["rows"]], records["reference"]
([10, 100], 'exact')
"""

from __future__ import annotations

import math
import platform
import sys

import numpy as np

from sims import cli

__all__ = ["build_parser", "run", "main", "format_records", "DEFAULT_TRIALS", "DEFAULT_DIMS"]

DEFAULT_TRIALS = 4000
"""Trials per d: the SE of the mean cosine is about 0.2/sqrt(trials d), so
z-scores resolve the 1/d approach to the limit up to d ~ 10^4, and the
default run takes a few seconds."""

DEFAULT_DIMS = "10..10000"

_PURPOSE = 2
"""Spawn-key element of this command's streams: row d draws from child
(2, d, 0) of the seed, its random pairs from (2, d, 1), so adding a d to the
grid leaves the other rows unchanged."""

COLUMNS = ["d", "trials", "defined_trials", "mean_cos", "sem_cos", "exact_mean_cos", "z", "mean_angle_deg",
           "se_angle_deg", "sd_angle_deg", "pair_mean_cos", "pair_sem_cos", "pair_mean_angle_deg",
           "pair_se_angle_deg", "pair_sd_angle_deg"]


def build_parser() -> cli.ArgumentParser:
    from bingeo.sampling.backend import BACKENDS

    parser = cli.ArgumentParser(
        prog="python -m sims.angle",
        description="The angle between a random vector w and its quantization q(w) as the dimension d grows: "
                    "Monte Carlo against exact theory, beside the angle between two random vectors.")
    parser.add_argument("--dims", type=cli.dims_type, default=DEFAULT_DIMS,
                        help=f"dimensions: A..B (log grid of --num points), a comma list, or one integer "
                             f"(default {DEFAULT_DIMS})")
    parser.add_argument("--num", type=cli.positive_int, default=None,
                        help=f"points of an A..B grid (default {cli.DEFAULT_NUM_DIMS})")
    parser.add_argument("--trials", type=cli.positive_int, default=DEFAULT_TRIALS,
                        help=f"random vectors per dimension (default {DEFAULT_TRIALS})")
    cli.add_seed_flag(parser)
    parser.add_argument("--quantizer", default="sign",
                        help="q: sign, xnor, rotated-sign, ternary:TAU (zero where |x| <= TAU sd), kbit:K or "
                             "kbit:K:CLIP (2^K levels on +-CLIP sd, CLIP 2.5 by default) (default sign)")
    parser.add_argument("--dist", default="normal",
                        help="law of the coordinates of w: normal, uniform (on [-1, 1]), laplace, t:NU (Student t, NU >= 0.2), "
                             "aniso:R (normal with scales R^(i/(d-1))) (default normal)")
    parser.add_argument("--backend", choices=BACKENDS, default="cpu", help="where to sample (default cpu)")
    cli.add_output_flags(parser, plot=False)
    figure = parser.add_mutually_exclusive_group()
    figure.add_argument("--plot", metavar="PATH", type=cli.output_path,
                        help="draw the figure and write it to PATH (format from the suffix: png, pdf, svg, ...; "
                             "- for PNG on standard output); without it no figure is drawn")
    figure.add_argument("--no-plot", action="store_true", help="draw no figure (the default)")
    cli.add_progress_flags(parser)
    return parser


def _specs(args):
    from bingeo.sampling.specs import parse_dist, parse_quantizer

    try:
        dist = parse_dist(args.dist)
    except ValueError as exc:
        raise cli.CliError(f"--{exc}") from None
    try:
        quantizer = parse_quantizer(args.quantizer)
    except ValueError as exc:
        raise cli.CliError(f"--{exc}") from None
    return dist, quantizer


def _theory(dist, quantizer):
    """theory.angle_theory for bingeo's specs."""
    import theory

    law = "normal" if dist.rotation_invariant else dist.kind
    return theory.angle_theory(law, quantizer.kind, nu=getattr(dist, "nu", None), tau=getattr(quantizer, "tau", None),
                               k=getattr(quantizer, "k", None), clip=getattr(quantizer, "clip", 2.5))


def _device(backend: str) -> str:
    if backend == "cuda":
        from bingeo.sampling.cuda import device_name

        return device_name()
    import numba

    return f"{platform.machine()} CPU, {numba.get_num_threads()} threads"


def _angle_summary(cos):
    """(mean cos, its SE, mean angle deg, its SE deg, sd of the angles deg,
    defined trials, angles deg) over the trials whose cosine is defined."""
    from bingeo.uncertainty import angle_se, mean_se

    mean, sem, n = mean_se(cos)
    angles = np.degrees(np.arccos(cos[np.isfinite(cos)]))
    se_angle = math.degrees(angle_se(mean, sem)) if n > 1 else math.nan
    sd = float(angles.std(ddof=1)) if n > 1 else math.nan
    return mean, sem, float(angles.mean()) if n else math.nan, se_angle, sd, n, angles


def _row(d, trials, cos, pair_cos, ref_mean):
    mean, sem, angle, se_angle, sd_angle, defined, angles = _angle_summary(cos)
    pair_mean, pair_sem, pair_angle, pair_se, pair_sd, _, pair_angles = _angle_summary(pair_cos)
    if ref_mean is None or not math.isfinite(mean):
        z = None
    elif sem > 0:
        z = (mean - ref_mean) / sem
    else:
        z = 0.0 if mean == ref_mean else None
    return {
        "d": int(d), "trials": int(trials), "defined_trials": defined, "mean_cos": mean, "sem_cos": sem,
        "exact_mean_cos": None if ref_mean is None else float(ref_mean), "z": z,
        "mean_angle_deg": angle, "se_angle_deg": se_angle, "sd_angle_deg": sd_angle,
        "pair_mean_cos": pair_mean, "pair_sem_cos": pair_sem, "pair_mean_angle_deg": pair_angle,
        "pair_se_angle_deg": pair_se, "pair_sd_angle_deg": pair_sd,
    }, angles, pair_angles


def _check_sizes(dims, args, quantizer, backend, sample_cos, dist):
    """Every argument at every d, and the memory, before any work."""
    from sims.angle_estimate import run_bytes

    for d in dims:  # zero trials: every argument checked, nothing drawn
        try:
            sample_cos(d, 0, quantizer=quantizer, dist=dist, backend=backend, seed=args.seed)
        except ValueError as exc:
            raise cli.CliError(f"--dims/--dist/--quantizer at d={d}: {exc}") from None
    needed = run_bytes(dims, args.trials, rotated=quantizer.kind == "rotated-sign",
                       keep_angles=bool(getattr(args, "plot", None)))
    cli.check_memory(needed, f"--trials {args.trials} over {len(dims)} dimensions")


def _announce_long_run(bar, dims, args, quantizer, samplers) -> None:
    """Compile the kernels (saying so), time them, and warn when the whole
    run will take long."""
    from sims.angle_estimate import LONG_RUN_SECONDS, measure_seconds_per_unit, work_units

    sample, pair = samplers
    rotated = quantizer.kind == "rotated-sign"
    d_probe = min(max(dims), 256 if rotated else 1 << 16)  # a 4096 x 4096 rotation would take seconds
    bar.status("compiling (numba)")
    sample(d_probe, 1), pair(d_probe, 1)  # compile, or load numba's cache
    bar.status("measuring the speed")
    cos_units, pair_units = work_units(dims, args.trials, rotated=rotated)
    seconds = (cos_units * measure_seconds_per_unit(sample, d_probe, rotated=rotated)
               + pair_units * measure_seconds_per_unit(pair, d_probe, rotated=False))
    if seconds > LONG_RUN_SECONDS and not args.quiet:
        sys.stderr.write(f"python -m sims.angle: a long run: about {cli.format_seconds(seconds)} of sampling at the "
                         f"speed measured here ({cos_units + pair_units:.3g} coordinates); Ctrl-C stops it\n")
        sys.stderr.flush()
    bar.status("sampling")


def run(args, *, keep_samples: dict | None = None) -> dict:
    """Sample every d of ``args.dims`` and return the records (see the
    module docstring); ``keep_samples``, if a dict, receives the angles in
    degrees under ``"angles"`` and ``"pair_angles"`` (d -> array) and the
    theory object under ``"theory"``."""
    from bingeo import sample_cos, sample_pair_cos
    from bingeo.sampling.api import resolve_backend
    from bingeo.seeding import child_seed_sequence

    dims = cli.parse_dims(args.dims, num=args.num)
    dist, quantizer = _specs(args)
    try:
        backend = resolve_backend(args.backend)
    except RuntimeError as exc:
        raise cli.CliError(f"--{exc}") from None
    _check_sizes(dims, args, quantizer, backend, sample_cos, dist)
    reference = _theory(dist, quantizer)
    rows, angles, pair_angles = [], {}, {}
    samplers = (lambda d, n: sample_cos(d, n, quantizer=quantizer, dist=dist, backend=backend, seed=args.seed),
                lambda d, n: sample_pair_cos(d, n, backend=backend, seed=args.seed))
    with cli.Progress(sum(dims), "angle", quiet=getattr(args, "quiet", False)) as bar:
        _announce_long_run(bar, dims, args, quantizer, samplers)
        for d in dims:
            cos = sample_cos(d, args.trials, quantizer=quantizer, dist=dist, backend=backend,
                             seed=child_seed_sequence(args.seed, _PURPOSE, d, 0))
            pair = sample_pair_cos(d, args.trials, backend=backend, seed=child_seed_sequence(args.seed, _PURPOSE, d, 1))
            ref = reference.mean_cos(d)
            row, angles[d], pair_angles[d] = _row(d, args.trials, cos, pair, None if ref is None else float(ref))
            rows.append(row)
            bar.update(d, note=f"d={d}")
    if keep_samples is not None:
        keep_samples.update(angles=angles, pair_angles=pair_angles, theory=reference)
    return {
        "metadata": cli.run_metadata("sims.angle", args, seed=args.seed, backend=backend, device=_device(backend)),
        "reference": reference.kind,
        "limit_angle_deg": reference.limit_angle_deg,
        "rows": rows,
        "seed": args.seed,
        "quantizer": quantizer.label,
        "dist": dist.label,
        "backend": backend,
    }


def _undefined_note(records: dict) -> list[str]:
    short = [(r["d"], r["trials"] - r["defined_trials"], r["trials"]) for r in records["rows"]
             if r["defined_trials"] < r["trials"]]
    if not short:
        return []
    where = ", ".join(f"d={d}: {k} of {n}" for d, k, n in short)
    return [f"undefined: q(w) = 0 in some trials, whose angle is undefined and left out of the row ({where}); "
            f"a row with none defined shows -"]


def format_records(records: dict) -> str:
    """The table and the lines below it."""
    ref_name = {"exact": "exact_cos", "limit": "limit_cos", "none": "theory_cos"}[records["reference"]]
    headers = ["d", "trials", "angle_deg", "se_deg", "sd_deg", "mc_cos", "se", ref_name, "z", "pair_angle_deg",
               "pair_se"]
    formats = ["d", "d", ".3f", ".3f", ".3f", ".6f", ".1e", ".6f", "+.2f", ".3f", ".3f"]
    table = cli.format_table(headers, ([r["d"], r["trials"], r["mean_angle_deg"], r["se_angle_deg"], r["sd_angle_deg"],
                                        r["mean_cos"], r["sem_cos"], r["exact_mean_cos"], r["z"],
                                        r["pair_mean_angle_deg"], r["pair_se_angle_deg"]]
                                       for r in records["rows"]), formats=formats)
    limit = records["limit_angle_deg"]
    note = {"exact": "exact mean cosine at each d (rotation-invariant w)",
            "limit": "large-d limit of the mean cosine; z also measures the finite-d bias",
            "none": "no theory applies to this distribution and quantizer"}[records["reference"]]
    lines = [f"angle(w, q(w)) for w ~ {records['dist']}, q = {records['quantizer']}, seed {records['seed']}", "",
             table, "",
             f"theory column: {note}",
             "se_deg, pair_se: standard errors of the mean angles, from the cosines' by the delta method",
             *_undefined_note(records),
             "limiting angle (d -> oo): " + (f"{limit:.4f} degrees" if limit is not None else "unknown"),
             f"backend: {records['backend']} ({records['metadata']['device']})"]
    return "\n".join(lines)


def _csv_text(records) -> str:
    lines = [",".join(COLUMNS)]
    for r in records["rows"]:
        lines.append(",".join("" if r[c] is None or (isinstance(r[c], float) and not math.isfinite(r[c]))
                              else repr(r[c]) for c in COLUMNS))
    return "\n".join(lines) + "\n"


def _write_outputs(args, records, samples, report) -> None:
    if args.json:
        report(f"json: {cli.atomic_write_json(args.json, records)}")
    if args.csv:
        report(f"csv: {cli.atomic_write_text(args.csv, _csv_text(records))}")
    if args.plot:
        from sims.angle_plot import angle_figure

        fig = angle_figure(records, samples["angles"], samples["pair_angles"], samples["theory"])
        report(f"figure: {cli.atomic_savefig(fig, args.plot, dpi=130)}")


def main(argv=None) -> int:
    parser = build_parser()

    def body():
        args = parser.parse_args(argv)
        outputs = [("--json", args.json), ("--csv", args.csv), ("--plot", args.plot)]
        cli.check_outputs(outputs)
        cli.check_figure_format("--plot", args.plot)
        # with an output on standard output, the table goes to stderr
        stream = sys.stderr if any(path == cli.STDOUT for _, path in outputs) else sys.stdout
        samples: dict = {}
        records = run(args, keep_samples=samples)
        print(format_records(records), file=stream)
        _write_outputs(args, records, samples, lambda line: print(line, file=stream))
        return 0

    return cli.run_main("python -m sims.angle", body)


if __name__ == "__main__":
    sys.exit(main())
