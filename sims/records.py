"""What a command writes as records: the metadata block every JSON output
starts with, and values made JSON-ready (numpy arrays and scalars as lists
and numbers, NaN and inf as null).

Part of the commands' shared pieces; :mod:`sims.cli` re-exports every name.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from importlib import metadata as _metadata
from pathlib import Path

__all__ = ["run_metadata", "json_ready", "json_text"]


def _json_default(obj):
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None:
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return _finite_or_none(float(obj))
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _finite_or_none(x: float):
    return x if math.isfinite(x) else None


def _clean(obj):
    """Replace non-finite floats by None so the JSON stays standard."""
    if isinstance(obj, float):
        return _finite_or_none(obj)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def json_ready(data):
    """``data`` as JSON reads it back: numpy arrays and scalars as lists and numbers, NaN and inf as None.

    >>> import numpy as np
    >>> json_ready({"a": np.arange(2), "b": float("nan")})
    {'a': [0, 1], 'b': None}
    """
    return json.loads(json.dumps(_clean(data), default=_json_default, allow_nan=False))


def json_text(data, *, indent: int | None = 2) -> str:
    """``data`` as standard JSON text (NaN and inf become null).

    >>> json_text({"a": float("inf")}, indent=None)
    '{"a": null}'
    """
    return json.dumps(_clean(data), indent=indent, default=_json_default, allow_nan=False)


def _version(name: str) -> str | None:
    try:
        return _metadata.version(name)
    except _metadata.PackageNotFoundError:
        return None


def run_metadata(command: str, args: argparse.Namespace | dict | None = None, *,
                 seed=None, backend: str | None = None, device: str | None = None) -> dict:
    """The block every JSON output starts with: what ran, where, with what.

    Returns a dict with the command, its arguments, the seed, the backend and
    device, the UTC time, and the versions of Python and the key packages.
    """
    if isinstance(args, argparse.Namespace):
        arg_dict = {k: v for k, v in vars(args).items() if not callable(v)}
    else:
        arg_dict = dict(args or {})
    return {
        "command": command,
        "arguments": _clean(json.loads(json.dumps(arg_dict, default=str))),
        "seed": seed,
        "backend": backend,
        "device": device,
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": {
            "python": platform.python_version(),
            **{name: _version(name) for name in
               ("bingeo", "numpy", "numba", "numba-cuda", "scipy", "sympy", "matplotlib")},
        },
        "platform": platform.platform(),
    }
