"""Network geometry experiments on a trained model: ``python -m sims.analyze``.

Sub-commands on a model directory (from ``python -m sims.bnn train --out DIR``)
and the held-out images of a data set:

``angles``        experiment 1 (8 for a ternary model): angle of latent and quantized weights per layer
``correlations``  experiment 2 (8): the three dot-product correlations per layer, beside theory
``scope``         experiment 3: one layer switched continuous, or the whole network
``first-layer``   experiment 4: the first layer's angle and correlation, plain / rotated / continuous
``permutation``   experiment 5: the first layer with the input pixels permuted
``xnor``          experiment 6: XNOR-Net's scale under batch normalization

Sub-commands that train (on a data set, short runs):

``train-first-layer``  experiment 4: accuracy of binary / rotated / continuous first layers over seeds
``train-xnor``         experiment 6: accuracy and correlations with and without XNOR-Net's scale
``twins``              experiment 7: latent weights against a continuous twin from one initialization

Every sub-command prints a table and, with ``--json PATH``, writes its
records after the run's metadata.  ``python -m sims.report`` runs them all.
"""

from __future__ import annotations

import argparse
import math
import sys


from sims.cli import (ArgumentParser, CliError, add_seed_flag, atomic_write_json, check_outputs, format_table,
                      nonnegative_int, output_path, positive_int, run_main, run_metadata)

__all__ = ["build_parser", "run", "main", "measure", "MODEL_COMMANDS", "TRAIN_COMMANDS"]

MODEL_COMMANDS = ("angles", "correlations", "scope", "first-layer", "permutation", "xnor")
TRAIN_COMMANDS = ("train-first-layer", "train-xnor", "twins")
KIND_LABELS = {"wc_wb": "A.Wc~A.Wb", "wb_abwb": "A.Wb~Ab.Wb", "wc_abwb": "A.Wc~Ab.Wb"}


# --------------------------------------------------------------------------
# Measurements with theory beside them (shared with sims.report)
# --------------------------------------------------------------------------

def measure(command: str, net, x, *, seed: int = 0) -> dict:
    """Run the model experiment ``command`` on network ``net`` and images ``x``.

    Returns the records (JSON-ready except for NumPy scalars and arrays that
    :func:`sims.cli.atomic_write_json` converts) with theory's predictions
    beside the measurements (:mod:`sims.geometry_vs_theory`).
    """
    from bingeo import analysis
    from sims.geometry_vs_theory import angle_rows, correlation_rows, spread_fit

    levels, threshold = net.config.levels, net.config.threshold
    if command == "angles":
        rows = angle_rows(net)
        return {"layers": rows, "spread_fit": spread_fit(rows), "levels": levels, "threshold": threshold}
    if command == "correlations":
        layers = analysis.dot_correlations(net, x, seed=seed)
        return {"layers": correlation_rows(layers, levels=levels), "levels": levels}
    if command == "scope":
        rows = analysis.one_layer_vs_all_layers(net, x)
        return {"layers": [_strip(r) for r in rows]}
    if command == "first-layer":
        return analysis.first_layer_remedies(net, x, seed=seed)
    if command == "permutation":
        return analysis.permutation_correlations(net, x, seed=seed)
    if command == "xnor":
        return analysis.xnor_scale_invariance(net, x)
    raise ValueError(f"command: expected one of {MODEL_COMMANDS}, got {command!r}")


