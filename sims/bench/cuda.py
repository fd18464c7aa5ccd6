"""The GPU part of ``python -m sims.bench angle --backend cuda``: normals per
second of ``sample_cos(backend="cuda")`` and its ratio to the CPU backend,
both timed in the same run on the same (d, trials).

Throughput is d x trials / seconds for ``quantizer="sign"``,
``dist="normal"``, best of ``repeats`` timed runs after an untimed warm-up
(compile or cache load, and CUDA context creation).  A GPU call returns only
after its cosines are back on the host, so its time includes the launch and
the copy of ``trials`` float64 numbers.
"""

from __future__ import annotations

import time

from sims import cli

__all__ = ["gpu_against_cpu", "format_gpu_against_cpu", "DEFAULT_GPU_DRAWS"]

DEFAULT_GPU_DRAWS = 10**9
"""Normals per timed GPU run (``--gpu-draws``): 10^5 trials at d = 10^4,
enough to fill a large GPU; the CPU backend streams them too (no
trials x d array on either side)."""


def _best_seconds(call, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), times


def gpu_against_cpu(dims, draws: int, *, repeats: int = 3, seed: int = 0) -> list[dict]:
    """Time ``sample_cos`` on the CUDA and on the CPU backend at each d.

    Parameters
    ----------
    dims : iterable of int
        dimensions d.
    draws : int
        normals per timed run; trials = max(1, draws // d).
    repeats : int
        timed runs per backend, the fastest kept.
    seed : int

    Returns
    -------
    list of dict
        one per d: ``d``, ``trials``, ``normals``, ``cuda_normals_per_s``,
        ``cpu_normals_per_s``, ``cuda_over_cpu`` (the speed ratio) and every
        timed run in seconds.

    Raises
    ------
    sims.cli.CliError
        when no CUDA GPU answers (one line, exit status 2 from the command).

    Examples
    --------
    >>> from bingeo.sampling.backend import cuda_usable
    >>> if not cuda_usable():
    ...     try:
    ...         gpu_against_cpu([10], 100)
    ...     except cli.CliError as exc:
    ...         print(str(exc).split(":")[0])
    ... else:
    ...     print("--backend")
    --backend
    """
    from bingeo import sample_cos
    from bingeo.sampling.api import resolve_backend

    try:
        resolve_backend("cuda")
    except RuntimeError as exc:
        raise cli.CliError(f"--{exc}") from None
    rows = []
    for d in dims:
        d = int(d)
        trials = max(1, int(draws) // d)
        normals = d * trials
        for backend in ("cuda", "cpu"):
            sample_cos(d, min(trials, 64), backend=backend, seed=seed)
        gpu, gpu_all = _best_seconds(lambda: sample_cos(d, trials, backend="cuda", seed=seed), repeats)
        cpu, cpu_all = _best_seconds(lambda: sample_cos(d, trials, backend="cpu", seed=seed), repeats)
        rows.append({"d": d, "trials": trials, "normals": normals,
                     "cuda_normals_per_s": normals / gpu, "cpu_normals_per_s": normals / cpu,
                     "cuda_over_cpu": cpu / gpu, "cuda_seconds": gpu_all, "cpu_seconds": cpu_all})
    return rows


def format_gpu_against_cpu(rows: list[dict], device: str) -> str:
    """The GPU table: normals per second on each backend and their ratio.

    Examples
    --------
    >>> row = {"d": 10, "trials": 5, "cuda_normals_per_s": 2e9, "cpu_normals_per_s": 1e8,
    ...        "cuda_over_cpu": 20.0}
    >>> print(format_gpu_against_cpu([row], "GPU"))  # doctest: +NORMALIZE_WHITESPACE
    sample_cos (sign, normal) on the GPU (GPU) against the CPU backend, same run
    <BLANKLINE>
     d  trials  cuda normals/s  cpu normals/s  cuda/cpu
    --  ------  --------------  -------------  --------
    10       5       2.000e+09      1.000e+08      20.0
    """
    table = cli.format_table(
        ["d", "trials", "cuda normals/s", "cpu normals/s", "cuda/cpu"],
        ([r["d"], r["trials"], r["cuda_normals_per_s"], r["cpu_normals_per_s"], r["cuda_over_cpu"]]
         for r in rows),
        formats=["d", "d", ".3e", ".3e", ".1f"])
    return "\n".join([f"sample_cos (sign, normal) on the GPU ({device}) against the CPU backend, same run",
                      "", table])
