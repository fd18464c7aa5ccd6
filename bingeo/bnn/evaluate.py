"""Accuracy and confusion matrix of a network on a labelled set."""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "confusion_matrix"]


def confusion_matrix(labels, predictions, num_classes: int) -> np.ndarray:
    """``C[i, j]`` = number of samples of class i predicted as class j (int64).

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2)
    array([[1, 0],
           [1, 1]])
    """
    labels = np.asarray(labels, np.int64)
    predictions = np.asarray(predictions, np.int64)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(f"labels and predictions: expected equal 1-d shapes, got {labels.shape} and {predictions.shape}")
    for name, a in (("labels", labels), ("predictions", predictions)):
        if a.size and (a.min() < 0 or a.max() >= num_classes):
            raise ValueError(f"{name}: expected values in 0..{num_classes - 1}")
    out = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(out, (labels, predictions), 1)
    return out


def accuracy(network, x, labels, *, batch_size: int = 512, **switches) -> float:
    """Fraction of ``x`` whose predicted class (evaluation mode) equals ``labels``.

    ``switches`` go to :meth:`Network.forward` (``binarize_weights=...``,
    ``continuous=True``, ...).
    """
    labels = np.asarray(labels, np.int64)
    if len(labels) == 0:
        raise ValueError("labels: expected at least one sample")
    pred = network.predict(x, batch_size=batch_size, **switches)
    return float(np.mean(pred == labels))
