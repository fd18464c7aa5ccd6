"""Per-layer times of the binary network's convolutions, on one core.

``python -m sims.bench layers`` takes every convolution of a preset network
(``--preset digits``, ``cifar`` or ``all``; see :data:`sims.bench.bnn.PRESETS`)
with the operands a binary network gives it: the first layer a float image
and +-1 weights, the others +-1 inputs and weights, and a normal ``dy``.
For each it times the forward pass (``conv2d_forward``) and the backward
pass (``conv2d_backward``; the first layer without the input gradient, which
a network does not need) on one numba thread, and beside them PyTorch's
``F.conv2d`` forward and forward plus backward on the same arrays with one
thread (in a child process of its own, when PyTorch is installed; the image
layer's input needs no gradient there either).  Each figure is the thread's
CPU time, the best of ``--repeats`` calls after one untimed call: CPU time,
not wall time, because a shared machine's other jobs take wall time from
whichever call they meet.
"""

from __future__ import annotations

import multiprocessing
import sys
import time

import numpy as np

from bingeo.bnn import ModelConfig
from bingeo.bnn.architecture import plan_layers
from bingeo.bnn.memory import retain_freed_memory
from sims.cli import ArgumentParser, CliError, Progress, format_table, positive_int, run_main

from .bnn import PRESETS, print_machine_and_save
from .bnn_torch import torch_available

__all__ = ["conv_shapes", "layer_operands", "bingeo_times", "torch_times", "run", "main"]

PROG = "python -m sims.bench layers"


def conv_shapes(preset: str) -> list[tuple[int, int, int, int]]:
    """``(C, F, H, W)`` of every convolution of the preset's network, in order.

    >>> conv_shapes("digits")
    [(1, 32, 8, 8), (32, 32, 8, 8), (32, 64, 4, 4), (64, 64, 4, 4)]
    """
    spec = PRESETS[preset]
    cfg = ModelConfig(architecture=spec["arch"], input_shape=(spec["channels"], spec["image"], spec["image"]),
                      num_classes=10)
    shapes, (c, h, w) = [], cfg.input_shape
    for plan in plan_layers(cfg.architecture, cfg.input_shape, cfg.num_classes):
        if plan.kind != "conv":
            break
        shapes.append((c, plan.units, h, w))
        c, h, w = plan.units, h >> plan.pools, w >> plan.pools
    return shapes


def layer_operands(shape, batch: int, first: bool, seed: int = 0):
    """``(x, w, dy)`` float32 for one layer: x a uniform image on [-1, 1] for
    the first layer, else +-1; w +-1; dy standard normal."""
    c, f, h, w = shape
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (batch, c, h, w)).astype(np.float32)
    if not first:
        x = np.where(x >= 0, 1.0, -1.0).astype(np.float32)
    weights = np.where(rng.random((f, c, 3, 3)) < 0.5, -1.0, 1.0).astype(np.float32)
    dy = rng.standard_normal((batch, f, h, w)).astype(np.float32)
    return x, weights, dy


def _best_cpu_time(call, repeats: int) -> float:
    """Seconds of thread CPU time of the fastest of ``repeats`` calls, after one untimed call."""
    call()
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        call()
        best = min(best, time.thread_time() - start)
    return best


def bingeo_times(shapes, batch: int, repeats: int) -> list[tuple[float, float]]:
    """``(forward, backward)`` seconds per layer on one numba thread."""
    import numba

    from bingeo.bnn.layers import conv2d_backward, conv2d_forward

    numba.set_num_threads(1)
    try:
        out = []
        for i, shape in enumerate(shapes):
            x, w, dy = layer_operands(shape, batch, first=i == 0, seed=i)
            out.append((_best_cpu_time(lambda: conv2d_forward(x, w), repeats),
                        _best_cpu_time(lambda: conv2d_backward(x, w, dy, input_grad=i > 0), repeats)))
        return out
    finally:
        numba.set_num_threads(int(numba.config.NUMBA_NUM_THREADS))


