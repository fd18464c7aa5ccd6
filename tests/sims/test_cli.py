"""The shared command-line helpers of ``sims.cli``: the ``--dims`` grammar,
flags, whole-or-nothing writes, the table, the metadata, run_main."""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bingeo.atomic import atomic_write
from sims import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec, num, expected", [
    ("10..1000", 3, [10, 100, 1000]),
    ("10..10000", None, [10, 18, 32, 56, 100, 178, 316, 562, 1000, 1778, 3162, 5623, 10000]),
    ("1..4", 10, [1, 2, 3, 4]),
    ("5..5", None, [5]),
    ("2..50", 1, [2, 50]),
    (" 7 ", None, [7]),
    ("30,10,20,10", None, [10, 20, 30]),
    ("1", None, [1]),
])
def test_parse_dims_grammar(spec, num, expected):
    assert cli.parse_dims(spec, num=num) == expected


@pytest.mark.parametrize("spec", ["", "  ", "..", "5..", "..5", "1..2..3", "0..5", "10..5", "abc", "1,,2", ",3",
                                  "3,", "-4", "2.5", "1e3", "3..x", "0"])
def test_parse_dims_rejects_malformed_specs(spec):
    with pytest.raises(cli.CliError, match="^--dims: ") as info:
        cli.parse_dims(spec)
    assert len(str(info.value).splitlines()) == 1


def test_parse_dims_rejects_bad_num():
    with pytest.raises(cli.CliError, match="^--num: "):
        cli.parse_dims("1..10", num=0)
    # built point by point, 10^10 points took an hour before any message
    with pytest.raises(cli.CliError, match=f"^--num: must be >= 1 and <= {cli.MAX_NUM_DIMS}, got 10000000000$"):
        cli.parse_dims("10..100", num=10**10)


@settings(deadline=None, max_examples=80)
@given(st.integers(1, 10**7) | st.integers(1, 2**64), st.integers(1, 10**7) | st.integers(1, 2**64),
       st.integers(1, 40))
@example(1, 2**63 - 1, 3)
def test_log_grid_is_sorted_distinct_and_keeps_both_ends(a, b, num):
    # above 2^53 exp(log(b)) rounds to another integer: the grid had both
    a, b = min(a, b), max(a, b)
    grid = cli.parse_dims(f"{a}..{b}", num=num)
    assert grid == sorted(set(grid))
    assert grid[0] == a and grid[-1] == b
    assert len(grid) <= max(num, 2)


def test_dims_type_keeps_the_text_and_reports_argparse_errors():
    assert cli.dims_type("10..100") == "10..100"
    with pytest.raises(argparse.ArgumentTypeError, match="runs backwards"):
        cli.dims_type("10..5")


def test_argument_parser_error_is_one_line_exit_2(capsys):
    parser = cli.ArgumentParser(prog="prog")
    parser.add_argument("--n", type=cli.positive_int)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--n", "0"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("prog: error: argument --n")


def test_run_main_turns_cli_errors_into_status_2(capsys):
    def body():
        raise cli.CliError("--x: bad")
    assert cli.run_main("prog", body) == 2
    assert capsys.readouterr().err == "prog: error: --x: bad\n"
    assert cli.run_main("prog", lambda: None) == 0
    assert cli.run_main("prog", lambda: 3) == 3


