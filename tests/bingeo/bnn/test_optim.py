"""Adam against its textbook formula, gradient clipping, rates, state, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from bingeo.bnn.optim import Adam
from tests.tolerances import EPS32


def textbook_adam(p, grads, lrs, beta1=0.9, beta2=0.999, eps=1e-8, clip=1.0):
    """float64, one obvious line per formula."""
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        g = np.clip(g, -clip, clip)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return p


def test_three_steps_match_the_textbook_formula():
    rng = np.random.default_rng(0)
    p0 = rng.uniform(-1, 1, 50)
    grads = [rng.standard_normal(50) * s for s in (0.3, 3.0, 0.01)]     # the second one is clipped
    lrs = [0.01, 0.005, 0.002]
    params = {"w": p0.astype(np.float32)}
    opt = Adam(params)
    for g, lr in zip(grads, lrs):
        opt.step({"w": g.astype(np.float32)}, lr)
    expected = textbook_adam(p0.astype(np.float32).astype(np.float64),
                             [g.astype(np.float32).astype(np.float64) for g in grads], lrs)
    # each step's direction m_hat / (sqrt(v_hat) + eps) carries a few float32
    # roundings (about 16 operations, each eps32/2 relative): 3 steps * lr * 16 eps32
    np.testing.assert_allclose(params["w"], expected, rtol=0, atol=sum(lrs) * 16 * EPS32 + 4 * EPS32)
    assert opt.t == 3


def test_rate_scales_multiply_the_learning_rate():
    params = {"a": np.zeros(3, np.float32), "b": np.zeros(3, np.float32)}
    opt = Adam(params, lr_scales={"a": 10.0})
    g = np.array([1.0, -1.0, 0.5], np.float32)
    opt.step({"a": g, "b": g}, 0.001)
    np.testing.assert_allclose(params["a"], 10 * params["b"], rtol=1e-6)
    np.testing.assert_allclose(params["b"], [-0.001, 0.001, -0.001], rtol=1e-5)


def test_state_round_trip_continues_identically():
    rng = np.random.default_rng(1)
    grads = [{"w": rng.standard_normal(4).astype(np.float32)} for _ in range(4)]
    pa = {"w": np.zeros(4, np.float32)}
    a = Adam(pa)
    for g in grads:
        a.step(g, 0.01)
    pb = {"w": np.zeros(4, np.float32)}
    b = Adam(pb)
    for g in grads[:2]:
        b.step(g, 0.01)
    c = Adam({"w": pb["w"]})
    c.load_state_dict(b.state_dict())
    for g in grads[2:]:
        c.step(g, 0.01)
    np.testing.assert_array_equal(pa["w"], pb["w"])


@pytest.mark.parametrize("kwargs, words", [
    (dict(beta1=1.0), "beta1: expected 0 <= beta1 < 1"),
    (dict(beta2=-0.1), "beta2: expected 0 <= beta2 < 1"),
    (dict(eps=0.0), "eps: expected > 0"),
    (dict(clip=0.0), "clip: expected > 0"),
])
def test_bad_arguments_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Adam({"w": np.zeros(1, np.float32)}, **kwargs)


def test_missing_gradient_and_bad_state_are_named():
    opt = Adam({"w": np.zeros(2, np.float32)})
    with pytest.raises(ValueError, match=r"grads: missing gradients for \['w'\]"):
        opt.step({}, 0.1)
    with pytest.raises(ValueError, match="m/w has shape"):
        opt.load_state_dict({"m/w": np.zeros(3), "v/w": np.zeros(2), "t": 1})


@pytest.mark.parametrize("clip", [1.0, 0.0])
@pytest.mark.parametrize("size", [1, 5, (1 << 14) + 3])
def test_update_kernel_equals_the_numpy_operations_bit_for_bit(clip, size):
    # the kernel rounds every operation on its own, in the numpy sequence's order
    from bingeo.bnn.optim import adam_update

    from .reference import adam_update_reference

    rng = np.random.default_rng(size)
    f = np.float32
    g = (rng.standard_normal(size) * 10.0 ** rng.integers(-6, 3, size)).astype(f)
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, 3e38], f)
    g[: len(specials)] = specials[:size]
    state = [rng.uniform(-1, 1, size).astype(f), rng.standard_normal(size).astype(f),
             rng.uniform(0, 2, size).astype(f)]
    ours = [a.copy() for a in state]
    theirs = [a.copy() for a in state]
    scalars = (f(0.9), f(1.0 - 0.9), f(0.999), f(1.0 - 0.999), f(1 - 0.999 ** 3), f(1e-8),
               f(f(0.003) * f(7.3)) / f(1 - 0.9 ** 3), f(clip))
    adam_update(ours[0], g, ours[1], ours[2], *scalars)
    with np.errstate(all="ignore"):           # inf and NaN are part of the input
        adam_update_reference(theirs[0], g, theirs[1], theirs[2], *scalars)
    for a, b in zip(ours, theirs):
        assert a.tobytes() == b.tobytes()


def test_parameters_must_be_updatable_in_place():
    with pytest.raises(ValueError, match="C-contiguous float32"):
        Adam({"w": np.zeros((3, 4), np.float32).T})
    with pytest.raises(ValueError, match="C-contiguous float32"):
        Adam({"w": np.zeros(3)})