def _strip(obj):
    """Drop the (d, d) covariances and the weight matrices from nested
    records; every measured number, per-unit values included, stays."""
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in ("covariance", "cross_covariance", "sign_covariance", "latent",
                                                                      "quantized")}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def table(command: str, result: dict) -> str:
    """The plain-text table a sub-command prints."""
    if command == "angles":
        t = format_table(
            ["layer", "d", "units", "mean cos", "se", "theory", "sd cos", "theory sd", "plug-in", "angle deg", "z"],
            [(r["name"], r["d"], r["units"], r["mean_cos"], r["se_mean_cos"], r["theory_mean_cos"], r["sd_cos"],
              r["theory_sd_cos"], r["plugin_cos"], r["mean_angle_deg"], r["z"]) for r in result["layers"]],
            formats=["", "d", "d", ".4f", ".4f", ".4f", ".4f", ".4f", ".4f", ".1f", ".1f"])
        f = result["spread_fit"]
        return t + (f"\nsd of cos against d: log-log slope {f['slope']:.3f} +- {f['se_slope']:.3f} "
                    f"over {f['points']} layers (theory -0.5)")
    if command == "correlations":
        rows = []
        for r in result["layers"]:
            for kind, label in KIND_LABELS.items():
                c = r[kind]
                rows.append((r["name"], r["d"], label, c["measured"], c["se"], c["predicted"], c["identity"],
                             c["isotropic"], r["isotropy"]["relative_distance"]))
        return format_table(["layer", "d", "correlation", "measured", "se", "pred. C", "pred. I", "isotropic",
                             "C off I"], rows, formats=["", "d", "", ".4f", ".4f", ".4f", ".4f", ".4f", ".3f"])
    if command == "scope":
        return format_table(["layer", "d", "one layer", "se", "all layers", "se"],
                            [(r["name"], r["d"], r["one_layer"]["mean"], r["one_layer"]["se"],
                              r["all_layers"]["mean"], r["all_layers"]["se"]) for r in result["layers"]],
                            formats=["", "d", ".4f", ".4f", ".4f", ".4f"])
    if command == "first-layer":
        v = result["variants"]
        return format_table(
            ["first layer", "d", "mean cos", "angle deg", "corr", "se", "float mult", "float add"],
            [(k, result["d"], v[k]["angle"]["mean_cos"], v[k]["angle"]["mean_angle_deg"],
              v[k]["correlation"]["mean"], v[k]["correlation"]["se"], v[k]["ops"]["float_mults"],
              v[k]["ops"]["float_adds"]) for k in v],
            formats=["", "d", ".4f", ".1f", ".4f", ".4f", "d", "d"])
    if command == "permutation":
        return format_table(
            ["inputs", "A.Wc~A.Wb", "se", "A.Wb~Ab.Wb", "A.Wc~Ab.Wb", "patch C off I", "image C off I"],
            [(mode, r["correlations"]["wc_wb"]["mean"], r["correlations"]["wc_wb"]["se"],
              r["correlations"]["wb_abwb"]["mean"], r["correlations"]["wc_abwb"]["mean"],
              r["patch_isotropy"]["relative_distance"], r["image_isotropy"]["relative_distance"])
             for mode, r in result.items()],
            formats=["", ".4f", ".4f", ".4f", ".4f", ".3f", ".3f"])
    if command == "xnor":
        t = format_table(["layer", "max abs diff network", "max abs diff eps=0", "max abs diff eps", "max abs output"],
                         [(r["name"], r["max_abs_diff_network"], r["max_abs_diff_eps0"], r["max_abs_diff_eps"],
                           r["max_abs_output"]) for r in result["layers"]],
                         formats=["", ".2e", ".2e", ".2e", ".2f"])
        return t + f"\npredictions changed by alpha: {100 * result['prediction_changes']:.2f}% (eps = {result['eps']:g})"
    if command == "train-first-layer":
        return format_table(["first layer", "accuracy", "sd", "seeds", "float mult", "float add"],
                            [(k, v["mean"], v["sd"], v["seeds"], v["ops"]["float_mults"], v["ops"]["float_adds"])
                             for k, v in result.items()],
                            formats=["", ".4f", ".4f", "d", "d", "d"])
    if command == "train-xnor":
        rows = [(label, v["accuracy"]["mean"], v["accuracy"]["sd"], v["accuracy"]["seeds"])
                for label, v in result.items()]
        t = format_table(["alpha", "accuracy", "sd", "seeds"], rows, formats=["", ".4f", ".4f", "d"])
        corr = [(layer["name"],) + tuple(result[label]["correlations"][i][k]["mean"]
                                         for label in ("without", "with") for k in KIND_LABELS)
                for i, layer in enumerate(result["without"]["correlations"])]
        heads = ["layer"] + [f"{lab} {KIND_LABELS[k]}" for lab in ("w/o", "with") for k in KIND_LABELS]
        return t + "\n\n" + format_table(heads, corr, formats=[""] + [".3f"] * 6)
    if command == "twins":
        return format_table(
            ["layer", "d", "cos(latent, cont.)", "se", "random sd", "cos(bin, init)", "cos(cont, init)"],
            [(r["name"], r["d"], r["weights"]["mean_cos"], r["weights"]["se_mean_cos"], r["random_sd"],
              r["moved"]["binary"], r["moved"]["continuous"]) for r in result["layers"]],
            formats=["", "d", ".4f", ".4f", ".4f", ".4f", ".4f"])
    raise ValueError(f"command: unknown {command!r}")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _data_flags(p, *, model: bool):
    from bingeo.data import DATASETS

    if model:
        p.add_argument("--dataset", default=None, choices=DATASETS,
                       help="data set whose held-out (test) images are analysed (default: the one the "
                            "model was trained on, from its metrics.json; else digits)")
    else:
        p.add_argument("--dataset", default="digits", choices=DATASETS,
                       help="data set trained on; its test images are analysed (default digits)")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="folder holding or receiving the files of the file-based data sets")
    p.add_argument("--samples", type=positive_int, default=400,
                   help="held-out images analysed, at most the test set (default 400)")


