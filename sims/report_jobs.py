"""One training run of a report and its measurements: :func:`run_job`.

A worker process (local pool or Dask) loads the data set once, trains the
job's configuration and measures the trained network where it lives, so
only numbers travel back: accuracies, the experiments' records (theory
beside them, :mod:`sims.geometry_vs_theory`), histograms, and, for the
twins of experiment 7, the trained arrays.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np
from threadpoolctl import threadpool_limits

from sims.report_plan import DataSpec, Job

__all__ = ["load_report_data", "run_job", "strip_arrays"]

_DROP = ("covariance", "cross_covariance", "sign_covariance", "latent", "quantized", "per_unit",
         "predicted_per_unit")


def strip_arrays(obj):
    """Drop (d, d) moments, weight rows and per-unit correlations from nested records;
    per-unit cosines stay (the figures show their spread)."""
    if isinstance(obj, dict):
        return {k: strip_arrays(v) for k, v in obj.items() if k not in _DROP}
    if isinstance(obj, list):
        return [strip_arrays(v) for v in obj]
    return obj


@functools.lru_cache(maxsize=16)
def load_report_data(spec: DataSpec):
    """The data set of ``spec``, the training part cut to ``train_samples`` (a seeded subset)."""
    import dataclasses

    from bingeo.data import load_dataset

    data = load_dataset(spec.name, data_dir=spec.data_dir, seed=spec.seed)
    if spec.train_samples and spec.train_samples < len(data.y_train):
        keep = np.sort(np.random.default_rng(spec.seed).permutation(len(data.y_train))[: spec.train_samples])
        data = dataclasses.replace(data, x_train=data.x_train[keep], y_train=data.y_train[keep])
    return data


def _correlation_summary(net, x, seed) -> list[dict]:
    from bingeo import analysis

    return [{"name": layer["name"], "d": layer["d"],
             **{k: {"mean": v["mean"], "se": v["se"]} for k, v in layer["correlations"].items()}}
            for layer in analysis.dot_correlations(net, x, seed=seed)]


def _measure_network(net, x, seed) -> dict:
    """Experiments 1-6 and the paper's figure on one trained binary network."""
    from bingeo import analysis
    from sims.geometry_vs_theory import angle_rows, correlation_rows, spread_fit

    angles = angle_rows(net)
    return {"angles": {"layers": strip_arrays(angles), "spread_fit": spread_fit(angles)},
            "correlations": strip_arrays(correlation_rows(analysis.dot_correlations(net, x, seed=seed))),
            "scope": strip_arrays(analysis.one_layer_vs_all_layers(net, x)),
            "first_layer": strip_arrays(analysis.first_layer_remedies(net, x, seed=seed)),
            "permutation": analysis.permutation_correlations(net, x, seed=seed),
            "xnor": analysis.xnor_scale_invariance(net, x),
            "histograms": analysis.preactivation_histograms(net, x, seed=seed)}


def run_job(job: Job) -> dict:
    """Train ``job.config`` on ``job.data`` and measure what ``job.measures`` names.

    Returns ``group``, ``variant``, ``seed``, ``test_accuracy``,
    ``train_accuracy``, ``test_images``, ``seconds`` and one entry per
    measure (see :class:`sims.report_plan.Job`).
    """
    from bingeo import analysis
    from bingeo.bnn import TrainConfig
    from bingeo.bnn.train import train_model

    t0 = time.perf_counter()
    data = load_report_data(job.data)
    config = TrainConfig.from_dict(job.config)
    out = {"group": job.group, "variant": job.variant, "seed": job.seed, "test_images": int(len(data.y_test))}
    if "dynamics" in job.measures:
        dyn = analysis.weight_dynamics(config, data)
        out.update(test_accuracy=dyn["test_accuracy"], train_accuracy=dyn["train_accuracy"],
                   dynamics=dyn["epochs"])
        out["seconds"] = round(time.perf_counter() - t0, 2)
        return out
    result = train_model(config, data)
    net = result.network
    out.update(test_accuracy=float(result.test_accuracy), train_accuracy=float(result.train_accuracy))
    with threadpool_limits(limits=1, user_api="blas"):
        # the analyses' float64 products go through BLAS, whose sums change with its thread count:
        # on one thread a run measures the same bits in a pool worker and in this process
        _measure(job, data, net, out)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    if not math.isfinite(out["test_accuracy"]):
        raise ValueError(f"{job.label}: training diverged (test accuracy {out['test_accuracy']})")
    return out


def _measure(job: Job, data, net, out: dict) -> None:
    """What ``job.measures`` names, on the trained ``net``, into ``out``."""
    from bingeo import analysis
    from sims.geometry_vs_theory import angle_rows, correlation_rows

    x = data.x_test[: job.samples]
    analysis_seed = job.seed          # the halves, permutations and rotations of the analysis
    if "network" in job.measures:
        out.update(_measure_network(net, x, analysis_seed))
    if "angles" in job.measures:
        angles = angle_rows(net)
        out["angles"] = strip_arrays(angles)
    if "correlations" in job.measures:
        if net.config.levels == 3:
            layers = analysis.dot_correlations(net, x, seed=analysis_seed)
            out["correlations"] = strip_arrays(correlation_rows(layers, levels=3))
        else:
            out["correlation_summary"] = _correlation_summary(net, x, analysis_seed)
    if "state" in job.measures:
        out["state"] = net.state_dict()
        out["model"] = net.config.to_dict()
