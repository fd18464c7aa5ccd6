"""The ``Dataset`` record every loader returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A classification data set split into a training and a test part.

    Attributes
    ----------
    x_train, x_test : numpy.ndarray, float32, shape (N, C, H, W)
        Images, channels first.  Every file-based and bundled data set is
        scaled affinely from its raw pixel range onto [-1, 1]; the synthetic
        Gaussian mixture is scaled to *roughly* [-1, 1] and not clipped (see
        :func:`bingeo.data.make_gaussian_mixture`).
    y_train, y_test : numpy.ndarray, int64, shape (N,)
        Class labels in ``0 .. num_classes - 1``.
    num_classes : int
        Number of classes.
    name : str
        The name ``load_dataset`` knows the data set by.
    class_names : tuple of str or None
        A readable name per class, where the data set has them.
    note : str
        One line of plain text saying how the data set departs from its
        usual form (for example MNIST split from its test files alone,
        when the training files are missing); empty when it does not.
        Meant to be shown wherever results on the data set are reported.

    The record is frozen (its fields cannot be reassigned); the arrays
    themselves are ordinary writable numpy arrays owned by the caller.

    Examples
    --------
    >>> import numpy as np
    >>> ds = Dataset(x_train=np.zeros((4, 1, 2, 2), np.float32),
    ...              y_train=np.array([0, 1, 0, 1]),
    ...              x_test=np.zeros((2, 1, 2, 2), np.float32),
    ...              y_test=np.array([1, 0]), num_classes=2, name="toy")
    >>> ds
    Dataset(name='toy', train=4, test=2, image=(1, 2, 2), num_classes=2)
    >>> ds.y_train.dtype, ds.image_shape, ds.note
    (dtype('int64'), (1, 2, 2), '')
    """

    x_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    x_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    num_classes: int
    name: str
    class_names: tuple[str, ...] | None = None
    note: str = ""

    def __post_init__(self):
        num_classes = self.num_classes
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"num_classes must be an integer >= 1, got {num_classes!r}")
        object.__setattr__(self, "num_classes", int(num_classes))
        shape = None
        for part in ("train", "test"):
            x = np.asarray(getattr(self, f"x_{part}"))
            y = np.asarray(getattr(self, f"y_{part}"))
            if x.ndim != 4:
                raise ValueError(f"x_{part} must have shape (N, C, H, W), got shape {x.shape}")
            if y.ndim != 1 or len(y) != len(x):
                raise ValueError(f"y_{part} must have shape ({len(x)},) to match x_{part}, got shape {y.shape}")
            if y.size and not np.issubdtype(y.dtype, np.integer):
                raise ValueError(f"y_{part} must hold integer labels, got dtype {y.dtype}")
            if y.size and (y.min() < 0 or y.max() >= self.num_classes):
                raise ValueError(f"y_{part} labels must lie in 0..{self.num_classes - 1}, "
                                 f"got {int(y.min())}..{int(y.max())}")
            if shape is not None and x.shape[1:] != shape:
                raise ValueError(f"x_test images have shape {x.shape[1:]}, x_train images {shape}: they must match")
            shape = x.shape[1:]
            object.__setattr__(self, f"x_{part}", np.ascontiguousarray(x, dtype=np.float32))
            object.__setattr__(self, f"y_{part}", np.ascontiguousarray(y, dtype=np.int64))
        if self.class_names is not None:
            names = tuple(str(c) for c in self.class_names)
            if len(names) != self.num_classes:
                raise ValueError(f"class_names must hold {self.num_classes} names, got {len(names)}")
            object.__setattr__(self, "class_names", names)
        if not isinstance(self.note, str) or "\n" in self.note or "\r" in self.note:
            raise ValueError(f"note must be a string of one line, got {self.note!r}")

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """The shape (C, H, W) of one image."""
        return tuple(int(s) for s in self.x_train.shape[1:])

    def __repr__(self) -> str:
        return (f"Dataset(name={self.name!r}, train={len(self.x_train)}, test={len(self.x_test)}, "
                f"image={self.image_shape}, num_classes={self.num_classes})")