def _train_flags(p):
    from bingeo.bnn.recipes import DEFAULT_RECIPE, RECIPES

    p.add_argument("--arch", default="d256-d256",
                   help="architecture: cF conv, p 2x2 pool, dM dense; the output layer is appended "
                        "(default d256-d256)")
    p.add_argument("--recipe", choices=tuple(RECIPES), default=DEFAULT_RECIPE,
                   help=f"training recipe that supplies the settings not given (default {DEFAULT_RECIPE})")
    p.add_argument("--epochs", type=positive_int, default=60, help="training epochs per run (default 60)")
    p.add_argument("--batch-size", type=positive_int, default=None, help="mini-batch size (default: the recipe's)")
    p.add_argument("--lr-start", type=float, default=None, help="first epoch's learning rate (default: the recipe's)")
    p.add_argument("--lr-end", type=float, default=None,
                   help="rate the per-epoch decay runs towards (default: the recipe's)")
    p.add_argument("--seeds", type=positive_int, default=3, help="training seeds 0..N-1 (default 3)")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m sims.analyze",
                            description="Network geometry experiments on trained binary networks.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)
    helps = {"angles": "angle between latent and quantized weights per layer (exp. 1, 8)",
             "correlations": "dot-product correlations per layer beside theory (exp. 2, 8)",
             "scope": "one layer switched continuous, or the whole network (exp. 3)",
             "first-layer": "first layer: plain, rotated and continuous weights (exp. 4)",
             "permutation": "first layer with the input pixels permuted (exp. 5)",
             "xnor": "XNOR-Net's scale under batch normalization (exp. 6)",
             "train-first-layer": "train binary / rotated / continuous first layers; accuracy (exp. 4)",
             "train-xnor": "train with and without XNOR-Net's scale (exp. 6)",
             "twins": "latent weights against a continuous twin (exp. 7)"}
    for name in MODEL_COMMANDS + TRAIN_COMMANDS:
        p = sub.add_parser(name, help=helps[name], description=helps[name])
        if name in MODEL_COMMANDS:
            p.add_argument("--model", metavar="DIR", required=True,
                           help="model directory written by python -m sims.bnn train --out DIR")
        _data_flags(p, model=name in MODEL_COMMANDS)
        if name in TRAIN_COMMANDS:
            _train_flags(p)
            add_seed_flag(p)
        else:
            p.add_argument("--seed", type=nonnegative_int, default=None,
                           help="seed of the data split and of the analysis' draws, an integer >= 0 "
                                "(default: the training run's, from the model's metrics.json; else 0)")
        p.add_argument("--json", metavar="PATH", type=output_path,
                       help="write the records as JSON to PATH (- for standard output, the table then on stderr)")
    return parser


