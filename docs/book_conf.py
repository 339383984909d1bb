"""Sphinx settings shared by the two books, 中文 (docs/zh) and English (docs/en).

Each language is its own Sphinx project, built by ``python docs/build.py`` into
``_build/html/zh`` and ``_build/html/en``: so Prev/Next stay within a language, every
page declares its language, the interface (furo's and Sphinx's strings) and the search
index are in that language. ``docs/<lang>/conf.py`` calls :func:`configure`.

Each build copies the notebooks of its language to ``docs/<lang>/notebooks/`` and the
API list ``docs/api.md`` to ``docs/<lang>/api.md`` (ignored by git); myst-nb executes
the notebooks, since they are stored without outputs.
"""

from __future__ import annotations

import json
import pathlib
import re

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
LANGUAGES = {"zh": "zh_CN", "en": "en"}
TWIN = {"zh": "en", "en": "zh"}

# The zh API page: the same autosummary blocks as docs/api.md, Chinese prose around them.
API_ZH_HEADINGS = {
    "API reference": "API 参考",
    "The chapter": "本章的函数",
    "Plotting and timing": "作图与计时",
    "Exploring": "探索",
}
API_ZH_INTRO = (
    "`from linreg_scratch import *` 导入的正是下面这些名字。形状中的 `n` 表示样本数，"
    "`d` 表示特征数。各页的说明文字（docstring）只有英文一份；页面上的小标题（参数、"
    "返回、抛出）和界面是中文的。"
)


def _write_if_changed(path: pathlib.Path, text: str) -> None:
    """Write only what changed, so an incremental build re-runs only changed notebooks."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _copy_notebooks(lang: str) -> None:
    """Copy the notebooks of ``lang``. The link to the twin at the top goes (every page
    gets the site's language switch instead); other links into the other language's
    notebooks become links to its pages, which live in the other book."""
    target = DOCS / lang / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    # the assignment's stubs raise by design: graded, not published
    sources = sorted((ROOT / "notebooks" / lang).glob("[!a]*.ipynb"))
    for stale in set(target.glob("*.ipynb")) - {target / p.name for p in sources}:
        stale.unlink()
    twin = TWIN[lang]
    top_link = re.compile(rf"^\[[^\]]*\]\(\.\./{twin}/[^)]*\.ipynb\)[ \t]*\n+", re.M)
    other = re.compile(rf"\[([^\]]*)\]\(\.\./{twin}/([^)]*)\.ipynb\)")
    for path in sources:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if i == 0:
                source = top_link.sub("", source, count=1)
            source = other.sub(rf'<a href="../../{twin}/notebooks/\2.html">\1</a>', source)
            cell["source"] = source
        _write_if_changed(target / path.name, json.dumps(nb, ensure_ascii=False))


def _copy_api(lang: str) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    if lang == "zh":
        _, _, rest = text.partition("\n## ")
        rest = "## " + rest
        for en, zh in API_ZH_HEADINGS.items():
            rest = re.sub(rf"^## {re.escape(en)}$", f"## {zh}", rest, flags=re.M)
        text = f"# {API_ZH_HEADINGS['API reference']}\n\n{API_ZH_INTRO}\n\n{rest}"
    _write_if_changed(DOCS / lang / "api.md", text)


def configure(lang: str) -> dict:
    """The conf.py namespace of the ``lang`` book."""
    import linreg_scratch

    _copy_notebooks(lang)
    _copy_api(lang)
    title = {"zh": "线性回归：从零开始", "en": "Linear regression from scratch"}[lang]
    return {
        "project": "linreg_scratch",
        "author": "linreg_scratch contributors",
        "copyright": "2026, linreg_scratch contributors",
        "release": linreg_scratch.__version__,
        "language": LANGUAGES[lang],
        "locale_dirs": [str(DOCS / "locales")],  # furo's strings that Sphinx lacks in Chinese
        "book_language": lang,
        "book_twin": TWIN[lang],
        "extensions": [
            "myst_nb",
            "sphinx.ext.autodoc",
            "sphinx.ext.autosummary",
            "sphinx.ext.napoleon",  # Parameters / Returns / Raises sections
            "sphinx-mathjax-offline",  # MathJax served from the site: pages work offline
            "book_ext",  # lang="zh-CN", the language switch, Chinese search
        ],
        "exclude_patterns": ["_build", "jupyter_execute", "**/.ipynb_checkpoints"],
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        "nb_execution_mode": "auto",  # execute every notebook without outputs: all of ours
        "nb_execution_timeout": 120,
        "nb_execution_raise_on_error": True,
        "nb_execution_in_temp": True,
        "nb_execution_show_tb": True,
        # explore()'s sliders need a kernel: the static site shows their still picture
        # (the image/png fallback) instead of loading widget scripts from a CDN
        "nb_mime_priority_overrides": [("html", "application/vnd.jupyter.widget-view+json", None)],
        "nb_ipywidgets_js": {},
        "autosummary_generate": True,
        "templates_path": [str(DOCS / "_templates")],  # API pages titled by the short name
        "autodoc_typehints": "signature",
        "autodoc_member_order": "bysource",
        "napoleon_numpy_docstring": False,
        "html_theme": "furo",
        "html_title": title,
        "html_short_title": title,
        "html_static_path": [str(DOCS / "_static")],
        "html_css_files": ["book.css"],
        "html_favicon": str(DOCS / "_static" / "favicon.svg"),
        "html_search_language": lang,
    }
