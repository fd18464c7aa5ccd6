"""Models and training checkpoints on disk, written whole or not at all.

A model directory holds

``config.json``
    ``{"format": "bingeo.bnn/1", "model": ModelConfig, "training": TrainConfig or null}``;
``model.npz``
    every array of :meth:`Network.state_dict` (latent weights, shifts,
    running statistics, rotations) plus a ``format`` entry;
``checkpoint.npz``
    during training: the same arrays, the optimizer state (``adam.m/NAME``,
    ``adam.v/NAME``, ``adam.t``), the number of finished epochs and the
    per-epoch history (JSON), rewritten after every epoch.

Every file is written to a temporary name in the same directory and then
renamed, so a killed process leaves the previous version intact.  A corrupt,
truncated or mismatched file raises :class:`CheckpointError` naming it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from .config import ModelConfig, TrainConfig
from .network import Network
from .optim import Adam

__all__ = ["CheckpointError", "FORMAT", "save_model", "load_model", "read_config",
           "write_config", "save_checkpoint", "load_checkpoint",
           "MODEL_FILE", "CONFIG_FILE", "CHECKPOINT_FILE"]

FORMAT = "bingeo.bnn/1"
"""Format tag stored in every file; a different tag is refused."""

MODEL_FILE = "model.npz"
CONFIG_FILE = "config.json"
CHECKPOINT_FILE = "checkpoint.npz"


class CheckpointError(ValueError):
    """A model or checkpoint file that is missing, corrupt or does not match."""


def _save_npz(path: Path, arrays: dict) -> None:
    atomic_write(path, lambda fh: np.savez(fh, **arrays))


def _load_npz(path: Path, expected_format: str = FORMAT) -> dict:
    """The arrays of an ``.npz`` file whose ``format`` entry is ``expected_format``
    (the entry removed); CheckpointError naming the file otherwise."""
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except Exception as exc:  # zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error
        raise CheckpointError(f"{path}: not a readable .npz file ({type(exc).__name__}: {exc})") from None
    tag = arrays.pop("format", None)
    if tag is None or str(tag) != expected_format:
        raise CheckpointError(f"{path}: format tag {None if tag is None else str(tag)!r}, "
                              f"expected {expected_format!r}")
    return arrays


def write_config(directory, model: ModelConfig, training: TrainConfig | None = None) -> Path:
    """Write ``directory/config.json`` atomically; returns its path."""
    path = Path(directory) / CONFIG_FILE
    data = {"format": FORMAT, "model": model.to_dict(),
            "training": None if training is None else training.to_dict()}
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
    return path


def read_config(directory) -> tuple[ModelConfig, TrainConfig | None]:
    """Read ``directory/config.json``: the model's and (if any) the training configuration."""
    path = Path(directory) / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file (not a model directory)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format tag {data.get('format')!r}, expected {FORMAT!r}")
        model = ModelConfig.from_dict(data["model"])
        training = None if data.get("training") is None else TrainConfig.from_dict(data["training"])
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: not a valid model configuration ({exc})") from None
    return model, training


def save_model(directory, network: Network, training: TrainConfig | None = None) -> Path:
    """Write ``config.json`` and ``model.npz`` of ``network`` into ``directory``.

    Examples
    --------
    >>> import tempfile
    >>> net = Network(ModelConfig(architecture="c2-p-d4", input_shape=(1, 4, 4), num_classes=2))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = save_model(d, net)
    ...     back = load_model(d)
    >>> all(np.array_equal(a, back.state_dict()[k]) for k, a in net.state_dict().items())
    True
    """
    directory = Path(directory)
    write_config(directory, network.config, training)
    arrays = dict(network.state_dict())
    arrays["format"] = np.array(FORMAT)
    _save_npz(directory / MODEL_FILE, arrays)
    return directory / MODEL_FILE


def load_model(directory) -> Network:
    """The :class:`Network` saved in ``directory`` by :func:`save_model`.

    Raises
    ------
    CheckpointError
        if a file is missing, corrupt, or its arrays do not fit its configuration.
    """
    model, _ = read_config(directory)
    path = Path(directory) / MODEL_FILE
    arrays = _load_npz(path)
    try:
        return Network(model, state=arrays)
    except ValueError as exc:
        raise CheckpointError(f"{path}: does not match {CONFIG_FILE} ({exc})") from None


def save_checkpoint(directory, network: Network, optimizer: Adam, epochs_done: int,
                    history: list) -> Path:
    """Write ``directory/checkpoint.npz``: network, optimizer, epochs done, history."""
    arrays = dict(network.state_dict())
    arrays.update({f"adam.{k}": v for k, v in optimizer.state_dict().items()})
    arrays["epochs_done"] = np.array(int(epochs_done), np.int64)
    arrays["history"] = np.array(json.dumps(history))
    arrays["model_config"] = np.array(json.dumps(network.config.to_dict(), sort_keys=True))
    arrays["format"] = np.array(FORMAT)
    path = Path(directory) / CHECKPOINT_FILE
    _save_npz(path, arrays)
    return path


def load_checkpoint(directory, network: Network, optimizer: Adam) -> tuple[int, list]:
    """Restore ``network`` and ``optimizer`` from ``directory/checkpoint.npz``.

    Returns
    -------
    epochs_done : int
    history : list of dict
    """
    path = Path(directory) / CHECKPOINT_FILE
    arrays = _load_npz(path)
    try:
        saved = json.loads(str(arrays.pop("model_config")))
        epochs_done = int(arrays.pop("epochs_done"))
        history = json.loads(str(arrays.pop("history")))
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: incomplete checkpoint ({exc})") from None
    current = network.config.to_dict()
    if saved != json.loads(json.dumps(current, sort_keys=True)):
        diff = sorted(k for k in set(saved) | set(current) if saved.get(k) != current.get(k))
        raise CheckpointError(f"{path}: saved for a different model (fields differ: {', '.join(diff)})")
    adam = {k[len("adam."):]: v for k, v in arrays.items() if k.startswith("adam.")}
    state = {k: v for k, v in arrays.items() if not k.startswith("adam.")}
    try:
        network.load_state_dict(state)
        optimizer.load_state_dict(adam)
    except ValueError as exc:
        raise CheckpointError(f"{path}: does not match the model ({exc})") from None
    return epochs_done, history
