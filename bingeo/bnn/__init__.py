"""A minimal binary neural network engine written in numba; this module only
re-exports.

``Network`` runs forward and backward with per-layer binarization switches
and records every layer's inputs, weights and pre-activations;
``ModelConfig`` / ``TrainConfig`` describe a network and its training run.
"""

from .architecture import DEFAULT_ARCHITECTURE, PAPER_CIFAR10_ARCHITECTURE, LayerPlan, plan_layers
from .config import ModelConfig, TrainConfig
from .network import LayerRecord, Network
from .weights import WeightQuantizer, haar_rotation

__all__ = [
    "DEFAULT_ARCHITECTURE", "PAPER_CIFAR10_ARCHITECTURE", "LayerPlan", "plan_layers",
    "ModelConfig", "TrainConfig", "Network", "LayerRecord", "WeightQuantizer", "haar_rotation",
]
