"""Sphinx configuration for the bingeo documentation site."""

import os
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
