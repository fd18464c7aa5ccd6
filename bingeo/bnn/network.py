"""The network: a static list of weighted layers, forward down, backward up.

Each weighted layer (see :mod:`bingeo.bnn.architecture`) computes

    z = op(a, q(w))            op: 3x3 conv or dense; q: the weight quantizer
    z = maxpool(z) ...         the layer's pools, if any
    y = batchnorm(z) + beta    batch statistics in training, running ones in eval
    a_next = act(y)            sign / ternary (binary net) or hardtanh; none for the output

Inspection
----------
``net.forward(x, record=True, binarize_weights={...}, binarize_inputs={...})``
returns ``(output, records)``, one :class:`LayerRecord` per weighted layer,
in order.  The switches are dicts keyed by layer index or name:

* ``binarize_weights[layer]``: True uses the layer's quantized weights
  (the configured quantizer: sign, ternary, rotated, XNOR-scaled; a layer
  configured continuous is quantized with plain sign/ternary), False its
  latent weights.
* ``binarize_inputs[layer]``: True feeds the layer quantized activations
  (sign, or ternary with ``levels=3``), False their continuous version
  ``hardtanh(signal)``; for layer 0, True takes sign(image).

Layers not named keep the network's own setting: a binary network quantizes
every layer's weights (except a continuous first layer) and every input but
the image; the continuous twin (``binary=False``) quantizes nothing.
``continuous=True`` switches everything off at once: latent weights and
hard-tanh activations, the same net run continuous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import primitives
from .architecture import LayerPlan, plan_layers
from .config import ModelConfig
from .initialization import initial_weights
from .weights import WeightQuantizer, haar_rotation, scale_units, unit_sums, xnor_batchnorm_eps

__all__ = ["Network", "LayerRecord"]


@dataclass
class LayerRecord:
    """What one weighted layer saw and computed in a recorded forward pass.

    Attributes
    ----------
    index, name, kind : int, str, str
        the layer (``kind`` is ``"conv"`` or ``"dense"``).
    input : ndarray
        the activations multiplied by the weights, (N, C, H, W) or (N, K)
        (flattened for the first dense layer after a conv).
    input_signal : ndarray
        what the previous layer's activation function was applied to (its
        batch-normalized, pooled output), same shape as ``input``; for
        layer 0 the image itself.  ``hardtanh(input_signal)`` is the
        continuous activation, ``sign(input_signal)`` the binary one.
    weights_latent : ndarray
        a copy of the continuous latent weights, (F, C, 3, 3) or (K, M).
    weights_effective : ndarray
        the weights used (quantized or latent), same shape.
    preactivation : ndarray
        ``op(input, weights_effective)`` before pooling and batch norm,
        (N, F, H, W) or (N, M).
    output : ndarray
        after pooling and batch normalization, before the activation (for
        the output layer: the network's output).
    binarized_weights, binarized_input : bool
        the switches in force for this layer.
    output_scale : ndarray or None
        XNOR-Net's per-unit alpha when the layer scales its product
        (``preactivation = alpha * (input . weights_effective)``), else None.
    """

    index: int
    name: str
    kind: str
    input: np.ndarray
    input_signal: np.ndarray
    weights_latent: np.ndarray
    weights_effective: np.ndarray
    preactivation: np.ndarray
    output: np.ndarray
    binarized_weights: bool
    binarized_input: bool
    output_scale: np.ndarray | None = None


@dataclass
class _LayerTape:
    """What :meth:`Network.backward` needs of one layer's training forward pass."""

    input: np.ndarray                 # a: what the weights multiplied
    signal: np.ndarray                # what a's activation was applied to (straight-through mask)
    weights: np.ndarray               # the product's weights (quantized or latent)
    quantized: bool
    scale: np.ndarray | None          # XNOR alpha per unit, or None
    product: np.ndarray               # a . weights before the scale (needed for d alpha)
    pools: list                       # (argmax, input shape) per pool, in order
    batchnorm: object                 # the batch-norm cache
    output_shape: tuple               # shape of the layer's batch-norm output


class Network:
    """A binary (or continuous-twin) network built from a :class:`ModelConfig`.

    Parameters
    ----------
    config : ModelConfig
    state : dict, optional
        arrays from :meth:`state_dict` to start from; default: fresh latent
        weights drawn from ``config.seed`` by the scheme ``config.init``
        (:mod:`bingeo.bnn.initialization`; ``uniform``: U[-1, 1], BinaryNet's
        with H = 1), zero shifts, running mean 0 and variance 1.

    Examples
    --------
    >>> cfg = ModelConfig(architecture="c4-p-d8", input_shape=(1, 4, 4), num_classes=3)
    >>> net = Network(cfg)
    >>> [layer.name for layer in net.layers]
    ['conv1', 'dense1', 'output']
    >>> x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(2, 1, 4, 4)
    >>> out, rec = net.forward(x, record=True)
    >>> out.shape, [r.binarized_weights for r in rec], [r.binarized_input for r in rec]
    ((2, 3), [True, True, True], [False, True, True])
    >>> sorted(set(np.unique(rec[1].input)))
    [np.float32(-1.0), np.float32(1.0)]
    """

    def __init__(self, config: ModelConfig, state: dict | None = None):
        if not isinstance(config, ModelConfig):
            raise TypeError(f"config: expected a ModelConfig, got {type(config).__name__}")
        self.config = config
        self.layers: list[LayerPlan] = plan_layers(config.architecture, config.input_shape,
                                                   config.num_classes)
        children = np.random.SeedSequence(config.seed).spawn(2 * len(self.layers))
        self.weights = []
        self.betas = []
        self.running_mean = []
        self.running_var = []
        self.rotations: dict[int, np.ndarray] = {}
        for plan in self.layers:
            rng = np.random.default_rng(children[plan.index])
            self.weights.append(initial_weights(plan, config.init, rng))
            self.betas.append(np.zeros(plan.units, np.float32))
            self.running_mean.append(np.zeros(plan.units, np.float32))
            self.running_var.append(np.ones(plan.units, np.float32))
        if config.first_layer == "rotated":
            first = self.layers[0]
            self.rotations[0] = haar_rotation(first.fan_in, children[len(self.layers)]).astype(np.float32)
        self._cache = None
        if state is not None:
            self.load_state_dict(state)

    # ------------------------------------------------------------------
    # Parameters and state
    # ------------------------------------------------------------------

    def parameters(self) -> dict[str, np.ndarray]:
        """The trained arrays by name (``conv1.w``, ``conv1.beta``, ...), not copies."""
        out = {}
        for plan, w, b in zip(self.layers, self.weights, self.betas):
            out[f"{plan.name}.w"] = w
            out[f"{plan.name}.beta"] = b
        return out

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every array that defines the network: parameters,
        running statistics and rotations (``conv1.rotation``)."""
        out = {k: v.copy() for k, v in self.parameters().items()}
        for plan, m, v in zip(self.layers, self.running_mean, self.running_var):
            out[f"{plan.name}.running_mean"] = m.copy()
            out[f"{plan.name}.running_var"] = v.copy()
        for i, r in self.rotations.items():
            out[f"{self.layers[i].name}.rotation"] = r.copy()
        return out

    def load_state_dict(self, state: dict) -> None:
        """Set every array from ``state``; raises ValueError naming a missing,
        extra or mis-shaped array."""
        expected = {k: v.shape for k, v in self.state_dict().items()}
        missing = sorted(set(expected) - set(state))
        extra = sorted(set(state) - set(expected))
        if missing or extra:
            raise ValueError(f"state: missing arrays {missing}, unexpected arrays {extra} "
                             f"for architecture {self.config.architecture!r}")
        for key, shape in expected.items():
            value = np.asarray(state[key])
            if value.shape != shape:
                raise ValueError(f"state: {key} has shape {value.shape}, the configuration needs {shape}")
        for i, plan in enumerate(self.layers):
            self.weights[i][...] = state[f"{plan.name}.w"]
            self.betas[i][...] = state[f"{plan.name}.beta"]
            self.running_mean[i][...] = state[f"{plan.name}.running_mean"]
            self.running_var[i][...] = state[f"{plan.name}.running_var"]
            if i in self.rotations:
                self.rotations[i][...] = state[f"{plan.name}.rotation"]

    # ------------------------------------------------------------------
    # Switches
    # ------------------------------------------------------------------

    def layer_index(self, key) -> int:
        """Index of a layer given by index or name."""
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if 0 <= int(key) < len(self.layers):
                return int(key)
        else:
            for plan in self.layers:
                if plan.name == key:
                    return plan.index
        names = ", ".join(p.name for p in self.layers)
        raise KeyError(f"layer: expected an index 0..{len(self.layers) - 1} or a name ({names}), got {key!r}")

    def _switches(self, given, default, what):
        out = list(default)
        if given:
            if not isinstance(given, dict):
                raise TypeError(f"{what}: expected a dict {{layer: bool}}, got {type(given).__name__}")
            for key, value in given.items():
                out[self.layer_index(key)] = bool(value)
        return out

    def default_weight_switches(self) -> list[bool]:
        """Per layer: are its weights quantized in this network's own setting?"""
        if not self.config.binary:
            return [False] * len(self.layers)
        return [not (i == 0 and self.config.first_layer == "continuous") for i in range(len(self.layers))]

    def default_input_switches(self) -> list[bool]:
        """Per layer: are its inputs quantized in this network's own setting?"""
        return [self.config.binary and i > 0 for i in range(len(self.layers))]

    def weight_quantizer(self, index: int) -> WeightQuantizer:
        """The quantizer used when layer ``index``'s weights are binarized."""
        cfg = self.config
        return WeightQuantizer(levels=cfg.levels, threshold=cfg.threshold, xnor_scale=cfg.xnor_scale,
                               rotation=self.rotations.get(index))

    def effective_weights(self, index: int, binarize: bool | None = None) -> np.ndarray:
        """Layer ``index``'s weights as its product uses them: ``q(w)`` or the latent ``w``.

        With the XNOR scale the product is then scaled per unit by
        :meth:`output_scale`; ``weight_quantizer(index).apply(w)`` gives the
        scaled weights as one array.
        """
        if binarize is None:
            binarize = self.default_weight_switches()[index]
        w = self.weights[index]
        return self.weight_quantizer(index).quantize(w) if binarize else w

    def output_scale(self, index: int, binarize: bool | None = None) -> np.ndarray | None:
        """XNOR-Net's per-unit alpha that scales layer ``index``'s product, or None."""
        if binarize is None:
            binarize = self.default_weight_switches()[index]
        return self.weight_quantizer(index).scale(self.weights[index]) if binarize else None

    def _activate(self, signal, binarize):
        if not binarize:
            return primitives.hardtanh_forward(signal)
        if self.config.levels == 3:
            return primitives.ternary_forward(signal, np.float32(self.config.threshold))
        return primitives.sign_forward(signal)

    # ------------------------------------------------------------------
    # Forward and backward
    # ------------------------------------------------------------------

    def _check_input(self, x) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        shape = tuple(self.config.input_shape)
        if x.ndim != 4 or x.shape[1:] != shape or x.shape[0] < 1:
            raise ValueError(f"x: expected shape (N, {', '.join(map(str, shape))}) with N >= 1, got {x.shape}")
        return x

    def forward(self, x, *, training: bool = False, record: bool = False,
                binarize_weights: dict | None = None, binarize_inputs: dict | None = None,
                continuous: bool = False):
        """Run the network on a batch ``x`` of shape (N, C, H, W).

        Parameters
        ----------
        x : array_like, (N, C, H, W)
            images (converted to float32).
        training : bool
            batch statistics in batch norm, running statistics updated, and
            what :meth:`backward` needs kept; False: running statistics.
        record : bool
            also return one :class:`LayerRecord` per weighted layer.
        binarize_weights, binarize_inputs : dict, optional
            ``{layer: bool}`` per-layer switches (layer: index or name); see
            the module docstring.
        continuous : bool
            every switch off: latent weights and hard-tanh activations.

        Returns
        -------
        out : ndarray, (N, num_classes)
            batch-normalized output scores (not probabilities).
        records : list of LayerRecord
            only with ``record=True``.
        """
        x = self._check_input(x)
        n_layers = len(self.layers)
        if continuous:
            bw = self._switches(binarize_weights, [False] * n_layers, "binarize_weights")
            bi = self._switches(binarize_inputs, [False] * n_layers, "binarize_inputs")
        else:
            bw = self._switches(binarize_weights, self.default_weight_switches(), "binarize_weights")
            bi = self._switches(binarize_inputs, self.default_input_switches(), "binarize_inputs")
        eps = np.float32(self.config.bn_eps)
        momentum = np.float32(self.config.bn_momentum)
        records = []
        cache = []
        signal = x
        a = self._activate(x, True) if bi[0] else x
        for i, plan in enumerate(self.layers):
            if plan.kind == "dense" and a.ndim == 4:
                a = a.reshape(a.shape[0], -1)
                signal = signal.reshape(signal.shape[0], -1)
            w_eff = self.effective_weights(i, bw[i])
            alpha = self.output_scale(i, bw[i])
            product = (primitives.conv2d_forward(a, w_eff) if plan.kind == "conv"
                       else primitives.dense_forward(a, w_eff))
            # XNOR-Net's alpha scales the product; BN(alpha z; eps) = BN(z; eps / alpha^2), and the
            # right side keeps equal integer sums equal and exact batch-norm ties exact
            pre = product if alpha is None else scale_units(product, alpha)
            unit_eps = eps if alpha is None else xnor_batchnorm_eps(eps, alpha)
            z = product
            pool_cache = []
            for _ in range(plan.pools):
                shape = z.shape
                z, arg = primitives.maxpool2d_forward(z)
                pool_cache.append((arg, shape))
            if training:
                y, bn_cache = self._batchnorm_train(i, z, unit_eps, momentum)
            else:
                y = primitives.batchnorm_forward_eval(z, self.running_mean[i], self.running_var[i],
                                                      self.betas[i], unit_eps)
                bn_cache = None
            if record:
                records.append(LayerRecord(i, plan.name, plan.kind, a, signal, self.weights[i].copy(),
                                           w_eff, pre, y, bw[i], bi[i], alpha))
            cache.append(_LayerTape(a, signal, w_eff, bw[i], alpha, product, pool_cache, bn_cache, y.shape))
            if plan.activation:
                signal = y
                a = self._activate(y, bi[i + 1])
            else:
                out = y
        self._cache = cache if training else None
        return (out, records) if record else out

    def _batchnorm_train(self, i, z, eps, momentum):
        """Batch statistics, and the running ones updated (unbiased variance)."""
        y, mean, var, bn_cache = primitives.batchnorm_forward_train(z, self.betas[i], eps)
        count = z.size // z.shape[1]
        unbiased = var * np.float32(count / max(count - 1, 1))
        self.running_mean[i] *= momentum
        self.running_mean[i] += (1 - momentum) * mean
        self.running_var[i] *= momentum
        self.running_var[i] += (1 - momentum) * unbiased
        return y, bn_cache

    def backward(self, dout) -> dict[str, np.ndarray]:
        """Gradients of the loss for every parameter, after ``forward(training=True)``.

        Activations pass the gradient straight through where their input
        signal has |y| <= 1 (sign, ternary and hardtanh alike); quantized
        weights pass it to the latent weights (:class:`WeightQuantizer`).

        Returns
        -------
        dict
            ``{name: gradient}`` with the names of :meth:`parameters`.
        """
        if self._cache is None:
            raise RuntimeError("backward: call forward(x, training=True) first")
        grads = {}
        dy = np.ascontiguousarray(dout, dtype=np.float32)
        for i in range(len(self.layers) - 1, -1, -1):
            plan = self.layers[i]
            tape = self._cache[i]
            dz, dbeta = primitives.batchnorm_backward(dy, tape.batchnorm)
            for arg, shape in reversed(tape.pools):
                dz = primitives.maxpool2d_backward(np.ascontiguousarray(dz), arg, shape)
            dz = np.ascontiguousarray(dz)
            # dz is the gradient on the unscaled product (see forward); alpha's is sum(dz * product) / alpha
            dalpha = None if tape.scale is None else unit_sums(dz, tape.product) / tape.scale
            # the first layer's input is the image: no gradient flows further
            backward = primitives.conv2d_backward if plan.kind == "conv" else primitives.dense_backward
            da, dw_eff = backward(tape.input, tape.weights, dz, input_grad=i > 0)
            if tape.quantized:
                dw = self.weight_quantizer(i).latent_gradient(self.weights[i], dw_eff, dalpha)
            else:
                dw = dw_eff
            grads[f"{plan.name}.w"] = dw
            grads[f"{plan.name}.beta"] = dbeta
            if i > 0:
                # straight-through: d act(y) / dy = 1{|y| <= 1} for sign, ternary and hardtanh
                dy = primitives.sign_backward(tape.signal, np.ascontiguousarray(da.reshape(tape.signal.shape)))
                dy = np.ascontiguousarray(dy.reshape(self._cache[i - 1].output_shape))
        return grads

    def predict(self, x, *, batch_size: int = 512, **switches) -> np.ndarray:
        """Class predictions (argmax of the output) in evaluation mode, by batches."""
        x = self._check_input(x)
        labels = [np.argmax(self.forward(x[s:s + batch_size], **switches), axis=1)
                  for s in range(0, len(x), batch_size)]
        return np.concatenate(labels).astype(np.int64)

    def export_packed(self):
        """This network for bit-packed inference: a
        :class:`bingeo.bnn.packed.PackedNetwork` whose scores equal
        ``forward(x)`` in evaluation mode bit for bit (see
        :func:`bingeo.bnn.packed.export_packed` for what is supported)."""
        from .packed import export_packed  # noqa: PLC0415 - the packed package imports the layers, not this class

        return export_packed(self)
