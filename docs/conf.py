"""Sphinx configuration: one site with the 中文 and English chapters and the API reference.

The notebooks live in ../notebooks; each build copies them to notebooks/ here (ignored
by git), so links between them and from the README resolve inside the site. myst-nb
executes them, since they are stored without outputs.
"""

import pathlib
import shutil

import linreg_scratch

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent

shutil.rmtree(DOCS / "notebooks", ignore_errors=True)
for lang in ("zh", "en"):
    shutil.copytree(ROOT / "notebooks" / lang, DOCS / "notebooks" / lang)

project = "linreg_scratch"
author = "linreg_scratch contributors"
copyright = "2026, linreg_scratch contributors"  # noqa: A001 (Sphinx's name)
release = linreg_scratch.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx-mathjax-offline",  # MathJax served from the site: the pages work offline
]
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints"]

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
nb_execution_mode = "auto"  # execute every notebook that has no outputs: all of ours
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_execution_in_temp = True
nb_execution_show_tb = True

autosummary_generate = True
autodoc_typehints = "signature"
autodoc_member_order = "bysource"

html_theme = "furo"
html_title = "linreg_scratch"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"  # without one, browsers ask for /favicon.ico and get 404

# explore()'s sliders need a live kernel. On the site its output shows the still picture it
# also provides (text/html), and no widget manager is loaded from a CDN: pages stay offline.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}
