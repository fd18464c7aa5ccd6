"""``python -m sims.angle``: the angle between a random vector and its
quantization, from low to high dimension, against theory.

For each d of ``--dims`` it samples cos angle(w, q(w)) for ``--trials``
independent draws of w (``bingeo.sample_cos``) and the cosine between two
independent normal vectors (``bingeo.sample_pair_cos``), and prints one row:

    d, trials, mean angle and its sd (degrees), MC mean cosine and its SE,
    the theory mean cosine, z = (MC mean - theory) / SE, random-pair angle.

The theory mean is exact at every d for a rotation-invariant w with sign,
XNOR or q_R; for other laws it is the d -> oo limit (labelled so, and the z
then also measures the finite-d bias); where no theory applies it is left
out.  Below the table: the limiting angle and the backend that ran.
``--json``, ``--csv`` and the figure (``--plot``, default ``angle.png``)
write the same records.

Examples
--------
>>> records = run(build_parser().parse_args(["--dims", "10,100", "--trials", "500"]))
>>> [row["d"] for row in records["rows"]], records["reference"]
([10, 100], 'exact')
"""

from __future__ import annotations

import math
import platform
import sys

import numpy as np

from sims import cli

__all__ = ["build_parser", "run", "main", "DEFAULT_TRIALS", "DEFAULT_DIMS", "DEFAULT_PLOT"]

DEFAULT_TRIALS = 4000
"""Trials per d: the SE of the mean cosine is about 0.2/sqrt(trials d), so
z-scores resolve the 1/d approach to the limit up to d ~ 10^4, and the
default run takes a few seconds."""

DEFAULT_DIMS = "10..10000"
DEFAULT_PLOT = "angle.png"

_PURPOSE = 2
"""Spawn-key element of this command's streams: row d draws from child
(2, d, 0) of the seed, its random pairs from (2, d, 1), so adding a d to the
grid leaves the other rows unchanged."""

COLUMNS = ["d", "trials", "mean_cos", "sem_cos", "exact_mean_cos", "z", "mean_angle_deg", "sd_angle_deg",
           "pair_mean_angle_deg", "pair_sd_angle_deg"]


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
                        help="law of the coordinates of w: normal, uniform (on [-1, 1]), laplace, t:NU (Student t), "
                             "aniso:R (normal with scales R^(i/(d-1))) (default normal)")
    parser.add_argument("--backend", choices=BACKENDS, default="cpu", help="where to sample (default cpu)")
    cli.add_output_flags(parser, plot=False)
    parser.add_argument("--plot", metavar="PATH",
                        help=f"write the figure to PATH (PNG; default {DEFAULT_PLOT} in the working directory)")
    parser.add_argument("--no-plot", action="store_true", help="write no figure")
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


def _device(backend: str) -> str:
    if backend == "cuda":
        from bingeo.sampling.cuda import device_name

        return device_name()
    import numba

    return f"{platform.machine()} CPU, {numba.get_num_threads()} threads"


