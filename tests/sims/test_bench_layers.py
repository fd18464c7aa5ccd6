"""python -m sims.bench layers: every convolution of the presets, the
operands a binary network gives it, PyTorch beside it when installed."""

from __future__ import annotations

import json

import numba
import numpy as np
import pytest

from sims.bench import layers as bench
from sims.bench.bnn_torch import torch_available


def test_the_presets_convolutions_in_order():
    assert bench.conv_shapes("digits") == [(1, 32, 8, 8), (32, 32, 8, 8), (32, 64, 4, 4), (64, 64, 4, 4)]
    cifar = bench.conv_shapes("cifar")
    assert cifar[0] == (3, 32, 32, 32) and cifar[-1] == (128, 128, 8, 8) and len(cifar) == 6


def test_operands_are_what_a_binary_network_gives_each_layer():
    x, w, dy = bench.layer_operands((3, 5, 4, 4), 2, first=True)
    assert x.shape == (2, 3, 4, 4) and not np.isin(x, (-1.0, 1.0)).all()     # the image
    assert np.isin(w, (-1.0, 1.0)).all() and dy.shape == (2, 5, 4, 4)
    x, _, _ = bench.layer_operands((3, 5, 4, 4), 2, first=False)
    assert np.isin(x, (-1.0, 1.0)).all()
    assert all(a.dtype == np.float32 for a in (x, w, dy))


def test_reports_every_layer_and_the_machine(tmp_path, capsys):
    out = tmp_path / "layers.json"
    assert bench.main(["--preset", "digits", "--batch", "4", "--repeats", "1", "--no-torch",
                       "--json", str(out)]) == 0
    records = json.loads(out.read_text())["records"]
    assert [r["layer"] for r in records] == ["conv 1 -> 32, 8x8", "conv 32 -> 32, 8x8", "conv 32 -> 64, 4x4",
                                            "conv 64 -> 64, 4x4"]
    assert all(r["forward_ms"] > 0 and r["backward_ms"] > 0 and r["ratio"] is None for r in records)
    printed = capsys.readouterr().out
    assert "one thread, batch 4" in printed and "machine:" in printed
    assert numba.get_num_threads() == int(numba.config.NUMBA_NUM_THREADS)     # all cores again


@pytest.mark.skipif(not torch_available(), reason="PyTorch is not installed")
def test_pytorch_beside_each_layer(tmp_path):
    out = tmp_path / "layers.json"
    assert bench.main(["--preset", "digits", "--batch", "2", "--repeats", "1", "--json", str(out)]) == 0
    records = json.loads(out.read_text())["records"]
    assert all(r["torch_forward_backward_ms"] > 0 and r["ratio"] > 0 and r["torch"] for r in records)


def test_bad_preset_is_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        bench.main(["--preset", "imagenet"])
    assert info.value.code == 2
    assert "--preset" in capsys.readouterr().err
