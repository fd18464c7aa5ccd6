"""Train and evaluate bingeo's binary neural network.

``python -m sims.bnn train --out DIR`` trains the default binary network on
scikit-learn's digits and writes ``DIR/model.npz``, ``DIR/config.json`` and
``DIR/metrics.json`` (``{"metadata", "test_accuracy", "train_accuracy",
"history"}``); a checkpoint is written after every epoch, so an interrupted
run continues with ``--resume`` and loses at most one epoch.
``python -m sims.bnn evaluate DIR`` prints the test accuracy and the
confusion matrix of a saved model; ``--packed`` computes them on the
bit-packed path (``Network.export_packed()``), with the same predictions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bingeo.bnn import (DEFAULT_ARCHITECTURE, CheckpointError, TrainConfig, accuracy,
                        confusion_matrix, load_model, train_model)
from bingeo.bnn.checkpoint import CHECKPOINT_FILE, CONFIG_FILE, read_config
from bingeo.bnn.config import FIRST_LAYER_MODES, LOSSES
from bingeo.bnn.initialization import INITS
from bingeo.bnn.recipes import DEFAULT_RECIPE, RECIPES, WEIGHT_LR_SCALES
from bingeo.data import DATASETS, load_dataset
from sims.bnn_checks import (accuracy_record, check_finite_weights, check_out_folder, check_resume, check_split_seed,
                             check_training_memory, format_accuracy)
from sims.cli import (STDOUT, ArgumentParser, CliError, Progress, add_progress_flags, add_seed_flag, atomic_write_json,
                      check_outputs, checked_number, format_table, nonnegative_int, output_path, positive_int,
                      run_main, run_metadata)

__all__ = ["build_parser", "run_train", "run_evaluate", "main"]

PROG = "python -m sims.bnn"
METRICS_FILE = "metrics.json"
_DEFAULTS = TrainConfig()
_RECIPE_FLAGS = ("batch_size", "lr_start", "lr_end", "loss", "weight_lr_scale", "init")
"""Flags whose default is the recipe's value (None on the command line: not given)."""


_unit_float = checked_number(float, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")
_rate = checked_number(float, lambda v: 0.0 < v <= 1.0, "a number in (0, 1]")


def _add_data_flags(p: argparse.ArgumentParser, default) -> None:
    p.add_argument("--dataset", default=default, choices=DATASETS,
                   help="data set" + (" (default digits)" if default else
                                      " (default: the one the model was trained on)"))
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="folder holding the data files of file-based sets (MNIST, CIFAR-10)")


