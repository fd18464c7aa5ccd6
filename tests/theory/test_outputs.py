"""The registry's outputs: the table, LaTeX macros, JSON, the docs page, and
the command line."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import theory
from theory.__main__ import main
from theory.docs_page import render_page
from theory.latex import render_macros
from theory.registry import RESULTS, get_result

ROOT = Path(__file__).resolve().parents[2]
MACRO_LINE = re.compile(r"^\\newcommand\{\\([A-Za-z]+)\}\{(.*)\}$")


def _balanced(text):
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_every_macro_is_a_valid_newcommand():
    lines = render_macros().splitlines()
    assert lines[0].startswith("%")
    names = []
    for line in lines[1:]:
        m = MACRO_LINE.match(line)
        assert m, line
        assert _balanced(m.group(2)), line
        names.append(m.group(1))
    assert len(names) == len(set(names))
    assert "bingeoLimitCos" in names and "bingeoLimitCosExpr" in names and "bingeoLimitAngleDeg" in names


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_macros_compile_with_pdflatex(tmp_path):
    body = "\n".join(
        f"${{\\{name}}}$\\par" if not name.endswith("Expr") else f"$\\displaystyle {{\\{name}}}$\\par"
        for name in (MACRO_LINE.match(l).group(1) for l in render_macros().splitlines()[1:])
    )
    (tmp_path / "macros.tex").write_text(render_macros())
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{amsmath}\\input{macros}\n\\begin{document}\n" + body + "\n\\end{document}\n"
    )
    out = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stdout[-2000:]


def test_latex_of_key_expressions_pinned():
    assert get_result("LimitCos").latex == r"\frac{\sqrt{2}}{\sqrt{\pi}}"
    assert get_result("LimitAngle").latex == r"\operatorname{acos}{\left(\frac{\sqrt{2}}{\sqrt{\pi}} \right)}"
    assert get_result("MeanCos").latex == (
        r"\frac{\sqrt{d} \Gamma\left(\frac{d}{2}\right)}{\sqrt{\pi} \Gamma\left(\frac{d}{2} + \frac{1}{2}\right)}"
    )
    assert get_result("VarCosLeading").latex == r"1 - \frac{3}{\pi}"
    assert get_result("PairVarCos").latex == r"\frac{1}{d}"
    assert get_result("TernaryCos").latex == (
        r"\frac{\sqrt{2} e^{- \frac{\tau^{2}}{2}}}{\sqrt{\pi} \sqrt{\operatorname{erfc}{\left(\frac{\sqrt{2} \tau}{2} \right)}}}"
    )
    assert get_result("DotCorrBoth").latex == r"\frac{2}{\pi}"


def test_registry_values_come_from_the_expressions():
    for r in RESULTS:
        if r.value is not None:
            assert r.value == pytest.approx(float(sp.N(r.expr, 30)), rel=1e-15)
    assert get_result("LimitCos").value == theory.LIMIT_COS_VALUE
    assert get_result("LimitAngle").degrees == pytest.approx(theory.LIMIT_ANGLE_DEG, rel=1e-15)
    assert get_result("TernaryTauOpt").value == theory.TERNARY_TAU_OPT_VALUE


def test_docs_page_is_up_to_date():
    page = (ROOT / "docs" / "theory.md").read_text()
    assert page == render_page(), "docs/theory.md is stale: run `python -m theory --markdown > docs/theory.md`"


def test_docs_page_shows_every_result():
    page = render_page()
    for r in RESULTS:
        assert r.latex in page, r.name


def test_cli_table_json_latex(capsys):
    assert main([]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["name", "closed", "form", "value", "degrees"]
    assert "37.0714" in table
    assert main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [rec["name"] for rec in data["results"]]
    assert names == [r.name for r in RESULTS]
    lim = data["results"][names.index("LimitAngle")]
    assert lim["is_angle"] and lim["degrees"] == pytest.approx(theory.LIMIT_ANGLE_DEG, rel=1e-15)
    assert main(["--latex", "--digits", "4"]) == 0
    assert "\\newcommand{\\bingeoLimitCos}{0.7979}" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--digits", "0"], ["--digits", "x"], ["--latex", "--json"], ["--nope"]])
def test_cli_errors_are_one_line_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m theory: error:")


def test_python_m_theory_says_it_is_deriving_on_a_terminal_only():
    import io

    from theory.__main__ import _deriving

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term, pipe = Terminal(), io.StringIO()
    clear = _deriving(term)
    assert "deriving the results" in term.getvalue()
    clear()
    assert term.getvalue().endswith("\r\x1b[K")  # the line is cleared before the output
    _deriving(pipe)()
    assert pipe.getvalue() == ""


def test_importing_theory_derives_nothing():
    code = ("import sys; import theory; "
            "print('sympy' in sys.modules, 'theory.sign_angle' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
