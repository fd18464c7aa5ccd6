"""Brute-force numpy Monte Carlo, the independent route the theory is checked
against.  Slow and obvious on purpose: whole arrays, no streaming tricks."""

from __future__ import annotations

import numpy as np

CHUNK_ROWS = 2048
"""Rows of one batch of vectors (keeps memory at CHUNK_ROWS * d floats)."""


def sign_cosines(rng: np.random.Generator, d: int, n: int) -> np.ndarray:
    """n draws of cos angle(w, sign w) = ||w||_1 / (sqrt(d) ||w||_2), w ~ N(0, I_d)."""
    out = np.empty(n)
    for start in range(0, n, CHUNK_ROWS):
        rows = min(CHUNK_ROWS, n - start)
        w = rng.standard_normal((rows, d))
        out[start : start + rows] = np.abs(w).sum(axis=1) / (np.sqrt(d) * np.linalg.norm(w, axis=1))
    return out


def pair_cosines(rng: np.random.Generator, d: int, n: int) -> np.ndarray:
    """n draws of cos angle(u, v) for independent u, v ~ N(0, I_d)."""
    u = rng.standard_normal((n, d))
    v = rng.standard_normal((n, d))
    return (u * v).sum(axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))


def haar_rotation(rng: np.random.Generator, d: int) -> np.ndarray:
    """A Haar-random d x d orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def quantized_cosines(rng: np.random.Generator, d: int, n: int, draw, quantize) -> np.ndarray:
    """n draws of cos angle(w, q(w)) for w with d i.i.d. coordinates
    ``draw(rng, shape)``, q = ``quantize`` applied to a (rows, d) array."""
    out = np.empty(n)
    rows_per_batch = max(1, CHUNK_ROWS * 64 // d)
    for start in range(0, n, rows_per_batch):
        rows = min(rows_per_batch, n - start)
        w = draw(rng, (rows, d))
        q = quantize(w)
        q = q / np.abs(q).max(axis=1, keepdims=True)  # q's scale is free: keep |q|^2 representable
        out[start : start + rows] = (w * q).sum(axis=1) / (np.linalg.norm(w, axis=1) * np.linalg.norm(q, axis=1))
    return out
