"""Sphinx configuration for the bingeo documentation site."""

import os
import re
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("_ext"))  # local extensions: cli_help

project = "bingeo"
author = "the bingeo authors"
release = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from the build (_static/mathjax), so formulas render offline
    "cli_help",  # the ``cli-help`` directive: each command's --help from its build_parser()
]
myst_enable_extensions = ["dollarmath", "amsmath"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
# _static holds generated report files (report.md among them), not pages.
exclude_patterns = ["_build", "_static", "_ext"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
html_theme = "alabaster"

# --- API reference (docs/api.md) -------------------------------------------
# Ambiguous short cross-references (a field ``num_classes`` on two classes)
# resolve to the first target; they are not broken links.
suppress_warnings = ["ref.python"]


def _drop_module_docstrings(app, what, name, obj, options, lines):
    """The API page introduces each package itself; package docstrings are
    overviews written for ``help()``, not reStructuredText."""
    if what == "module":
        lines[:] = []


_ABS_BARS = re.compile(r"\|([^|\s][^|]*?)\|(?!_)")


def _escape_absolute_value_bars(app, what, name, obj, options, lines):
    """Docstrings write absolute values as plain ``|w|``, which reST reads as
    a substitution; escape the bars outside literals (table rows untouched)."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("|", "+")):
            continue
        parts = line.split("`")
        for k in range(0, len(parts), 2):
            parts[k] = _ABS_BARS.sub(r"\\|\1\\|", parts[k])
        lines[i] = "`".join(parts)


def setup(app):
    app.connect("autodoc-process-docstring", _drop_module_docstrings)
    app.connect("autodoc-process-docstring", _escape_absolute_value_bars)

