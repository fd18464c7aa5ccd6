"""The documentation serves MathJax from its own build, so its formulas render
with no network: a one-page build with the site's conf.py holds a local
MathJax, and (where Chromium is installed) a headless browser with every
host unreachable renders each formula."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

PAGE = """# Math

$$
\\cos\\theta_d = \\frac{\\lVert w \\rVert_1}{\\sqrt{d}\\, \\lVert w \\rVert_2}
$$

and inline, $\\sqrt{2/\\pi}$.
"""


@pytest.fixture(scope="module")
def built_page(tmp_path_factory):
    from sphinx.application import Sphinx

    src = tmp_path_factory.mktemp("docs")
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    out = src / "_build"
    Sphinx(str(src), str(DOCS), str(out), str(out / ".doctrees"), "html", status=None, warning=None,
           freshenv=True).build()
    return out / "index.html"


def test_mathjax_is_served_from_the_build(built_page):
    html = built_page.read_text(encoding="utf-8")
    assert 'src="_static/mathjax/tex-chtml.js"' in html and "cdn" not in html.lower()
    assert (built_page.parent / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000


def _chromium() -> str | None:
    return next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)


def test_formulas_render_offline_in_a_headless_browser(built_page):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium here (Debian: apt-get install chromium)")
    # every host name unresolvable and every proxy connection refused: no network
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                           "--virtual-time-budget=15000", "--dump-dom", built_page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert dom.count('class="math notranslate nohighlight"') == 2
    assert dom.count("<mjx-container") == 2, "MathJax did not typeset the formulas"
