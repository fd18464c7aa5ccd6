"""python -m sims.bench bnn: every engine and phase in one run, the presets,
the ratios to PyTorch, the machine record, one-line errors."""

from __future__ import annotations

import json
import sys

import numba
import pytest

from sims.bench import bnn as bench
from sims.bench.bnn_torch import torch_available


def test_reports_every_engine_and_the_machine(tmp_path, capsys):
    out = tmp_path / "b.json"
    assert bench.main(["--arch", "c4-p-d8", "--batch-size", "8", "--infer-batch", "8", "--steps", "1",
                       "--repeats", "1", "--no-torch", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    cores = int(numba.config.NUMBA_NUM_THREADS)
    engines = {f"bingeo, {n} thread{'s' if n > 1 else ''}" for n in {cores, 1}}
    found = {(r["engine"], r["phase"]) for r in data["records"]}
    assert {(e, p) for e in engines for p in bench.PHASES} <= found
    assert {p for e, p in found if e.startswith("numpy reference")} == set(bench.PHASES)
    assert {(e.replace("bingeo", "bingeo packed"), "inference") for e in engines} <= found
    assert all(r["images_per_second"] > 0 and r["vs_pytorch"] is None for r in data["records"])
    assert data["machine"]["logical_cpus"] >= 1 and "cpu_flags" in data["machine"]
    printed = capsys.readouterr().out
    assert "c4-p-d8 on 1x8x8 images" in printed and "machine:" in printed
    assert numba.get_num_threads() == cores          # the one-thread rows leave all cores on


def test_presets_and_overrides():
    parse = bench.build_parser().parse_args
    assert bench.model_config(parse([])).input_shape == (1, 8, 8)
    cifar = bench.model_config(parse(["--preset", "cifar"]))
    assert cifar.architecture == bench.PRESETS["cifar"]["arch"] and cifar.input_shape == (3, 32, 32)
    mixed = bench.model_config(parse(["--preset", "cifar", "--arch", "c8-p-d16", "--image", "16"]))
    assert mixed.architecture == "c8-p-d16" and mixed.input_shape == (3, 16, 16)


def test_ratios_are_to_pytorch_with_the_same_threads_and_phase():
    records = [{"engine": "bingeo, 2 threads", "threads": 2, "phase": "train", "images_per_second": 300.0},
               {"engine": "bingeo, 1 thread", "threads": 1, "phase": "train", "images_per_second": 100.0},
               {"engine": "pytorch 2.13.0+cpu, 2 threads", "threads": 2, "phase": "train",
                "images_per_second": 200.0},
               {"engine": "bingeo, 2 threads", "threads": 2, "phase": "inference", "images_per_second": 50.0}]
    bench._add_ratios(records)
    assert [r["vs_pytorch"] for r in records] == [1.5, None, 1.0, None]


def test_machine_summary_names_cpu_vector_units_blas_and_threads():
    info = {"cpu": "Example CPU", "cpu_flags": ["avx2", "fma", "popcnt", "sse2"], "logical_cpus": 2,
            "numba_threads": 2, "numba_cpu_name": "", "platform": "Linux",
            "blas": [{"user_api": "blas", "internal_api": "openblas", "version": "0.3.30",
                      "architecture": "Haswell", "num_threads": 1}],
            "versions": {"numba": "0.68.1", "numpy": "2.4.6", "torch": None}}
    lines = bench.machine_summary(info)
    assert lines[0] == "machine: Example CPU, 2 logical CPUs, avx2 fma sse2"
    assert "openblas 0.3.30 Haswell (1 threads)" in lines[1] and "numba 0.68.1 (2 threads)" in lines[1]
    assert "torch" not in lines[1]


def test_an_architecture_that_does_not_fit_is_one_line_exit_2(capsys):
    assert bench.main(["--arch", "c4-p-p-p-p", "--no-torch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not fit" in err


def test_an_unknown_preset_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--preset", "imagenet"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err


@pytest.mark.skipif(not torch_available(), reason="PyTorch is not installed (it is never a dependency)")
def test_pytorch_rows_come_from_a_child_process():
    had_torch = "torch" in sys.modules
    args = bench.build_parser().parse_args(["--arch", "c4-p-d8", "--batch-size", "8", "--infer-batch", "8",
                                            "--steps", "1", "--repeats", "1", "--no-reference"])
    records = bench.run(args)
    rows = [r for r in records if r["engine"].startswith("pytorch")]
    assert {(r["threads"], r["phase"]) for r in rows} == {(n, p) for n in {int(numba.config.NUMBA_NUM_THREADS), 1}
                                                          for p in bench.PHASES}
    assert all(r["images_per_second"] > 0 and r["vs_pytorch"] == 1.0 for r in rows)
    assert had_torch or "torch" not in sys.modules      # this process never imported it
