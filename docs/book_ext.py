"""A small Sphinx extension for the bilingual book.

- ``<html lang="zh-CN">`` on Chinese pages (Sphinx would write its locale name, ``zh_CN``);
- a language switch at the top of every page, linking to the same page in the other
  language's book (both books have the same page names);
- Chinese search without a word-segmentation library: runs of Chinese characters are
  indexed as overlapping pairs of characters (most Chinese words have two), and the
  browser splits a query the same way, so 梯度 or 小批量 find the pages that contain them.
"""

from __future__ import annotations

import html
import pathlib
import re

import sphinx
from sphinx.search.zh import SearchChinese

# Sphinx's own Chinese search names a JavaScript stemmer that does not exist
# (ChineseStemmer); Latin words in Chinese pages are stemmed as English, as in Python.
_JS = pathlib.Path(sphinx.__file__).parent / "search" / "minified-js"
ENGLISH_STEMMER_JS = "\n".join(
    [
        (_JS / "base-stemmer.js").read_text(encoding="utf-8"),
        (_JS / "english-stemmer.js").read_text(encoding="utf-8"),
        "window.Stemmer = EnglishStemmer;",
    ]
)

HTML_LANG = {"zh": "zh-CN", "en": "en"}
SWITCH_TEXT = {"zh": "English", "en": "中文"}  # the name of the other language
SWITCH_TITLE = {"zh": "Read this page in English", "en": "阅读本页的中文版"}

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-zA-Z0-9_]+")


def cjk_terms(text: str) -> list[str]:
    """Overlapping character pairs of every run of Chinese characters; a lone one stays.

    >>> cjk_terms("小批量随机梯度下降 SGD 和 y")
    ['小批', '批量', '量随', '随机', '机梯', '梯度', '度下', '下降', '和']
    """
    terms = []
    for run in CJK_RUN.findall(text):
        terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return terms


class SearchChinesePairs(SearchChinese):
    """Sphinx's Chinese search language, indexing character pairs instead of jieba words."""

    js_stemmer_rawcode = ""
    js_stemmer_code = ENGLISH_STEMMER_JS

    js_splitter_code = r"""
function splitQuery(query) {
  const terms = [];
  for (const part of query.split(/[^\p{Letter}\p{Number}_]+/gu)) {
    for (const piece of part.split(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/u)) {
      if (!piece) continue;
      if (/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u.test(piece)) {
        if (piece.length === 1) terms.push(piece);
        for (let i = 0; i + 1 < piece.length; i++) terms.push(piece.slice(i, i + 2));
      } else {
        terms.push(piece);
      }
    }
  }
  return terms;
}
"""

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's name)
        latin = [term.strip() for term in LATIN_WORD.findall(input)]
        self.latin_terms.update(latin)
        return cjk_terms(input) + latin


def _page_context(app, pagename, templatename, context, doctree):
    lang = app.config.book_language
    twin = app.config.book_twin
    context["language"] = HTML_LANG[lang]
    if "body" not in context:
        return
    up = "../" * pagename.count("/")
    href = f"{up}../{twin}/{pagename}.html"
    switch = (
        f'<p class="lang-switch"><a href="{html.escape(href)}" hreflang="{HTML_LANG[twin]}" '
        f'lang="{HTML_LANG[twin]}" title="{SWITCH_TITLE[lang]}">'
        f"{SWITCH_TEXT[lang]}</a></p>\n"
    )
    context["body"] = switch + context["body"]


def setup(app):
    app.add_config_value("book_language", "en", "html")
    app.add_config_value("book_twin", "zh", "html")
    app.add_search_language(SearchChinesePairs)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
