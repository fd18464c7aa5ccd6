"""Throughput of the binary network: training and inference images per second.

``python -m sims.bench bnn`` times one training step (forward, loss,
backward, Adam, clip) and one inference pass of a network, on random images
of its shape, for every engine: bingeo's numba engine (all cores, and one
thread), its bit-packed inference (``Network.export_packed()``; inference
only, all cores and one), the plain numpy reference step
(:mod:`bingeo.bnn.reference_step`), and PyTorch on the CPU when it happens
to be installed (all cores, and one thread).  ``--preset digits`` (the default) is the default network on 1x8x8
images, ``--preset cifar`` a CIFAR-shaped one on 3x32x32.

The engines take turns: each of ``--repeats`` rounds times one block of
``--steps`` calls of every engine and phase (after one untimed call), so a
change of the machine's load hits them alike; each figure is the median
over the rounds.  PyTorch runs in a child process of its own (its OpenMP
runtime and numba's do not share a process), timing its blocks there while
this process waits.  Compilation happens in a warm-up call before the rounds.
Both processes keep freed memory for reuse
(:func:`bingeo.bnn.memory.retain_freed_memory`, which training sets too):
without it each step of either engine pays thousands of page faults for
fresh pages, and the ratio would measure the allocator as much as the
engines.
Beside each figure, its ratio to PyTorch with the same thread count; below
the table, the machine (CPU and its vector instructions, BLAS, threads).
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from bingeo.bnn import DEFAULT_ARCHITECTURE, ModelConfig, Network, TrainConfig
from bingeo.bnn.memory import retain_freed_memory
from bingeo.bnn.optim import Adam
from bingeo.bnn.reference_step import reference_forward, reference_train_step
from bingeo.bnn.train import train_step, weight_lr_scales
from sims.cli import (ArgumentParser, CliError, Progress, atomic_write_json, format_table, positive_int,
                      run_main, run_metadata)
from sims.machine import machine_info

from .bnn_torch import TorchProcess, torch_available

__all__ = ["PRESETS", "ENGINES", "Engine", "build_parser", "model_config", "run", "main", "machine_summary",
           "print_machine_and_save"]

PROG = "python -m sims.bench bnn"

PRESETS = {
    "digits": {"arch": DEFAULT_ARCHITECTURE, "channels": 1, "image": 8},
    "cifar": {"arch": "c32-c32-p-c64-c64-p-c128-c128-p-d256", "channels": 3, "image": 32},
}
"""Network and image shape per ``--preset``: the digits default, and a
CIFAR-shaped network (three conv stages of two layers)."""

PHASES = ("train", "inference")


@dataclass
class Engine:
    """One row group of the table: a name, the threads it uses, and per
    phase a call that processes one batch (phases without a call are not
    offered).  ``enter`` runs before each timed block (it sets the thread
    count).  An engine in another process gives ``timer(phase, steps)``
    instead, which runs one untimed and ``steps`` timed calls there and
    returns their seconds."""

    name: str
    threads: int
    calls: dict = field(default_factory=dict)
    enter: Callable[[], None] = lambda: None
    timer: Callable[[str, int], float] | None = None

    def phases(self) -> list[str]:
        return [p for p in PHASES if p in self.calls]

    def block(self, phase: str, steps: int) -> float:
        """Seconds for ``steps`` calls of ``phase``, after one untimed call."""
        if self.timer is not None:
            return self.timer(phase, steps)
        self.enter()
        call = self.calls[phase]
        call()                                     # untimed: caches and thread pools warm again
        start = time.perf_counter()
        for _ in range(steps):
            call()
        return time.perf_counter() - start


@dataclass
class Workload:
    """What every engine runs on: the configuration, a training batch with
    labels, an inference batch, the learning rate and rate multipliers."""

    cfg: ModelConfig
    x_train: np.ndarray
    y_train: np.ndarray
    x_infer: np.ndarray
    lr: float
    lr_scales: dict
    cleanups: list = field(default_factory=list)


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", choices=sorted(PRESETS), default="digits",
                   help="network and image shape (default digits: "
                        f"{PRESETS['digits']['arch']} on 1x8x8; cifar: {PRESETS['cifar']['arch']} on 3x32x32)")
    p.add_argument("--arch", help="architecture (default: the preset's)")
    p.add_argument("--image", type=positive_int, help="image side H = W (default: the preset's)")
    p.add_argument("--channels", type=positive_int, help="image channels (default: the preset's)")
    p.add_argument("--batch-size", type=positive_int, default=TrainConfig().batch_size,
                   help=f"training batch (default {TrainConfig().batch_size}, the training default)")
    p.add_argument("--infer-batch", type=positive_int, default=256, help="inference batch (default 256)")
    p.add_argument("--steps", type=positive_int, default=10, help="calls per timed block (default 10)")
    p.add_argument("--repeats", type=positive_int, default=5,
                   help="rounds of timed blocks; the median is kept (default 5)")
    p.add_argument("--no-reference", action="store_true", help="skip the numpy reference")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even when installed")
    p.add_argument("--json", metavar="PATH", help="write the records and the machine as JSON to PATH")
    return p


def model_config(args) -> ModelConfig:
    """The benchmarked network: the preset, with --arch, --image, --channels
    taking precedence."""
    preset = PRESETS[args.preset]
    arch = args.arch or preset["arch"]
    side = args.image or preset["image"]
    try:
        return ModelConfig(architecture=arch, input_shape=(args.channels or preset["channels"], side, side),
                           num_classes=10)
    except ValueError as exc:
        raise CliError(f"--arch {arch}: {exc}") from None


def _workload(args) -> Workload:
    cfg = model_config(args)
    rng = np.random.default_rng(0)
    return Workload(cfg=cfg,
                    x_train=rng.uniform(-1, 1, (args.batch_size,) + cfg.input_shape).astype(np.float32),
                    y_train=rng.integers(0, 10, args.batch_size),
                    x_infer=rng.uniform(-1, 1, (args.infer_batch,) + cfg.input_shape).astype(np.float32),
                    lr=1e-4, lr_scales=weight_lr_scales(Network(cfg)))


def _core_counts() -> list[int]:
    import numba

    return sorted({int(numba.config.NUMBA_NUM_THREADS), 1}, reverse=True)


def bingeo_engines(work: Workload) -> list[Engine]:
    """bingeo's engine (float32 numba layers) on all cores and on one."""
    import numba

    net = Network(work.cfg)
    opt = Adam(net.parameters(), lr_scales=work.lr_scales)
    calls = {"train": lambda: train_step(net, opt, work.x_train, work.y_train, loss="hinge", lr=work.lr),
             "inference": lambda: net.forward(work.x_infer)}
    return [Engine(f"bingeo, {_threads(n)}", n, calls, lambda n=n: numba.set_num_threads(n))
            for n in _core_counts()]