def build_parser() -> ArgumentParser:
    """The ``train`` and ``evaluate`` subcommands."""
    parser = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="{train,evaluate}", required=True,
                                parser_class=ArgumentParser)
    t = sub.add_parser("train", help="train a network and save it",
                       description="Train a binary (or continuous-twin) network with a named recipe "
                                   "(default binarynet: BinaryNet's published scripts).")
    _add_data_flags(t, "digits")
    t.add_argument("--arch", default=DEFAULT_ARCHITECTURE,
                   help=f"architecture: cF conv, p 2x2 pool, dM dense; the output layer is appended "
                        f"(default {DEFAULT_ARCHITECTURE})")
    kind = t.add_mutually_exclusive_group()
    kind.add_argument("--binary", dest="binary", action="store_true", default=True,
                      help="quantized weights and activations (default)")
    kind.add_argument("--float", dest="binary", action="store_false",
                      help="the continuous twin: same architecture, nothing quantized, hard-tanh activations")
    t.add_argument("--levels", type=int, choices=(2, 3), default=2,
                   help="2: sign; 3: ternary weights and activations (default 2)")
    t.add_argument("--threshold", type=_unit_float, default=_DEFAULTS.threshold,
                   help=f"ternary threshold in [0, 1) (default {_DEFAULTS.threshold})")
    t.add_argument("--first-layer", choices=FIRST_LAYER_MODES, default="binary",
                   help="first-layer weights: binary, continuous, or rotated q_R(w) = R^T sign(R w) (default binary)")
    t.add_argument("--xnor-scale", action="store_true",
                   help="XNOR-Net scale: quantized weights times mean |w| per output unit")
    t.add_argument("--recipe", choices=tuple(RECIPES), default=DEFAULT_RECIPE,
                   help="published training recipe that supplies every setting not given: binarynet "
                        "(Courbariaux et al. 2016's scripts) or anderson-berg (Anderson & Berg 2018's code) "
                        f"(default {DEFAULT_RECIPE})")
    t.add_argument("--epochs", type=positive_int, default=_DEFAULTS.epochs,
                   help=f"epochs, >= 1 (default {_DEFAULTS.epochs})")
    t.add_argument("--batch-size", type=positive_int, default=None,
                   help="mini-batch size, >= 1 (default: the recipe's)")
    t.add_argument("--lr-start", type=_rate, default=None,
                   help="learning rate of the first epoch (default: the recipe's)")
    t.add_argument("--lr-end", type=_rate, default=None,
                   help="rate the exponential per-epoch decay runs towards (default: the recipe's)")
    t.add_argument("--loss", choices=LOSSES, default=None,
                   help="squared hinge on +-1 targets or softmax cross-entropy (default: the recipe's)")
    t.add_argument("--weight-lr-scale", choices=WEIGHT_LR_SCALES, default=None,
                   help="latent-weight learning-rate multiplier per layer: glorot sqrt((fan_in+fan_out)/1.5), "
                        "none, or glorot-squared (its square) (default: the recipe's)")
    t.add_argument("--init", choices=INITS, default=None,
                   help="initial latent weights (default: the recipe's)")
    add_seed_flag(t)
    t.add_argument("--out", metavar="DIR", required=True, help="folder for model.npz, config.json, metrics.json")
    t.add_argument("--resume", action="store_true",
                   help="continue the run in --out from its last checkpoint")
    add_progress_flags(t)

    e = sub.add_parser("evaluate", help="accuracy and confusion matrix of a saved model",
                       description="Accuracy and confusion matrix of a saved model on a test set.")
    e.add_argument("model_dir", metavar="DIR", help="folder written by train")
    _add_data_flags(e, None)
    e.add_argument("--seed", type=nonnegative_int, default=None,
                   help="seed of the data split: the training run's (the default); another is refused, since "
                        "its test set would hold training images")
    e.add_argument("--packed", action="store_true",
                   help="predict with the bit-packed network (XNOR-popcount; the same predictions)")
    e.add_argument("--json", metavar="PATH", type=output_path,
                   help="write the result as JSON to PATH (- for standard output, the table then on stderr)")
    return parser


def _load_data(name, data_dir, seed):
    try:
        data = load_dataset(name, data_dir=data_dir, seed=seed)
    except (ValueError, OSError) as exc:
        raise CliError(f"--dataset {name}: {exc}") from None
    if data.note:
        # a split that is not the usual one must be seen before any result is read
        print(f"--dataset {name}: {data.note}", file=sys.stderr)
    return data


def _train_config(args) -> TrainConfig:
    given = {k: getattr(args, k) for k in _RECIPE_FLAGS if getattr(args, k) is not None}
    try:
        return TrainConfig(recipe=args.recipe, architecture=args.arch, binary=args.binary, levels=args.levels,
                           threshold=args.threshold, first_layer=args.first_layer,
                           xnor_scale=args.xnor_scale, epochs=args.epochs, seed=args.seed, **given)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run_train(args) -> dict:
    """Train as ``args`` say; returns the metrics record (also written to ``--out``)."""
    config = _train_config(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out}: exists and is not a folder")
    if not args.resume and ((out / CHECKPOINT_FILE).exists() or (out / CONFIG_FILE).exists()):
        raise CliError(f"--out {out}: holds a run already; pass --resume to continue it, or choose another folder")
    if args.resume:
        check_resume(out)
    check_out_folder(out)
    data = _load_data(args.dataset, args.data_dir, args.seed)
    try:
        config.model_config(data.image_shape, data.num_classes)
    except ValueError as exc:
        raise CliError(f"--arch {args.arch}: {exc}") from None
    check_training_memory(args.arch, data.image_shape, data.num_classes, config.batch_size)
    if config.batch_size > len(data.y_train):
        raise CliError(f"--batch-size: expected <= {len(data.y_train)} (the training set), got {config.batch_size}")
    with Progress(config.epochs, "train", quiet=args.quiet) as bar:
        bar.status("compiling (numba) and the first epoch")

        def on_epoch(record):
            bar.update(1, note=f"loss {record['loss']:.4f} train {record['train_accuracy']:.3f} "
                               f"test {record['test_accuracy']:.3f}")
        try:
            result = train_model(config, data, out_dir=out, resume=args.resume, callback=on_epoch)
        except CheckpointError as exc:
            raise CliError(f"--resume: {exc}") from None
    metrics = {
        "metadata": run_metadata("sims.bnn train", args, seed=args.seed, backend="cpu", device="cpu"),
        "test_accuracy": result.test_accuracy,
        "train_accuracy": result.train_accuracy,
        **accuracy_record("test", result.test_accuracy, len(data.y_test)),
        **accuracy_record("train", result.train_accuracy, len(data.y_train)),
        "test_images": len(data.y_test), "train_images": len(data.y_train),
        "resumed_from_epoch": result.resumed_from,
        "history": result.history,
    }
    atomic_write_json(out / METRICS_FILE, metrics)
    return metrics