def _torch_child(conn, shapes, batch: int, repeats: int) -> None:
    import torch
    import torch.nn.functional as F

    retain_freed_memory()
    torch.set_num_threads(1)
    out = []
    for i, shape in enumerate(shapes):
        x, w, dy = (torch.from_numpy(a) for a in layer_operands(shape, batch, first=i == 0, seed=i))
        x.requires_grad_(i > 0)
        w.requires_grad_(True)

        def forward():
            with torch.no_grad():
                F.conv2d(x, w, padding=1)

        def forward_backward():
            F.conv2d(x, w, padding=1).backward(dy)
            x.grad = w.grad = None

        out.append((_best_cpu_time(forward, repeats), _best_cpu_time(forward_backward, repeats)))
    conn.send((str(torch.__version__), out))


def torch_times(shapes, batch: int, repeats: int) -> tuple[str, list[tuple[float, float]]]:
    """PyTorch's version and ``(forward, forward + backward)`` seconds per
    layer on one thread, measured in a fresh child process."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_torch_child, args=(child, list(shapes), batch, repeats), daemon=True)
    process.start()
    child.close()
    try:
        return parent.recv()
    except EOFError:
        raise CliError(f"the PyTorch child process exited with status {process.exitcode} "
                       "(--no-torch skips PyTorch)") from None
    finally:
        process.join(timeout=60)


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", choices=sorted(PRESETS) + ["all"], default="all",
                   help="whose convolutions (default all: digits, then cifar)")
    p.add_argument("--batch", type=positive_int, default=100, help="images per call (default 100)")
    p.add_argument("--repeats", type=positive_int, default=9, help="timed calls; the fastest is kept (default 9)")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even when installed")
    p.add_argument("--json", metavar="PATH", help="write the records and the machine as JSON to PATH")
    return p


def run(args) -> list[dict]:
    """One record per layer: its shape and the four times in milliseconds
    (PyTorch's None without PyTorch), and ``ratio`` = PyTorch's forward plus
    backward over bingeo's."""
    retain_freed_memory()
    presets = sorted(PRESETS, key=lambda p: p != "digits") if args.preset == "all" else [args.preset]
    records = []
    with_torch = torch_available() and not args.no_torch
    with Progress(len(presets) * (2 if with_torch else 1), "layers") as bar:
        for preset in presets:
            bar.status(f"{preset}: bingeo")
            shapes = conv_shapes(preset)
            ours = bingeo_times(shapes, args.batch, args.repeats)
            bar.update(1, note=f"{preset}: bingeo timed")
            version, theirs = None, [(None, None)] * len(shapes)
            if with_torch:
                bar.status(f"{preset}: pytorch")
                version, theirs = torch_times(shapes, args.batch, args.repeats)
                bar.update(1, note=f"{preset}: pytorch timed")
            records += _records(preset, shapes, ours, version, theirs)
    return records


def _records(preset, shapes, ours, version, theirs) -> list[dict]:
    """One record per layer of ``preset`` from the two engines' seconds."""
    records = []
    for (c, f, h, w), (fwd, bwd), (tf, tfb) in zip(shapes, ours, theirs):
        records.append({"preset": preset, "layer": f"conv {c} -> {f}, {h}x{w}",
                        "forward_ms": 1e3 * fwd, "backward_ms": 1e3 * bwd,
                        "torch_forward_ms": None if tf is None else 1e3 * tf,
                        "torch_forward_backward_ms": None if tfb is None else 1e3 * tfb,
                        "ratio": None if tfb is None else tfb / (fwd + bwd), "torch": version})
    return records


def main(argv=None) -> int:
    """Parse, time, print a table and the machine (and JSON with ``--json``)."""
    args = build_parser().parse_args(argv)

    def body():
        records = run(args)
        print(f"one thread, batch {args.batch}, thread CPU time, best of {args.repeats} calls")
        print(format_table(["layer (C -> F, image)", "forward ms", "backward ms", "pytorch forward ms",
                            "pytorch fwd+bwd ms", "pytorch / bingeo"],
                           [[r["layer"], r["forward_ms"], r["backward_ms"], r["torch_forward_ms"],
                             r["torch_forward_backward_ms"], r["ratio"]] for r in records],
                           formats=["", ".2f", ".2f", ".2f", ".2f", ".2f"]))
        print_machine_and_save("sims.bench layers", args, records)
    return run_main(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