def training_data_args(model_dir) -> tuple[str, int, str | None]:
    """(data set, split seed, data folder) of the run that wrote ``model_dir``
    (:func:`sims.bnn.training_data_args`: ``metrics.json``, else the seed of
    ``config.json``), with digits and seed 0 where neither records them."""
    from pathlib import Path

    from sims.bnn import training_data_args as recorded

    dataset, seed, data_dir = recorded(Path(model_dir))
    return dataset or "digits", 0 if seed is None else int(seed), data_dir


def _load_data(args):
    from bingeo.data import load_dataset

    try:
        return load_dataset(args.dataset, data_dir=args.data_dir, seed=args.seed)
    except (OSError, ValueError) as exc:
        raise CliError(f"--dataset {args.dataset}: {exc}") from None


def _train_config(args):
    from bingeo.bnn import TrainConfig

    try:
        given = {k: getattr(args, k) for k in ("batch_size", "lr_start", "lr_end") if getattr(args, k) is not None}
        return TrainConfig(recipe=args.recipe, architecture=args.arch, epochs=args.epochs, **given)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run(args) -> dict:
    """Run one sub-command; returns its records."""
    import theory
    from bingeo import analysis

    if args.command in MODEL_COMMANDS:
        dataset, seed, data_dir = training_data_args(args.model)
        args.dataset = args.dataset or dataset
        args.seed = seed if args.seed is None else args.seed
        args.data_dir = args.data_dir or data_dir
    data = _load_data(args)
    x = data.x_test[: args.samples]
    if args.command in MODEL_COMMANDS:
        from pathlib import Path

        from bingeo.bnn.checkpoint import MODEL_FILE, load_model
        from sims.bnn_checks import check_finite_weights

        try:
            net = load_model(args.model)
        except (OSError, ValueError) as exc:
            raise CliError(f"--model: {exc}") from None
        check_finite_weights(net.state_dict(), f"--model {Path(args.model) / MODEL_FILE}")
        if tuple(net.config.input_shape) != tuple(data.image_shape):
            raise CliError(f"--model: the network takes images of shape {tuple(net.config.input_shape)}, "
                           f"--dataset {args.dataset} has {tuple(data.image_shape)}")
        if len(x) < 4:
            raise CliError(f"--samples: need at least 4 held-out images, got {len(x)}")
        return _strip(measure(args.command, net, x, seed=args.seed))
    config = _train_config(args)
    try:
        if args.command == "train-first-layer":
            return analysis.first_layer_accuracy(data, config, seeds=range(args.seeds))
        if args.command == "train-xnor":
            return analysis.xnor_scale_training(data, config, seeds=range(args.seeds), x=x)
        result = analysis.latent_vs_continuous(data, config, seed=args.seed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for layer in result["layers"]:
        layer["random_sd"] = math.sqrt(float(theory.pair_var_cos_value(layer["d"])))
    return result


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    def body():
        check_outputs([("--json", args.json)])  # before any work
        result = run(args)
        print(table(args.command, result), file=sys.stderr if args.json == "-" else sys.stdout)
        if args.json:
            atomic_write_json(args.json, {"metadata": run_metadata("sims.analyze", args, seed=args.seed),
                                          "results": result})

    return run_main(parser.prog, body)


if __name__ == "__main__":
    sys.exit(main())
