"""The checks ``python -m sims.bnn`` makes before it trains or evaluates, and
the uncertainty of the accuracies it prints.

Each check raises :class:`sims.cli.CliError` with one line naming the flag:
``--resume`` with nothing to resume, an ``--out`` that cannot be written, an
``--arch`` that cannot fit in memory (with the estimate), an evaluation on a
split other than the run's (its test set would hold training images), a
model whose weights are not finite.

Examples
--------
>>> rec = accuracy_record("test", 0.9, 100)
>>> rec["test_accuracy_se"], [round(x, 4) for x in rec["test_accuracy_wilson95"]]
(0.03, [0.8256, 0.9448])
>>> format_accuracy("test", 0.9, 100)
'test accuracy 0.9000 +- 0.0300 (95% Wilson interval 0.8256 to 0.9448, 100 images)'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bingeo.bnn.architecture import plan_layers, training_memory_bytes
from bingeo.bnn.checkpoint import CHECKPOINT_FILE, MODEL_FILE
from bingeo.uncertainty import binomial_se, wilson_interval
from sims.cli import CliError, check_memory, check_outputs

__all__ = ["check_resume", "check_out_folder", "check_training_memory", "check_split_seed",
           "check_finite_weights", "accuracy_record", "format_accuracy"]


def check_resume(out: Path) -> None:
    """``--resume`` needs a checkpoint (or a finished model) in ``out``."""
    if not ((out / CHECKPOINT_FILE).is_file() or (out / MODEL_FILE).is_file()):
        state = "does not exist" if not out.exists() else f"holds no {CHECKPOINT_FILE} or {MODEL_FILE}"
        raise CliError(f"--resume: {out} {state}, so there is nothing to resume; train without --resume")


def check_out_folder(out: Path) -> None:
    """Files can be written in ``out`` (created if missing)."""
    check_outputs([("--out", str(out / MODEL_FILE))])


def check_training_memory(architecture: str, image_shape, num_classes: int, batch_size: int) -> None:
    """Refuse, with the estimate, a network that cannot fit in memory."""
    plans = plan_layers(architecture, image_shape, num_classes)
    check_memory(training_memory_bytes(plans, batch_size), f"--arch {architecture}")


def check_split_seed(given: int | None, run_seed: int | None, dataset: str, run_dataset: str) -> None:
    """The split of a data set belongs to the run trained on it: on another
    seed its test set would hold images the model was trained on."""
    if given is not None and run_seed is not None and dataset == run_dataset and given != run_seed:
        raise CliError(f"--seed {given}: the model was trained on the {dataset} split of seed {run_seed}; another "
                       f"split's test set holds training images; leave --seed out (or give {run_seed})")


def check_finite_weights(state: dict, where) -> None:
    """Every float array of the model is finite (a diverged run, or a
    damaged file, would otherwise score at chance without a word)."""
    bad = [name for name, value in state.items()
           if np.asarray(value).dtype.kind == "f" and not np.all(np.isfinite(value))]
    if bad:
        raise CliError(f"{where}: the model holds non-finite weights (NaN or inf in {', '.join(bad[:4])}"
                       f"{', ...' if len(bad) > 4 else ''}); the training diverged or the file is damaged")


def accuracy_record(split: str, accuracy: float, n: int) -> dict:
    """``{split}_accuracy_se`` (binomial) and ``{split}_accuracy_wilson95``
    for an accuracy measured on ``n`` images."""
    k = int(round(accuracy * n))
    return {f"{split}_accuracy_se": binomial_se(k, n), f"{split}_accuracy_wilson95": list(wilson_interval(k, n))}


def format_accuracy(split: str, accuracy: float, n: int) -> str:
    """One phrase: the accuracy, its standard error and its 95% Wilson interval."""
    rec = accuracy_record(split, accuracy, n)
    low, high = rec[f"{split}_accuracy_wilson95"]
    return (f"{split} accuracy {accuracy:.4f} +- {rec[f'{split}_accuracy_se']:.4f} "
            f"(95% Wilson interval {low:.4f} to {high:.4f}, {n} images)")
