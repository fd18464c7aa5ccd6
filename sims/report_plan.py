"""What a network report trains and measures: presets and the list of jobs.

A report trains independent networks (seeds, variants, recipes) and measures
each one where it was trained; :func:`plan_jobs` lists them as
:class:`Job` records that :func:`sims.report_jobs.run_job` runs, serially,
on a local process pool or on a Dask cluster (:func:`bingeo.sweep.run_jobs`).

Every experiment that trains runs over ``seeds`` training seeds; the seeds
of a report run with ``--seed S`` are ``S * seeds + k``, so two reports with
different ``--seed`` share no training run.  Each seed also draws its own
data split (for data sets that are split by a seed), so the spread over seeds
holds the split's share of the variation, and a paired comparison compares
runs on one split.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["PRESETS", "DYNAMICS_RECIPES", "DYNAMICS_INITS", "FIRST_LAYERS", "DataSpec", "Job", "preset",
           "plan_jobs", "training_seeds"]

PRESETS = {
    # digits: 1,437 training images of 8x8; the main network is the default
    # training of `python -m sims.bnn train` (binarynet recipe, 60 epochs)
    "digits": dict(main_arch="c32-c32-p-c64-c64-p-d256", main_epochs=60, compare_arch="d256-d256",
                   compare_epochs=100, dynamics_arch="d256-d256", dynamics_epochs=200, seeds=8, samples=400,
                   train_samples=0, ternary_threshold=0.35),
    # MNIST (8,000 / 2,000 from the official test files, or 60,000 / 10,000):
    # a smaller conv network, since a 28x28 epoch costs about 20 digits epochs
    "mnist": dict(main_arch="c16-p-c32-p-d128", main_epochs=10, compare_arch="d256-d256", compare_epochs=10,
                  dynamics_arch="d256-d256", dynamics_epochs=20, seeds=8, samples=400, train_samples=8000,
                  ternary_threshold=0.35),
    # seconds: every file of a full run, from tiny networks
    "quick": dict(main_arch="c4-p-d16", main_epochs=2, compare_arch="d16", compare_epochs=2,
                  dynamics_arch="d16", dynamics_epochs=3, seeds=2, samples=40, train_samples=256,
                  ternary_threshold=0.35),
}
"""The report's sizes by name; ``--quick`` picks its own, else the data set's (digits' for the others)."""

DYNAMICS_RECIPES = (("binarynet", "binarynet", "glorot"), ("anderson-berg", "anderson-berg", "none"),
                    ("glorot-squared", "binarynet", "glorot-squared"))
"""(label, recipe, weight-rate rule) of the training-dynamics experiment: the two published recipes, and
BinaryNet's with the squared multiplier (bingeo's earlier default)."""

DYNAMICS_INITS = ("glorot-uniform", "glorot-normal")
"""Initializations of the training-dynamics experiment: uniform (cos sqrt(3)/2 at large d) and Gaussian
(sqrt(2/pi))."""

FIRST_LAYERS = ("binary", "rotated", "continuous")
"""First-layer variants compared in accuracy."""


@dataclass(frozen=True)
class DataSpec:
    """How a worker loads the data set: ``load_dataset(name, data_dir=..., seed=...)``, then the
    first ``train_samples`` of a seeded permutation of the training images (0: all)."""

    name: str
    data_dir: str | None
    seed: int
    train_samples: int = 0


@dataclass(frozen=True)
class Job:
    """One training run and what is measured on the trained network.

    ``group`` names the experiment (``main``, ``ternary``, ``compare``, ``xnor``, ``continuous``,
    ``dynamics``), ``variant`` the setting inside it; ``config`` is a
    :meth:`bingeo.bnn.TrainConfig.to_dict`; ``measures`` any of ``network`` (experiments 1-6 and the
    paper's figure), ``angles``, ``correlations`` (experiment 8, and the correlation summary of
    experiment 6), ``state`` (the trained arrays, for experiment 7) and ``dynamics`` (experiment 9).
    """

    group: str
    variant: str
    seed: int
    config: dict
    data: DataSpec
    measures: tuple = ()
    samples: int = 400

    @property
    def label(self) -> str:
        return f"{self.group}/{self.variant}/seed {self.seed}"


def preset(dataset: str, *, quick: bool = False) -> dict:
    """The sizes of a report on ``dataset``.

    Examples
    --------
    >>> preset("digits")["main_epochs"], preset("mnist", quick=True)["seeds"]
    (60, 2)
    """
    name = "quick" if quick else dataset if dataset in PRESETS else "digits"
    return dict(PRESETS[name], preset=name)


def training_seeds(report_seed: int, count: int) -> list[int]:
    """``[report_seed * count + k for k < count]``: disjoint for different report seeds.

    >>> training_seeds(0, 5), training_seeds(1, 5)
    ([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])
    """
    return [int(report_seed) * int(count) + k for k in range(int(count))]


def plan_jobs(sizes: dict, data: DataSpec, report_seed: int) -> list[Job]:
    """Every training run of a report, longest first (so a pool ends together); ``data``'s seed is
    replaced by each run's training seed."""
    from bingeo.bnn import TrainConfig

    seeds = training_seeds(report_seed, sizes["seeds"])
    samples = sizes["samples"]

    def job(group, variant, seed, measures, **config):
        return Job(group, variant, seed, TrainConfig(seed=seed, **config).to_dict(),
                   dataclasses.replace(data, seed=seed), tuple(measures), samples)

    main = dict(architecture=sizes["main_arch"], epochs=sizes["main_epochs"])
    compare = dict(architecture=sizes["compare_arch"], epochs=sizes["compare_epochs"])
    jobs = []
    for s in seeds:
        jobs.append(job("main", "binary", s, ("network",), **main))
        jobs.append(job("ternary", "ternary", s, ("angles", "correlations"), levels=3,
                        threshold=sizes["ternary_threshold"], **main))
    for label, recipe, rule in DYNAMICS_RECIPES:
        for init in DYNAMICS_INITS:
            for s in seeds:
                jobs.append(job("dynamics", f"{label}/{init}", s, ("dynamics",), recipe=recipe,
                                weight_lr_scale=rule, init=init, architecture=sizes["dynamics_arch"],
                                epochs=sizes["dynamics_epochs"]))
    for s in seeds:
        for variant in FIRST_LAYERS:
            measures = ("correlations", "state") if variant == "binary" else ()
            jobs.append(job("compare", variant, s, measures, first_layer=variant, **compare))
        jobs.append(job("xnor", "with", s, ("correlations",), xnor_scale=True, **compare))
        jobs.append(job("continuous", "continuous", s, ("state",), binary=False, **compare))
    return jobs


def replace_data(jobs: list[Job], data: DataSpec) -> list[Job]:
    """The same jobs on another data set (for tests)."""
    return [dataclasses.replace(j, data=data) for j in jobs]