def training_data_args(model_dir: Path):
    """Data set, split seed and data folder of the run that wrote ``model_dir``.

    Returns
    -------
    dataset : str or None
        from ``metrics.json``; None where it is not recorded (``config.json``
        does not hold it).
    seed : int or None
        from ``metrics.json``, else the training record of ``config.json``;
        None where neither holds it.
    data_dir : str or None
    """
    try:
        meta = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))["metadata"]
        return meta["arguments"].get("dataset", "digits"), meta.get("seed", 0), meta["arguments"].get("data_dir")
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        _, training = read_config(model_dir)
    except CheckpointError:
        training = None
    return None, None if training is None else training.seed, None


def run_evaluate(args) -> dict:
    """Accuracy and confusion matrix of the model in ``args.model_dir``."""
    model_dir = Path(args.model_dir)
    if not model_dir.is_dir():
        raise CliError(f"DIR {model_dir}: no such folder")
    try:
        net = load_model(model_dir)
    except CheckpointError as exc:
        raise CliError(str(exc)) from None
    check_finite_weights(net.state_dict(), model_dir / "model.npz")
    run_name, run_seed, data_dir = training_data_args(model_dir)
    name = args.dataset or run_name or "digits"
    # a run whose data set is not recorded may have been trained on any set the model's input fits
    # (another shape is refused below), so its seed binds whichever set is evaluated
    check_split_seed(args.seed, run_seed, name, run_name or name)
    seed = args.seed if args.seed is not None else run_seed if run_seed is not None else 0
    data = _load_data(name, args.data_dir or data_dir, seed)
    if tuple(data.image_shape) != tuple(net.config.input_shape) or data.num_classes != net.config.num_classes:
        raise CliError(f"--dataset {name}: images {data.image_shape} with {data.num_classes} classes, the model "
                       f"expects {tuple(net.config.input_shape)} with {net.config.num_classes}")
    model = net
    if args.packed:
        try:
            model = net.export_packed()
        except ValueError as exc:
            raise CliError(f"--packed: {exc}") from None
    pred = model.predict(data.x_test)
    matrix = confusion_matrix(data.y_test, pred, data.num_classes)
    test_accuracy = accuracy(model, data.x_test, data.y_test)
    return {
        "metadata": run_metadata("sims.bnn evaluate", args, seed=seed, backend="cpu", device="cpu"),
        "dataset": name,
        "test_accuracy": test_accuracy,
        "test_images": len(data.y_test),
        **accuracy_record("test", test_accuracy, len(data.y_test)),
        "confusion_matrix": matrix.tolist(),
        "class_names": list(data.class_names) if data.class_names else [str(i) for i in range(data.num_classes)],
    }


def _print_evaluation(result, file=None) -> None:
    names = result["class_names"]
    rows = [[names[i]] + row for i, row in enumerate(result["confusion_matrix"])]
    print(f"test accuracy {result['test_accuracy']:.4f} on {result['dataset']} "
          f"({sum(map(sum, result['confusion_matrix']))} images)", file=file)
    print(format_accuracy("test", result["test_accuracy"], result["test_images"]), file=file)
    print("confusion matrix (rows: true class, columns: predicted)", file=file)
    print(format_table(["true"] + names, rows), file=file)


def main(argv=None) -> int:
    """Parse, run, write; exit status 2 with one line on bad input."""
    parser = build_parser()
    args = parser.parse_args(argv)

    def body():
        if args.command == "train":
            metrics = run_train(args)
            print(f"test accuracy {metrics['test_accuracy']:.4f}, train accuracy {metrics['train_accuracy']:.4f} "
                  f"after {len(metrics['history'])} epochs; wrote {Path(args.out) / 'model.npz'}")
            print(format_accuracy("test", metrics["test_accuracy"], metrics["test_images"]))
            print(format_accuracy("train", metrics["train_accuracy"], metrics["train_images"]))
        else:
            check_outputs([("--json", args.json)])
            result = run_evaluate(args)
            # standard output then holds the JSON alone, so that it parses
            _print_evaluation(result, file=sys.stderr if args.json == STDOUT else sys.stdout)
            if args.json:
                atomic_write_json(args.json, result)
    return run_main(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
