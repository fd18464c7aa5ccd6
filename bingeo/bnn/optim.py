"""Adam (Kingma & Ba 2015, Algorithm 1), with optional elementwise gradient clipping.

For each parameter ``p`` with gradient ``g`` (step ``t`` counted from 1):

    g = clip(g, -c, c)                      (when a clip c is set)
    m = beta1 m + (1 - beta1) g
    v = beta2 v + (1 - beta2) g^2
    p = p - lr * scale * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

in float32, each operation rounded on its own in the order written (one
numba loop per parameter, its elements shared among the threads: an
element's update depends on that element alone, so the thread count
changes no bit).  The optimizer only steps; the learning-rate schedule lives in
:meth:`bingeo.bnn.TrainConfig.learning_rate` and the latent-weight clip in
:meth:`bingeo.bnn.train.clip_latent_weights`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["Adam", "adam_update"]

CHUNK = 1 << 14
"""Elements per ``prange`` iteration of :func:`adam_update`."""


@njit(cache=True, error_model="numpy")
def _adam_loop(p, g, m, v, b1, a1, b2, a2, c2, eps, rate, clip):
    for i in range(p.shape[0]):
        gi = g[i]
        if clip > 0:
            if gi > clip:
                gi = clip
            elif gi < -clip:
                gi = -clip
        mi = m[i] * b1 + a1 * gi
        vi = v[i] * b2 + (gi * gi) * a2
        m[i] = mi
        v[i] = vi
        p[i] = p[i] - (mi / (np.sqrt(vi / c2) + eps)) * rate


@njit(cache=True, parallel=True)
def adam_update(p, g, m, v, b1, a1, b2, a2, c2, eps, rate, clip):
    """One Adam update of the flat float32 arrays ``p``, ``m``, ``v`` in place
    from the gradient ``g`` (not modified), all arithmetic in float32:

        g = clip(g, -clip, clip)        (clip <= 0: no clipping)
        m = b1 m + a1 g
        v = b2 v + a2 g^2               ((g * g) * a2)
        p = p - (m / (sqrt(v / c2) + eps)) * rate

    with ``a1 = 1 - beta1``, ``a2 = 1 - beta2`` and ``c2 = 1 - beta2^t``
    precomputed, and ``rate = lr * scale / (1 - beta1^t)``; a NaN gradient
    stays NaN (as in ``np.clip``).

    Examples
    --------
    >>> p, m, v = np.zeros(1, np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32)
    >>> f = np.float32
    >>> adam_update(p, np.array([2.0], f), m, v, f(0.9), f(0.1), f(0.999), f(0.001), f(0.001),
    ...             f(1e-8), f(1.0), f(1.0))
    >>> p.round(4), m, v                # the gradient clipped to 1: p = -(0.1 / sqrt(0.001 / 0.001))
    (array([-0.1], dtype=float32), array([0.1], dtype=float32), array([0.001], dtype=float32))
    """
    n = p.shape[0]
    # a serial loop per chunk of slices: it vectorizes, an index range inside prange does not;
    # the loop divides with numpy's error model (IEEE, no ZeroDivisionError test per division:
    # the denominators here are never zero), which lets it vectorize at all (18x faster)
    for k in prange((n + CHUNK - 1) // CHUNK):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        _adam_loop(p[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], b1, a1, b2, a2, c2, eps, rate, clip)


class Adam:
    """Adam over a dict of float32 parameters, updated in place.

    Parameters
    ----------
    params : dict of str to ndarray
        the arrays to train, float32 and C-contiguous (kept by reference,
        updated in place).
    beta1, beta2 : float
        decay of the first and second moment estimates, in [0, 1).
    eps : float
        added to the root of the second moment, > 0.
    clip : float or None
        gradients are clipped elementwise to [-clip, clip] first (> 0);
        None: not clipped (BinaryNet's scripts), 1.0 by default.
    lr_scales : dict of str to float, optional
        per-parameter multipliers of the learning rate (default 1); the
        training loop passes :func:`bingeo.bnn.train.weight_lr_scales`.

    Examples
    --------
    >>> p = {"w": np.zeros(2, np.float32)}
    >>> opt = Adam(p)
    >>> opt.step({"w": np.array([3.0, -0.5], np.float32)}, lr=0.1)
    >>> p["w"].round(4)
    array([-0.1,  0.1], dtype=float32)
    """

    def __init__(self, params: dict, *, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, clip: float | None = 1.0, lr_scales: dict | None = None):
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not (0.0 <= float(value) < 1.0):
                raise ValueError(f"{name}: expected 0 <= {name} < 1, got {value!r}")
        if not float(eps) > 0.0:
            raise ValueError(f"eps: expected > 0, got {eps!r}")
        if clip is not None and not float(clip) > 0.0:
            raise ValueError(f"clip: expected > 0 or None (no clipping), got {clip!r}")
        for name, value in params.items():
            if not (isinstance(value, np.ndarray) and value.dtype == np.float32 and value.flags.c_contiguous
                    and value.flags.writeable):
                raise ValueError(f"params: {name} must be a writeable C-contiguous float32 array "
                                 "(it is updated in place)")
        self.params = params
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.clip = None if clip is None else float(clip)
        self.m = {k: np.zeros_like(v, dtype=np.float32) for k, v in params.items()}
        self.v = {k: np.zeros_like(v, dtype=np.float32) for k, v in params.items()}
        self.t = 0
        self.lr_scales = {k: np.float32((lr_scales or {}).get(k, 1.0)) for k in params}

    def step(self, grads: dict, lr: float) -> None:
        """One update of every parameter from ``grads`` (same names) at rate ``lr``."""
        missing = sorted(set(self.params) - set(grads))
        if missing:
            raise ValueError(f"grads: missing gradients for {missing}")
        self.t += 1
        b1, b2 = np.float32(self.beta1), np.float32(self.beta2)
        # 1 - beta in float64 first: 1 - float32(0.999) is off by 1.3e-5 relative
        a1, a2 = np.float32(1.0 - self.beta1), np.float32(1.0 - self.beta2)
        c1 = np.float32(1.0 - self.beta1 ** self.t)
        c2 = np.float32(1.0 - self.beta2 ** self.t)
        lr32, eps32 = np.float32(lr), np.float32(self.eps)
        clip = np.float32(self.clip) if self.clip is not None else np.float32(0.0)
        for name, p in self.params.items():
            g = np.ascontiguousarray(grads[name], dtype=np.float32)
            if g.shape != p.shape:
                raise ValueError(f"grads: {name} has shape {g.shape}, the parameter {p.shape}")
            rate = (lr32 * self.lr_scales[name]) / c1
            adam_update(p.reshape(-1), g.reshape(-1), self.m[name].reshape(-1), self.v[name].reshape(-1),
                        b1, a1, b2, a2, c2, eps32, rate, clip)

    def state_dict(self) -> dict:
        """Copies of the moments (``m/NAME``, ``v/NAME``) and the step count ``t``."""
        out = {f"m/{k}": v.copy() for k, v in self.m.items()}
        out.update({f"v/{k}": v.copy() for k, v in self.v.items()})
        out["t"] = np.array(self.t, np.int64)
        return out

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`; ValueError naming a missing or mis-shaped array."""
        for prefix, store in (("m", self.m), ("v", self.v)):
            for k, arr in store.items():
                key = f"{prefix}/{k}"
                if key not in state:
                    raise ValueError(f"optimizer state: missing {key}")
                value = np.asarray(state[key])
                if value.shape != arr.shape:
                    raise ValueError(f"optimizer state: {key} has shape {value.shape}, expected {arr.shape}")
                arr[...] = value
        if "t" not in state:
            raise ValueError("optimizer state: missing t")
        self.t = int(np.asarray(state["t"]))