def packed_engines(work: Workload) -> list[Engine]:
    """bingeo's bit-packed inference (:mod:`bingeo.bnn.packed`) on all cores and on one."""
    import numba

    packed = Network(work.cfg).export_packed()
    return [Engine(f"bingeo packed, {_threads(n)}", n, {"inference": lambda: packed.forward(work.x_infer)},
                   lambda n=n: numba.set_num_threads(n))
            for n in _core_counts()]


REFERENCE_BLAS_THREADS = 1
"""BLAS threads of the numpy reference.  OpenBLAS's workers busy-wait for a
while after each product, so with more of them the engines timed after the
reference found their cores taken (measured: PyTorch's 2-thread training on
the digits network fell from about 7,300 to 3,200 images/s)."""


def reference_engines(work: Workload) -> list[Engine]:
    """The plain numpy reference step (its products go to numpy's BLAS, on
    :data:`REFERENCE_BLAS_THREADS` thread)."""
    state = {"s": Network(work.cfg).state_dict()}
    state["a"] = Adam(Network(work.cfg).parameters()).state_dict()

    def step():
        state["s"], state["a"], _, _ = reference_train_step(state["s"], state["a"], work.x_train, work.y_train,
                                                            work.cfg, lr=work.lr, lr_scales=work.lr_scales)

    return [Engine(f"numpy reference, BLAS {_threads(REFERENCE_BLAS_THREADS)}", REFERENCE_BLAS_THREADS,
                   {"train": step,
                    "inference": lambda: reference_forward(state["s"], work.x_infer, work.cfg, training=False)})]


def torch_engines(work: Workload) -> list[Engine]:
    """PyTorch's CPU twin (:mod:`.bnn_torch`) on all cores and on one, in a
    process of its own: PyTorch's OpenMP runtime and numba's are separate
    libraries, and in one process whichever engine followed the other's
    one-thread block ran its two threads at one-thread speed (measured:
    PyTorch's digits training 3,600 images/s in the round robin, 7,300
    alone; bingeo's 7,100 against 9,900)."""
    if not torch_available():
        return []
    counts = _core_counts()
    child = TorchProcess(work.cfg, work.lr_scales, work.x_train, work.y_train, work.x_infer, work.lr, counts)
    work.cleanups.append(child.close)
    return [Engine(f"pytorch {child.version}, {_threads(n)}", n, dict.fromkeys(PHASES),
                   timer=lambda phase, steps, i=i: child.block(i, phase, steps))
            for i, n in enumerate(counts)]


