"""Adam (Kingma & Ba 2015, Algorithm 1), with optional elementwise gradient clipping.

For each parameter ``p`` with gradient ``g`` (step ``t`` counted from 1):

    g = clip(g, -c, c)                      (when a clip c is set)
    m = beta1 m + (1 - beta1) g
    v = beta2 v + (1 - beta2) g^2
    p = p - lr * scale * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

in float32.  The optimizer only steps; the learning-rate schedule lives in
:meth:`bingeo.bnn.TrainConfig.learning_rate` and the latent-weight clip in
:meth:`bingeo.bnn.train.clip_latent_weights`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Adam"]


class Adam:
    """Adam over a dict of float32 parameters, updated in place.

    Parameters
    ----------
    params : dict of str to ndarray
        the arrays to train (kept by reference, updated in place).
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
        for name, p in self.params.items():
            g = np.array(grads[name], dtype=np.float32)       # a copy: the step works in place
            if self.clip is not None:
                np.clip(g, -np.float32(self.clip), np.float32(self.clip), out=g)
            m, v = self.m[name], self.v[name]
            m *= b1
            m += a1 * g
            v *= b2
            g *= g
            g *= a2
            v += g
            # p -= rate * (m / c1) / (sqrt(v / c2) + eps), with one temporary
            np.divide(v, c2, out=g)
            np.sqrt(g, out=g)
            g += eps32
            np.divide(m, g, out=g)
            g *= (lr32 * self.lr_scales[name]) / c1
            p -= g

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
