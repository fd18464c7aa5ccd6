"""The same network and training step in PyTorch on the CPU, for the benchmark only.

PyTorch is never a dependency: :func:`torch_available` says whether it is
importable, and nothing else in bingeo imports this module.  The benchmark
runs the twin in a process of its own (:class:`TorchProcess`), so that
PyTorch's OpenMP runtime never shares a process with numba's.  The model
mirrors :class:`bingeo.bnn.Network` layer for layer: conv 3x3 "same" (no
bias), the layer's max pools, batch normalization with a learned shift and
no learned scale, sign with the straight-through estimator (gradient kept
where |x| <= 1); latent weights binarized by sign in the forward pass and
the gradient passed straight through; Adam with gradients clipped to [-1, 1],
BinaryNet's per-layer weight rates, and the latent weights clipped to [-1, 1].
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import time

from sims.cli import CliError

__all__ = ["torch_available", "TorchStep", "TorchProcess", "serve"]


def torch_available() -> bool:
    """True when ``import torch`` would succeed."""
    return importlib.util.find_spec("torch") is not None


class TorchStep:
    """A PyTorch twin of a bingeo network: ``train_step(x, y)`` and ``infer(x)``.

    Parameters
    ----------
    network : bingeo.bnn.Network
        its layer plan and its latent weights are copied.
    lr_scales : dict
        per-parameter rate multipliers (``weight_lr_scales``).
    threads : int
        ``torch.set_num_threads``.
    """

    def __init__(self, network, lr_scales: dict, threads: int):
        import torch

        torch.set_num_threads(int(threads))
        self.torch = torch
        self.plans = network.layers
        self.eps = float(network.config.bn_eps)

        class SignSTE(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return torch.where(x >= 0, 1.0, -1.0)

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * (x.abs() <= 1).to(g.dtype)

        class WeightSTE(torch.autograd.Function):
            @staticmethod
            def forward(ctx, w):
                return torch.where(w >= 0, 1.0, -1.0)

            @staticmethod
            def backward(ctx, g):
                return g

        self.sign, self.wsign = SignSTE.apply, WeightSTE.apply
        self.weights = [torch.tensor(w, requires_grad=True) for w in network.weights]
        self.betas = [torch.tensor(b, requires_grad=True) for b in network.betas]
        groups = []
        for plan, w, b in zip(self.plans, self.weights, self.betas):
            groups.append({"params": [w], "lr": 1.0, "scale": lr_scales.get(f"{plan.name}.w", 1.0)})
            groups.append({"params": [b], "lr": 1.0, "scale": 1.0})
        self.opt = torch.optim.Adam(groups, lr=1.0, betas=(0.9, 0.999), eps=1e-8)

    def _forward(self, x):
        F = self.torch.nn.functional
        a = x
        for plan, w, b in zip(self.plans, self.weights, self.betas):
            wb = self.wsign(w)
            if plan.kind == "conv":
                z = F.conv2d(a, wb, padding=1)
            else:
                z = a.reshape(a.shape[0], -1) @ wb
            for _ in range(plan.pools):
                z = F.max_pool2d(z, 2)
            z = F.batch_norm(z, None, None, None, None, training=True, eps=self.eps)
            shape = (1, -1) + (1,) * (z.dim() - 2)
            y = z + b.reshape(shape)
            a = self.sign(y) if plan.activation else y
        return a

    def train_step(self, x, labels, lr: float) -> float:
        """One step of squared hinge loss (mean over all N*M entries) and Adam."""
        torch = self.torch
        out = self._forward(x)
        targets = -torch.ones_like(out)
        targets[torch.arange(len(labels)), labels] = 1.0
        loss = torch.clamp(1 - targets * out, min=0).pow(2).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        for group in self.opt.param_groups:
            group["lr"] = lr * group["scale"]
            for p in group["params"]:
                p.grad.clamp_(-1, 1)
        self.opt.step()
        with torch.no_grad():
            for w in self.weights:
                w.clamp_(-1, 1)
        return float(loss.detach())

    def infer(self, x):
        """Forward pass without gradients (batch statistics: BN in training mode)."""
        with self.torch.no_grad():
            return self._forward(x)


def serve(conn, cfg, lr_scales: dict, x_train, y_train, x_infer, lr: float, thread_counts) -> None:
    """The child's loop: one :class:`TorchStep` per thread count, on the
    network ``Network(cfg)`` (the same initial weights as the parent's),
    with freed memory kept for reuse as in the parent;
    answers ``("block", i, phase, steps)`` with the seconds of ``steps``
    calls after one untimed call, until ``("stop",)``."""
    import torch

    from bingeo.bnn import Network
    from bingeo.bnn.memory import retain_freed_memory

    retain_freed_memory()          # the same allocator setting as the bingeo process
    twins = [TorchStep(Network(cfg), lr_scales, n) for n in thread_counts]
    xb, yb, xi = torch.from_numpy(x_train), torch.from_numpy(y_train), torch.from_numpy(x_infer)
    calls = [{"train": lambda t=t: t.train_step(xb, yb, lr), "inference": lambda t=t: t.infer(xi)}
             for t in twins]
    conn.send(str(torch.__version__))        # a plain str: unpickling a TorchVersion imports torch
    while True:
        message = conn.recv()
        if message[0] == "stop":
            return
        _, i, phase, steps = message
        torch.set_num_threads(int(thread_counts[i]))
        call = calls[i][phase]
        call()
        start = time.perf_counter()
        for _ in range(steps):
            call()
        conn.send(time.perf_counter() - start)


class TorchProcess:
    """The PyTorch twins in a child process (started fresh, not forked, so
    no thread pool of the parent comes along); :meth:`block` times one block
    there while the parent waits."""

    def __init__(self, cfg, lr_scales, x_train, y_train, x_infer, lr, thread_counts):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=serve, args=(child, cfg, dict(lr_scales), x_train, y_train, x_infer,
                                                        float(lr), list(thread_counts)), daemon=True)
        self._process.start()
        child.close()
        try:
            self.version = self._conn.recv()
        except EOFError:
            self._process.join()
            raise CliError(f"the PyTorch child process exited with status {self._process.exitcode} "
                           "before it was ready (--no-torch skips PyTorch)") from None

    def block(self, i: int, phase: str, steps: int) -> float:
        """Seconds for ``steps`` calls of twin ``i``'s ``phase`` after one untimed call."""
        self._conn.send(("block", i, phase, int(steps)))
        return self._conn.recv()

    def close(self) -> None:
        """Stop the child (idempotent)."""
        if self._process.is_alive():
            self._conn.send(("stop",))
            self._process.join(timeout=60)
        self._conn.close()