ENGINES = {"bingeo": bingeo_engines, "packed": packed_engines, "reference": reference_engines,
           "torch": torch_engines}
"""Row groups in table order; each builder returns its engines for a workload."""


def _threads(n: int) -> str:
    return f"{n} thread{'s' if n != 1 else ''}"


def run(args) -> list[dict]:
    """One record per (engine, phase): images per second (median over the
    rounds) and the ratio to PyTorch with the same thread count."""
    retain_freed_memory()          # as train_model does; the PyTorch child does the same
    work = _workload(args)
    skip = {"reference"} if args.no_reference else set()
    if args.no_torch:
        skip.add("torch")
    try:
        engines = [e for key, build in ENGINES.items() if key not in skip for e in build(work)]
        jobs = [(e, phase) for e in engines for phase in e.phases()]
        times = {job: [] for job in range(len(jobs))}
        with threadpool_limits(limits=REFERENCE_BLAS_THREADS, user_api="blas"), \
                Progress(len(jobs) * (args.repeats + 1), "bench") as bar:
            bar.status("compiling")
            for engine, phase in jobs:             # compile and warm every path first
                engine.block(phase, 0)
                bar.update(1, note="warming up")
            for r in range(args.repeats):
                for j, (engine, phase) in enumerate(jobs):
                    times[j].append(engine.block(phase, args.steps))
                    bar.update(1, note=f"round {r + 1} of {args.repeats}")
    finally:
        for cleanup in work.cleanups:
            cleanup()
        _restore_threads()
    records = []
    for j, (engine, phase) in enumerate(jobs):
        batch = args.batch_size if phase == "train" else args.infer_batch
        records.append({"engine": engine.name, "threads": engine.threads, "phase": phase, "batch": batch,
                        "images_per_second": batch * args.steps / statistics.median(times[j])})
    _add_ratios(records)
    return records


def _restore_threads() -> None:
    """All cores again for numba after the rounds."""
    import numba

    numba.set_num_threads(int(numba.config.NUMBA_NUM_THREADS))


def _add_ratios(records: list[dict]) -> None:
    """``vs_pytorch``: images/s over PyTorch's with the same phase and thread
    count (None without such a PyTorch row)."""
    torch_rates = {(r["phase"], r["threads"]): r["images_per_second"] for r in records
                   if r["engine"].startswith("pytorch")}
    for r in records:
        base = torch_rates.get((r["phase"], r["threads"]))
        r["vs_pytorch"] = r["images_per_second"] / base if base else None


def machine_summary(info: dict) -> list[str]:
    """Two or three lines on the machine for the table's foot."""
    vector = [f for f in info["cpu_flags"] if f in ("sse2", "avx", "avx2", "fma", "avx512f", "avx512_vpopcntdq")]
    blas = "; ".join(f"{b.get('internal_api', '?')} {b.get('version', '')} {b.get('architecture', '')} "
                     f"({b.get('num_threads', '?')} threads)".replace("  ", " ")
                     for b in info["blas"] if b.get("user_api") == "blas") or "none loaded"
    versions = info["versions"]
    return [f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, {' '.join(vector)}",
            f"numba {versions.get('numba')} ({info['numba_threads']} threads"
            f"{', target ' + info['numba_cpu_name'] if info['numba_cpu_name'] else ''}), "
            f"numpy {versions.get('numpy')}, BLAS: {blas}"
            + (f", torch {versions['torch']}" if versions.get("torch") else "")]


def print_machine_and_save(command: str, args, records: list) -> None:
    """A table's foot: the machine (:func:`machine_summary`); with
    ``args.json`` also the records, the machine and the run's metadata as
    JSON at that path."""
    info = machine_info()
    print("\n".join(machine_summary(info)))
    if args.json:
        atomic_write_json(args.json, {"metadata": run_metadata(command, args, backend="cpu", device="cpu"),
                                      "machine": info, "records": records})


def main(argv=None) -> int:
    """Parse, time, print a table and the machine (and JSON with ``--json``)."""
    args = build_parser().parse_args(argv)

    def body():
        records = run(args)
        cfg = model_config(args)
        c, h, w = cfg.input_shape
        print(f"{cfg.architecture} on {c}x{h}x{w} images")
        print(format_table(["engine", "phase", "batch", "images/s", "vs pytorch"],
                           [[r["engine"], r["phase"], r["batch"], r["images_per_second"], r["vs_pytorch"]]
                            for r in records],
                           formats=["", "", "d", ",.0f", ".2f"]))
        print_machine_and_save("sims.bench bnn", args, records)
    return run_main(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
