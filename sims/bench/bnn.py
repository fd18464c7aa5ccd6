"""Throughput of the binary network: training and inference images per second.

``python -m sims.bench bnn`` times, on all cores, one training step
(forward, loss, backward, Adam, clip) and one inference pass of the default
network on digits-sized images, three ways: bingeo's engine (numba layers,
one BLAS thread as in training), the plain numpy reference step
(:mod:`bingeo.bnn.reference_step`, same BLAS setting), and PyTorch on the CPU
when it happens to be installed (with all cores, and with one thread).  Each figure is the
median over ``--repeats`` timed blocks of ``--steps`` calls after one
warm-up call (compilation excluded).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bingeo.bnn import DEFAULT_ARCHITECTURE, ModelConfig, Network, TrainConfig
from bingeo.bnn.optim import Adam
from bingeo.bnn.reference_step import reference_forward, reference_train_step
from bingeo.bnn.train import BLAS_THREADS, train_step, weight_lr_scales
from sims.cli import (ArgumentParser, CliError, atomic_write_json, format_table, positive_int,
                      run_main, run_metadata)

from .bnn_torch import TorchStep, torch_available

__all__ = ["build_parser", "run", "main"]

PROG = "python -m sims.bench bnn"


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--arch", default=DEFAULT_ARCHITECTURE, help=f"architecture (default {DEFAULT_ARCHITECTURE})")
    p.add_argument("--image", type=positive_int, default=8, help="image side H = W (default 8, digits)")
    p.add_argument("--channels", type=positive_int, default=1, help="image channels (default 1)")
    p.add_argument("--batch-size", type=positive_int, default=TrainConfig().batch_size,
                   help=f"training batch (default {TrainConfig().batch_size}, the training default)")
    p.add_argument("--infer-batch", type=positive_int, default=256, help="inference batch (default 256)")
    p.add_argument("--steps", type=positive_int, default=20, help="calls per timed block (default 20)")
    p.add_argument("--repeats", type=positive_int, default=5, help="timed blocks; the median is kept (default 5)")
    p.add_argument("--no-reference", action="store_true", help="skip the numpy reference")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even when installed")
    p.add_argument("--json", metavar="PATH", help="write the records as JSON to PATH")
    return p


def _rate(call, images: int, steps: int, repeats: int) -> float:
    call()                                         # warm-up: compilation, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            call()
        times.append(time.perf_counter() - start)
    return images * steps / statistics.median(times)


def run(args) -> list[dict]:
    """One record per (engine, phase): images per second."""
    try:
        cfg = ModelConfig(architecture=args.arch, input_shape=(args.channels, args.image, args.image),
                          num_classes=10)
    except ValueError as exc:
        raise CliError(f"--arch {args.arch}: {exc}") from None
    rng = np.random.default_rng(0)
    xb = rng.uniform(-1, 1, (args.batch_size,) + cfg.input_shape).astype(np.float32)
    yb = rng.integers(0, 10, args.batch_size)
    xi = rng.uniform(-1, 1, (args.infer_batch,) + cfg.input_shape).astype(np.float32)
    lr = 1e-4
    threads = os.cpu_count() or 1
    records = []

    def add(engine, phase, rate):
        records.append({"engine": engine, "phase": phase, "batch": args.batch_size if phase == "train"
                        else args.infer_batch, "images_per_second": rate})

    net = Network(cfg)
    scales = weight_lr_scales(net)
    opt = Adam(net.parameters(), lr_scales=scales)
    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        add("bingeo", "train", _rate(lambda: train_step(net, opt, xb, yb, loss="hinge", lr=lr),
                                     args.batch_size, args.steps, args.repeats))
        add("bingeo", "inference", _rate(lambda: net.forward(xi), args.infer_batch, args.steps, args.repeats))
        if not args.no_reference:
            _reference(args, cfg, xb, yb, xi, lr, scales, add)

    if not args.no_torch and torch_available():
        import torch
        for n in sorted({threads, 1}, reverse=True):
            twin = TorchStep(Network(cfg), scales, n)
            txb, tyb, txi = torch.from_numpy(xb), torch.from_numpy(yb), torch.from_numpy(xi)
            name = f"pytorch {torch.__version__}, {n} thread{'s' if n > 1 else ''}"
            add(name, "train", _rate(lambda: twin.train_step(txb, tyb, lr), args.batch_size, args.steps,
                                     args.repeats))
            add(name, "inference", _rate(lambda: twin.infer(txi), args.infer_batch, args.steps, args.repeats))
        torch.set_num_threads(threads)
    for r in records:
        r["threads"] = threads
    return records


def _reference(args, cfg, xb, yb, xi, lr, scales, add) -> None:
    """Time the plain numpy reference step and forward pass."""
    ref = Network(cfg)
    state = {"s": ref.state_dict(), "a": Adam(ref.parameters()).state_dict()}

    def ref_step():
        state["s"], state["a"], _, _ = reference_train_step(state["s"], state["a"], xb, yb, cfg, lr=lr,
                                                            lr_scales=scales)
    add("numpy reference", "train", _rate(ref_step, args.batch_size, args.steps, args.repeats))
    add("numpy reference", "inference",
        _rate(lambda: reference_forward(state["s"], xi, cfg, training=False), args.infer_batch,
              args.steps, args.repeats))


def main(argv=None) -> int:
    """Parse, time, print a table (and JSON with ``--json``)."""
    args = build_parser().parse_args(argv)

    def body():
        records = run(args)
        print(f"{args.arch} on {args.channels}x{args.image}x{args.image} images, "
              f"{records[0]['threads']} cores")
        print(format_table(["engine", "phase", "batch", "images/s"],
                           [[r["engine"], r["phase"], r["batch"], r["images_per_second"]] for r in records],
                           formats=["", "", "d", ",.0f"]))
        if args.json:
            atomic_write_json(args.json, {"metadata": run_metadata("sims.bench bnn", args, backend="cpu",
                                                                   device="cpu"), "records": records})
    return run_main(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