def test_atomic_writes_are_whole_or_nothing(tmp_path):
    path = tmp_path / "deep" / "x.json"
    cli.atomic_write_json(path, {"a": math.nan, "b": [1.0, math.inf], "c": 2})
    assert json.loads(path.read_text()) == {"a": None, "b": [1.0, None], "c": 2}

    class Boom(Exception):
        pass

    def failing(fh):
        fh.write(b"partial")
        raise Boom

    with pytest.raises(Boom):
        atomic_write(tmp_path / "y.txt", failing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep"]
    with pytest.raises(Boom):
        atomic_write(path, failing)
    assert json.loads(path.read_text())["c"] == 2


def test_format_table_aligns_and_prints_missing_values_as_dash():
    text = cli.format_table(["d", "z"], [[10, 1.5], [1000, None], [5, math.nan]], formats=["d", "+.2f"])
    lines = text.splitlines()
    assert lines[0] == "   d      z"
    assert lines[2:] == ["  10  +1.50", "1000      -", "   5      -"]


def test_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()
    with cli.Progress(3, "x", stream=stream, delay=0.0) as bar:
        bar.update(3)
    assert stream.getvalue() == ""


def test_run_metadata_block():
    meta = cli.run_metadata("sims.x", argparse.Namespace(a=1, f=print), seed=3, backend="cpu", device="dev")
    assert meta["command"] == "sims.x" and meta["arguments"] == {"a": 1}
    assert (meta["seed"], meta["backend"], meta["device"]) == (3, "cpu", "dev")
    assert {"python", "numpy", "numba"} <= set(meta["versions"])


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_says_compiling_while_the_first_step_runs():
    import time

    stream = _Terminal()
    bar = cli.Progress(5, "train", stream=stream, delay=0.05)
    bar.status("compiling")
    time.sleep(0.3)  # a first step held by the compiler: the status shows meanwhile
    assert "train: compiling" in stream.getvalue()
    bar.update(1)
    bar.close()


def test_progress_time_left_comes_from_the_steps_after_the_first():
    # a first epoch of 25 s (compiling), then 1 s each: after 3 of 60 epochs
    # the time left is 57 s, not 57 x 9 s as the mean over all steps says
    bar = cli.Progress(60, quiet=True)
    bar.start = 0.0
    bar._first = (25.0, 1)
    bar.done = 3
    assert bar.seconds_left(now=27.0) == pytest.approx(57.0)
    bar.done = 1
    assert bar.seconds_left(now=25.0) is None  # one step: no estimate yet


@pytest.mark.parametrize("outputs, message", [
    ([("--json", "a"), ("--csv", "a")], "--json and --csv both write to the same file a"),
    ([("--json", "-"), ("--plot", "-")], "both write to standard output"),
])
def test_check_outputs_refuses_one_file_twice(tmp_path, monkeypatch, outputs, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(cli.CliError, match=message):
        cli.check_outputs(outputs)


def test_check_memory_gives_the_estimate(monkeypatch):
    monkeypatch.setattr(cli, "available_memory", lambda: 8 * 2**30)
    with pytest.raises(cli.CliError, match=r"^--trials 10 needs about 72.8 TiB of memory, more than the 8.0 GiB"):
        cli.check_memory(80e12, "--trials 10")
    cli.check_memory(2**30, "--trials 10")


@pytest.mark.parametrize("extra", [[], ["--json", "-"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(extra):
    # `python -m sims.angle | head -1`: the table (or the JSON) meets a pipe
    # whose reader has closed it; BrokenPipeError was a traceback
    proc = subprocess.Popen([sys.executable, "-m", "sims.angle", "--dims", "10", "--trials", "20", "--quiet", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141 and "Traceback" not in err and "Exception ignored" not in err, err


def test_pgf_figures_need_their_tex_engine(monkeypatch):
    # matplotlib lists .pgf but draws it with xelatex: without it, a
    # traceback came after the whole computation
    import matplotlib

    seen = []
    monkeypatch.setattr(cli.shutil, "which", lambda name: seen.append(name))
    with pytest.raises(cli.CliError, match=r"^--plot a\.pgf: PGF figures need xelatex .*not installed"):
        cli.check_figure_format("--plot", "a.pgf")
    assert seen == [matplotlib.rcParams["pgf.texsystem"]]
    monkeypatch.setattr(cli.shutil, "which", lambda name: f"/usr/bin/{name}")
    cli.check_figure_format("--plot", "a.pgf")


def test_a_figure_that_fails_to_draw_is_one_line(tmp_path):
    class Broken:
        def savefig(self, *args, **kwargs):
            raise RuntimeError("'xelatex' not found; install it\nmore detail")

    with pytest.raises(cli.CliError, match=r"^cannot draw .*x\.pgf: 'xelatex' not found; install it$"):
        cli.atomic_savefig(Broken(), tmp_path / "x.pgf")
    assert list(tmp_path.iterdir()) == []
