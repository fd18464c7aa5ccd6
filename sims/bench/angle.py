"""``python -m sims.bench angle``: how fast ``bingeo.sample_cos`` draws, and
how little memory it needs.

Throughput, in normals per second (d x trials / seconds), at each d of
``--dims``, best of ``--repeats`` timed runs after one untimed warm-up (the
numba compile or cache load is not timed):

* ``sample_cos`` with ``quantizer="sign"``, ``dist="normal"`` on all cores
  (numba threads) of the chosen backend;
* the plain numpy baseline on one core: ``rng.standard_normal((T, d))``
  then the vectorized cosine ``|w|_1 / sqrt(d) |w|_2`` row by row,
  where ``rng = numpy.random.default_rng``;
* their ratio, and the process CPU time per normal of each (all threads
  together), which tells a busy machine from a slow kernel.

Peak memory: a fresh subprocess runs ``sample_cos(10**6, trials)`` and
reports the growth of its peak resident set (``ru_maxrss``) over the value
after a small warm-up, beside the size of the (trials x d) array that the
numpy approach would need.

Timings on a shared machine are noisy; the JSON keeps every repeat.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np

from sims import cli

__all__ = ["build_parser", "run", "main", "numpy_baseline_cos", "peak_memory"]

PROG = "python -m sims.bench angle"
DEFAULT_DIMS = "10,100,1000,10000"
DEFAULT_DRAWS = 1 << 23
"""Normals per timed run: 8.4 million (the numpy baseline holds them all,
67 MB)."""

MEMORY_D = 10**6


def numpy_baseline_cos(d: int, trials: int, seed: int = 0) -> np.ndarray:
    """The plain numpy way: all draws at once, then the cosine row by row.

    Examples
    --------
    >>> numpy_baseline_cos(1, 3).tolist()
    [1.0, 1.0, 1.0]
    """
    w = np.random.default_rng(seed).standard_normal((trials, d))
    return np.abs(w).sum(axis=1) / np.sqrt(d * (w * w).sum(axis=1))


def _best_time(call, repeats: int) -> tuple[float, list[float], float]:
    """Best wall time of ``repeats`` calls, all of them, and the process CPU
    time (user + system, all threads) of the best call."""
    times, cpu = [], []
    for _ in range(repeats):
        c0, start = time.process_time(), time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - c0)
    best = min(range(repeats), key=times.__getitem__)
    return times[best], times, cpu[best]


_MEMORY_SCRIPT = """
import json, resource, sys
from bingeo import sample_cos
d, trials, backend = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sample_cos(1000, 10, backend=backend)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
c = sample_cos(d, trials, backend=backend)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "after_kib": after, "mean_cos": float(c.mean())}))
"""


def peak_memory(d: int, trials: int, backend: str = "cpu") -> dict:
    """Peak resident memory growth of ``sample_cos(d, trials)`` in a fresh
    process, in MiB (``ru_maxrss`` is in KiB on Linux).

    Returns a dict with ``peak_growth_mib``, ``dense_array_mib`` (what a
    (trials x d) float64 array would take) and the seconds it ran.
    """
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(d), str(trials), backend],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise cli.CliError(f"memory probe failed: {done.stderr.strip().splitlines()[-1] if done.stderr else ''}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "d": d, "trials": trials,
        "peak_growth_mib": (data["after_kib"] - data["before_kib"]) / 1024.0,
        "peak_rss_mib": data["after_kib"] / 1024.0,
        "dense_array_mib": d * trials * 8 / 2**20,
        "seconds": time.perf_counter() - start,
    }


def build_parser() -> cli.ArgumentParser:
    from bingeo.sampling.backend import BACKENDS

    parser = cli.ArgumentParser(prog=PROG, description="Normals per second of bingeo.sample_cos on all cores "
                                                       "against the plain numpy baseline, and peak memory at "
                                                       "d = 10^6.")
    parser.add_argument("--dims", type=cli.dims_type, default=DEFAULT_DIMS,
                        help=f"dimensions (sims.cli grammar; default {DEFAULT_DIMS})")
    parser.add_argument("--draws", type=cli.positive_int, default=DEFAULT_DRAWS,
                        help=f"normals per timed run, trials = draws // d (default {DEFAULT_DRAWS})")
    parser.add_argument("--repeats", type=cli.positive_int, default=3, help="timed runs, best kept (default 3)")
    parser.add_argument("--backend", choices=BACKENDS, default="cpu",
                        help="backend of sample_cos (default cpu); the baseline is always numpy")
    # --- GPU against the CPU backend (sims/bench/cuda.py) ---
    from sims.bench.cuda import DEFAULT_GPU_DRAWS

    parser.add_argument("--gpu-draws", type=cli.positive_int, default=DEFAULT_GPU_DRAWS,
                        help=f"with --backend cuda: normals per timed run of the GPU-against-CPU table, "
                             f"trials = gpu_draws // d (default {DEFAULT_GPU_DRAWS})")
    parser.add_argument("--memory-trials", type=cli.positive_int, default=1000,
                        help="trials of the d = 10^6 memory probe (default 1000)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the d = 10^6 memory probe")
    cli.add_seed_flag(parser)
    cli.add_output_flags(parser, csv=False, plot=False)
    return parser


def run(args) -> dict:
    """Time every d and probe memory; return the records."""
    import numba

    from bingeo import sample_cos
    from bingeo.sampling.api import resolve_backend

    try:
        backend = resolve_backend(args.backend)
    except RuntimeError as exc:
        raise cli.CliError(f"--{exc}") from None
    rows = []
    for d in cli.parse_dims(args.dims, num=None):
        trials = max(1, args.draws // d)
        normals = d * trials
        sample_cos(d, min(trials, 64), backend=backend, seed=args.seed)  # compile or load the cache
        fast, fast_all, fast_cpu = _best_time(lambda: sample_cos(d, trials, backend=backend, seed=args.seed),
                                              args.repeats)
        base, base_all, base_cpu = _best_time(lambda: numpy_baseline_cos(d, trials, args.seed), args.repeats)
        rows.append({"d": d, "trials": trials, "normals": normals,
                     "sampler_normals_per_s": normals / fast, "numpy_normals_per_s": normals / base,
                     "speedup": base / fast, "sampler_seconds": fast_all, "numpy_seconds": base_all,
                     "sampler_cpu_ns_per_normal": 1e9 * fast_cpu / normals,
                     "numpy_cpu_ns_per_normal": 1e9 * base_cpu / normals})
    memory = None if args.skip_memory else peak_memory(MEMORY_D, args.memory_trials, backend)
    from sims.angle import _device

    records = {"metadata": cli.run_metadata("sims.bench angle", args, seed=args.seed, backend=backend,
                                            device=_device(backend)),
               "backend": backend, "threads": numba.get_num_threads(), "rows": rows, "memory": memory}
    # --- GPU against the CPU backend (sims/bench/cuda.py) ---
    if backend == "cuda":
        from sims.bench.cuda import gpu_against_cpu

        records["gpu_against_cpu"] = gpu_against_cpu(cli.parse_dims(args.dims, num=None), args.gpu_draws,
                                                     repeats=args.repeats, seed=args.seed)
    return records


def format_records(records: dict) -> str:
    table = cli.format_table(
        ["d", "trials", "sample_cos normals/s", "numpy normals/s", "speedup", "cpu ns/normal", "numpy cpu ns/normal"],
        ([r["d"], r["trials"], r["sampler_normals_per_s"], r["numpy_normals_per_s"], r["speedup"],
          r["sampler_cpu_ns_per_normal"], r["numpy_cpu_ns_per_normal"]] for r in records["rows"]),
        formats=["d", "d", ".3e", ".3e", ".1f", ".2f", ".2f"])
    lines = [f"sample_cos (sign, normal) on {records['backend']} ({records['metadata']['device']}) "
             f"against numpy on one core; best of the timed runs", "", table, "",
             "cpu ns/normal: process CPU time (all threads) per normal in the best run; a speedup well below "
             "threads x (numpy cpu / sampler cpu) means other processes held the cores"]
    mem = records["memory"]
    if mem is not None:
        lines += ["", f"peak memory of sample_cos(d={mem['d']:,}, trials={mem['trials']:,}): "
                      f"+{mem['peak_growth_mib']:.1f} MiB over the warm process, peak RSS {mem['peak_rss_mib']:.0f} MiB "
                      f"(a dense trials x d array: {mem['dense_array_mib']:,.0f} MiB); ran {mem['seconds']:.1f} s"]
    # --- GPU against the CPU backend (sims/bench/cuda.py) ---
    if records.get("gpu_against_cpu"):
        from sims.bench.cuda import format_gpu_against_cpu

        lines += ["", format_gpu_against_cpu(records["gpu_against_cpu"], records["metadata"]["device"])]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = build_parser()

    def body():
        args = parser.parse_args(argv)
        records = run(args)
        print(format_records(records))
        if args.json:
            print(f"json: {cli.atomic_write_json(args.json, records)}")
        return 0

    return cli.run_main(PROG, body)
