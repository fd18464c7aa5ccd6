"""The public samplers: validate, pick a backend, call it.

:func:`sample_cos` and :func:`sample_pair_cos` check their arguments, turn
``dist`` and ``quantizer`` into specs (:mod:`bingeo.sampling.specs`) and run
the CPU kernels (:mod:`bingeo.sampling.cpu`) or, for ``backend="cuda"``, the
CUDA module ``bingeo.sampling.cuda``, imported only then.
"""

from __future__ import annotations

import numbers

import numpy as np

from bingeo.sampling import specs
from bingeo.sampling.backend import BACKENDS, cuda_backend_installed, cuda_simulated, cuda_usable
from bingeo.seeding import as_seed_sequence

__all__ = ["sample_cos", "sample_pair_cos", "resolve_backend", "MAX_D"]

MAX_D = 2**62
"""Largest dimension the samplers take: the kernels count coordinates (and
a pair's 2d draws) in 64-bit integers."""


def resolve_backend(backend: str = "cpu") -> str:
    """The backend that will run: ``"cpu"`` or ``"cuda"``.

    ``"auto"`` picks ``"cuda"`` when bingeo's CUDA module is installed and a
    real GPU answers (never the simulator), else ``"cpu"``.  ``"cuda"``
    raises RuntimeError when the CUDA module is missing or no GPU (nor the
    simulator, ``NUMBA_ENABLE_CUDASIM=1``) is there.

    Examples
    --------
    >>> resolve_backend("cpu")
    'cpu'
    >>> resolve_backend("auto") in ("cpu", "cuda")
    True
    """
    if not isinstance(backend, str) or backend.lower() not in BACKENDS:
        raise ValueError(f"backend: must be one of 'cpu', 'cuda', 'auto', got {backend!r}")
    backend = backend.lower()
    if backend == "cpu":
        return "cpu"
    installed = cuda_backend_installed()
    if backend == "auto":
        return "cuda" if installed and cuda_usable() else "cpu"
    if not installed:
        raise RuntimeError("backend: 'cuda' is not available: this installation of bingeo has no CUDA sampler module; use backend='cpu' or 'auto'")
    if not (cuda_usable() or cuda_simulated()):
        raise RuntimeError("backend: 'cuda' asked for, but no CUDA GPU answers through numba-cuda "
                           "(install the 'cuda' extra and a driver, or set NUMBA_ENABLE_CUDASIM=1 for the simulator); "
                           "use backend='cpu' or 'auto'")
    return "cuda"


def _check_int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
        raise ValueError(f"{name}: must be an integer >= {low}, got {value!r}")
    return int(value)


def _check_dimension(d) -> int:
    d = _check_int(d, "d", 1)
    if d > MAX_D:
        raise ValueError(f"d: must be an integer with 1 <= d <= 2^62 (the kernels count coordinates in 64-bit "
                         f"integers), got {d}")
    return d


def _check_combination(d: int, dist, quantizer) -> None:
    if dist.kind == "aniso":
        dist.scales_for(d)  # raises on a length mismatch
    if quantizer.kind in ("ternary", "kbit") and not np.isfinite(dist.sd):
        raise ValueError(f"dist: {dist.label!r} has an infinite standard deviation, but quantizer "
                         f"{quantizer.label!r} sets its thresholds in units of it; use t:NU with NU > 2")
    if quantizer.kind == "rotated-sign" and d > specs.ROTATED_SIGN_MAX_D:
        raise ValueError(f"d: quantizer 'rotated-sign' holds a d x d rotation and accepts 1 <= d <= "
                         f"{specs.ROTATED_SIGN_MAX_D}, got {d}")


def sample_cos(d: int, trials: int, *, quantizer="sign", dist="normal", seed=0, backend="cpu") -> np.ndarray:
    """Monte Carlo draws of cos angle(w, q(w)) for random w in R^d.

    Each trial draws w with independent coordinates from ``dist`` and returns
    cos(w, q(w)) = w.q(w) / (|w| |q(w)|), NaN when q(w) = 0 (the angle is
    then undefined; a ternary quantizer with a high threshold gives it).  For ``sign``: sum |w_i| / sqrt(d sum w_i^2), in
    [1/sqrt(d), 1].  The angle in radians is ``np.arccos`` of it.

    Parameters
    ----------
    d : int
        dimension, 1 <= d <= 2^62.
    trials : int
        independent draws, >= 0.
    quantizer : str, callable or spec
        ``"sign"``, ``"ternary:TAU"`` (threshold TAU sd), ``"rotated-sign"``
        (q_R(w) = R^T sign(R w), one Haar R per call drawn from ``seed``;
        d <= 4096, d^2 work per trial), ``"kbit:K"`` / ``"kbit:K:CLIP"``,
        ``"xnor"``, or a callable mapping a 1-D array to an array of the same
        length (run in Python one trial at a time: slow, CPU only).
    dist : str, array_like or spec
        ``"normal"``, ``"uniform"`` (on [-1, 1]), ``"laplace"``, ``"t:NU"``,
        ``"aniso:R"``, or an array of d per-coordinate scales of a normal.
    seed : int or numpy.random.SeedSequence
        the same seed gives the same numbers whatever the number of threads.
    backend : {"cpu", "cuda", "auto"}

    Returns
    -------
    numpy.ndarray
        float64, shape (trials,).

    Examples
    --------
    >>> c = sample_cos(1000, 200, seed=1)
    >>> c.shape, bool(0.7 < c.mean() < 0.9)
    ((200,), True)
    >>> sample_cos(1, 2).tolist()
    [1.0, 1.0]
    """
    d = _check_dimension(d)
    trials = _check_int(trials, "trials", 0)
    as_seed_sequence(seed)
    dist_spec = specs.parse_dist(dist)
    quantizer_spec = specs.parse_quantizer(quantizer)
    _check_combination(d, dist_spec, quantizer_spec)
    if resolve_backend(backend) == "cuda":
        from bingeo.sampling import cuda as _cuda

        return _cuda.sample_cos_cuda(d, trials, dist=dist_spec, quantizer=quantizer_spec, seed=seed)
    from bingeo.sampling import cpu as _cpu

    return _cpu.sample_cos_cpu(d, trials, dist=dist_spec, quantizer=quantizer_spec, seed=seed)


def sample_pair_cos(d: int, trials: int, *, seed=0, backend="cpu") -> np.ndarray:
    """Monte Carlo draws of cos angle(u, v) for independent u, v ~ N(0, I_d).

    The exact law: mean 0, variance 1/d; the angle concentrates at 90 degrees.

    Parameters
    ----------
    d : int
        dimension, >= 1.
    trials : int
        independent pairs, >= 0.
    seed : int or numpy.random.SeedSequence
    backend : {"cpu", "cuda", "auto"}

    Returns
    -------
    numpy.ndarray
        float64, shape (trials,).

    Examples
    --------
    >>> c = sample_pair_cos(400, 1000, seed=2)
    >>> bool(abs(c.mean()) < 0.01), bool(abs(c.var() * 400 - 1) < 0.2)
    (True, True)
    """
    d = _check_dimension(d)
    trials = _check_int(trials, "trials", 0)
    as_seed_sequence(seed)
    if resolve_backend(backend) == "cuda":
        from bingeo.sampling import cuda as _cuda

        return _cuda.sample_pair_cos_cuda(d, trials, seed=seed)
    from bingeo.sampling import cpu as _cpu

    return _cpu.sample_pair_cos_cpu(d, trials, seed=seed)
