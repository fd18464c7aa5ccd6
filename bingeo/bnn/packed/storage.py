"""A :class:`.PackedNetwork` on disk: one ``.npz`` file, written whole or not at all.

The file holds a ``format`` tag (``bingeo.bnn.packed/1``), the
:class:`~bingeo.bnn.ModelConfig` as JSON, the first layer's float32 weights
and batch norm (``conv1.weights``, ``conv1.running_mean``, ...), and for
every later layer its packed words (uint64), its integer thresholds (hidden
layers) and its batch norm.  Loading checks every array's name, dtype and
shape against the configuration and re-derives the first layer's folded
thresholds as the export does; a bad file raises
:class:`~bingeo.bnn.CheckpointError` naming it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..architecture import plan_layers
from ..checkpoint import CheckpointError, _load_npz, _save_npz
from ..config import ModelConfig
from ..network import Network
from .export import export_packed, float_first_layer
from .network import BinaryLayer, PackedNetwork

__all__ = ["save_packed", "load_packed", "PACKED_FORMAT"]

PACKED_FORMAT = "bingeo.bnn.packed/1"
"""Format tag of a packed network file; a different tag is refused."""

_BN = ("running_mean", "running_var", "beta")


def _arrays(packed: PackedNetwork) -> dict:
    first = packed.first
    out = {f"{first.name}.weights": first.weights}
    out.update({f"{first.name}.{k}": getattr(first, k) for k in _BN})
    for layer in packed.layers:
        out[f"{layer.name}.words"] = layer.words
        if layer.thresholds is not None:
            out[f"{layer.name}.thresholds"] = layer.thresholds
        out.update({f"{layer.name}.{k}": getattr(layer, k) for k in _BN})
    return out


def save_packed(path, packed: PackedNetwork) -> Path:
    """Write ``packed`` to ``path`` (a ``.npz`` file), atomically; returns the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = Network(ModelConfig(architecture="c4-p-d8", input_shape=(1, 4, 4), num_classes=3))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     back = load_packed(save_packed(pathlib.Path(d) / "packed.npz", net.export_packed()))
    >>> x = np.linspace(-1, 1, 16, dtype=np.float32).reshape(1, 1, 4, 4)
    >>> bool(np.array_equal(back.forward(x), net.forward(x)))
    True
    """
    if not isinstance(packed, PackedNetwork):
        raise TypeError(f"packed: expected a PackedNetwork, got {type(packed).__name__}")
    arrays = dict(_arrays(packed))
    arrays["format"] = np.array(PACKED_FORMAT)
    arrays["config"] = np.array(json.dumps(packed.config.to_dict(), sort_keys=True))
    _save_npz(Path(path), arrays)
    return Path(path)


def load_packed(path) -> PackedNetwork:
    """The :class:`.PackedNetwork` saved at ``path`` by :func:`save_packed`.

    Raises
    ------
    CheckpointError
        if the file is missing, corrupt, or an array is missing, extra, or
        of another dtype or shape than the configuration needs.
    """
    path = Path(path)
    arrays = _load_npz(path, PACKED_FORMAT)
    try:
        config = ModelConfig.from_dict(json.loads(str(arrays.pop("config"))))
        template = export_packed(Network(config))   # the names, dtypes and shapes this config needs
        template_plan = plan_layers(config.architecture, config.input_shape, config.num_classes)[0]
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: not a valid packed network configuration ({exc})") from None
    expected = {k: (v.dtype, v.shape) for k, v in _arrays(template).items()}
    missing, extra = sorted(set(expected) - set(arrays)), sorted(set(arrays) - set(expected))
    if missing or extra:
        raise CheckpointError(f"{path}: missing arrays {missing}, unexpected arrays {extra}")
    for key, (dtype, shape) in expected.items():
        if arrays[key].dtype != dtype or arrays[key].shape != shape:
            raise CheckpointError(f"{path}: {key} is {arrays[key].dtype} {arrays[key].shape}, "
                                  f"the configuration needs {dtype} {shape}")
    eps = np.float32(config.bn_eps)
    name = template.first.name
    try:
        first = float_first_layer(template_plan, arrays[f"{name}.weights"],
                                  *(arrays[f"{name}.{k}"] for k in _BN), eps)
    except ValueError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    layers = [BinaryLayer(t.name, t.kind, arrays[f"{t.name}.words"], t.fan_in, t.pools,
                          arrays.get(f"{t.name}.thresholds"), *(arrays[f"{t.name}.{k}"] for k in _BN))
              for t in template.layers]
    return PackedNetwork(config, first, layers)

