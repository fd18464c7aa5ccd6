"""Slow, obvious versions of the analysis functions, under the same names.

Plain loops and numpy's own routines (``np.corrcoef``, ``np.cov``), no
cleverness; the tests compare the library against these.
"""

from __future__ import annotations

import math

import numpy as np


def sign_pm1(x):
    return np.array([1.0 if v >= 0 else -1.0 for v in np.ravel(x)]).reshape(np.shape(x))


def unit_cosines(latent, quantized):
    out = []
    for w, q in zip(np.asarray(latent, float), np.asarray(quantized, float)):
        nw = math.sqrt(sum(v * v for v in w))
        nq = math.sqrt(sum(v * v for v in q))
        out.append(sum(a * b for a, b in zip(w, q)) / (nw * nq) if nw > 0 and nq > 0 else math.nan)
    return np.array(out)


def column_correlations(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    out = []
    for j in range(x.shape[1]):
        if np.ptp(x[:, j]) == 0 or np.ptp(y[:, j]) == 0:
            out.append(math.nan)
        else:
            out.append(np.corrcoef(x[:, j], y[:, j])[0, 1])
    return np.array(out)


def input_covariance(a):
    return np.cov(np.asarray(a, float), rowvar=False, ddof=1)


def batchnorm_batch_stats(z, eps):
    z = np.asarray(z, float)
    out = np.empty_like(z)
    for u in range(z.shape[1]):
        col = z[:, u]
        mu = sum(col) / len(col)
        var = sum((v - mu) ** 2 for v in col) / len(col)
        out[:, u] = [(v - mu) / math.sqrt(var + eps) for v in col]
    return out
