"""A minimal binary neural network engine written in numba; this module only
re-exports.

``Network`` runs forward and backward with per-layer binarization switches
and records every layer's inputs, weights and pre-activations;
``ModelConfig`` / ``TrainConfig`` describe a network and its training run;
``train_model`` trains one on a ``bingeo.data.Dataset`` and ``save_model`` /
``load_model`` keep it on disk (``retain_freed_memory`` is what
``train_model`` does to the allocator, for loops of one's own).
``Network.export_packed()`` gives its
bit-packed twin for inference, a ``PackedNetwork`` (``bingeo.bnn.packed``).
"""

from .architecture import DEFAULT_ARCHITECTURE, PAPER_CIFAR10_ARCHITECTURE, LayerPlan, plan_layers
from .checkpoint import CheckpointError, load_model, save_model
from .config import ModelConfig, TrainConfig
from .evaluate import accuracy, confusion_matrix
from .memory import retain_freed_memory
from .network import LayerRecord, Network
from .optim import Adam
from .packed import PackedNetwork, load_packed, save_packed
from .reference_step import reference_train_step
from .train import TrainResult, train_model
from .weights import WeightQuantizer, haar_rotation

__all__ = [
    "DEFAULT_ARCHITECTURE", "PAPER_CIFAR10_ARCHITECTURE", "LayerPlan", "plan_layers",
    "ModelConfig", "TrainConfig", "Network", "LayerRecord", "WeightQuantizer", "haar_rotation",
    "CheckpointError", "load_model", "save_model", "accuracy", "confusion_matrix", "Adam",
    "reference_train_step", "TrainResult", "train_model", "PackedNetwork", "save_packed", "load_packed",
    "retain_freed_memory",
]