def _row(d, trials, cos, pair_cos, ref_mean):
    angles = np.degrees(np.arccos(cos))
    pair_angles = np.degrees(np.arccos(pair_cos))
    mean = float(cos.mean())
    sem = float(cos.std(ddof=1) / math.sqrt(trials)) if trials > 1 else math.nan
    if ref_mean is None:
        z = None
    elif sem > 0:
        z = (mean - ref_mean) / sem
    else:
        z = 0.0 if mean == ref_mean else None
    return {
        "d": int(d), "trials": int(trials), "mean_cos": mean, "sem_cos": sem,
        "exact_mean_cos": None if ref_mean is None else float(ref_mean), "z": z,
        "mean_angle_deg": float(angles.mean()), "sd_angle_deg": float(angles.std(ddof=1)) if trials > 1 else None,
        "pair_mean_angle_deg": float(pair_angles.mean()),
        "pair_sd_angle_deg": float(pair_angles.std(ddof=1)) if trials > 1 else None,
    }, angles, pair_angles


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
    for d in dims:  # zero trials: every argument checked before any work
        try:
            sample_cos(d, 0, quantizer=quantizer, dist=dist, backend=backend, seed=args.seed)
        except ValueError as exc:
            raise cli.CliError(f"--dims/--dist/--quantizer at d={d}: {exc}") from None
    from sims.angle_theory import angle_theory  # imports theory (SymPy): after the checks

    reference = angle_theory(dist, quantizer)
    rows, angles, pair_angles = [], {}, {}
    with cli.Progress(len(dims), "angle", quiet=getattr(args, "quiet", False)) as bar:
        for d in dims:
            cos = sample_cos(d, args.trials, quantizer=quantizer, dist=dist, backend=backend,
                             seed=child_seed_sequence(args.seed, _PURPOSE, d, 0))
            pair = sample_pair_cos(d, args.trials, backend=backend, seed=child_seed_sequence(args.seed, _PURPOSE, d, 1))
            ref = reference.mean_cos(d)
            row, angles[d], pair_angles[d] = _row(d, args.trials, cos, pair, None if ref is None else float(ref))
            rows.append(row)
            bar.update(1, note=f"d={d}")
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


def format_records(records: dict) -> str:
    """The table and the two lines below it."""
    ref_name = {"exact": "exact_cos", "limit": "limit_cos", "none": "theory_cos"}[records["reference"]]
    headers = ["d", "trials", "angle_deg", "sd_deg", "mc_cos", "se", ref_name, "z", "pair_angle_deg"]
    formats = ["d", "d", ".3f", ".3f", ".6f", ".1e", ".6f", "+.2f", ".3f"]
    table = cli.format_table(headers, ([r["d"], r["trials"], r["mean_angle_deg"], r["sd_angle_deg"], r["mean_cos"],
                                        r["sem_cos"], r["exact_mean_cos"], r["z"], r["pair_mean_angle_deg"]]
                                       for r in records["rows"]), formats=formats)
    limit = records["limit_angle_deg"]
    note = {"exact": "exact mean cosine at each d (rotation-invariant w)",
            "limit": "large-d limit of the mean cosine; z also measures the finite-d bias",
            "none": "no theory applies to this distribution and quantizer"}[records["reference"]]
    lines = [f"angle(w, q(w)) for w ~ {records['dist']}, q = {records['quantizer']}, seed {records['seed']}", "",
             table, "",
             f"theory column: {note}",
             "limiting angle (d -> oo): " + (f"{limit:.4f} degrees" if limit is not None else "unknown"),
             f"backend: {records['backend']} ({records['metadata']['device']})"]
    return "\n".join(lines)


def _write_csv(path, records):
    lines = [",".join(COLUMNS)]
    for r in records["rows"]:
        lines.append(",".join("" if r[c] is None or (isinstance(r[c], float) and not math.isfinite(r[c]))
                              else repr(r[c]) for c in COLUMNS))
    return cli.atomic_write_text(path, "\n".join(lines) + "\n")


def main(argv=None) -> int:
    parser = build_parser()

    def body():
        args = parser.parse_args(argv)
        samples: dict = {}
        records = run(args, keep_samples=samples)
        print(format_records(records))
        if args.json:
            print(f"json: {cli.atomic_write_json(args.json, records)}")
        if args.csv:
            print(f"csv: {_write_csv(args.csv, records)}")
        if not args.no_plot:
            from sims.angle_plot import angle_figure

            fig = angle_figure(records, samples["angles"], samples["pair_angles"], samples["theory"])
            print(f"figure: {cli.atomic_savefig(fig, args.plot or DEFAULT_PLOT, dpi=130)}")
        return 0

    return cli.run_main("python -m sims.angle", body)


if __name__ == "__main__":
    sys.exit(main())
