"""Build the bilingual book: ``python docs/build.py [OUTDIR]`` (default docs/_build/html).

Runs ``sphinx -b html -W`` once per language (docs/zh into OUTDIR/zh, docs/en into
OUTDIR/en) and writes OUTDIR/index.html, which links to both and opens the book in the
browser's language. Extra arguments after OUTDIR go to sphinx (e.g. ``-q``).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

DOCS = pathlib.Path(__file__).resolve().parent

ROOT_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>线性回归：从零开始 · Linear regression from scratch</title>
<link rel="icon" href="zh/_static/favicon.svg">
<script>
  // open the book in the browser's language; the links below work without scripts
  if (!location.hash) {
    const zh = (navigator.languages || [navigator.language || ""]).some(l => /^zh/i.test(l));
    location.replace(zh ? "zh/index.html" : "en/index.html");
  }
</script>
<style>
  body { font-family: sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }
  a { display: block; font-size: 1.3rem; margin: 1rem 0; }
</style>
</head>
<body>
<h1>线性回归：从零开始<br><span lang="en">Linear regression from scratch</span></h1>
<a href="zh/index.html" hreflang="zh-CN">中文</a>
<a href="en/index.html" hreflang="en" lang="en">English</a>
</body>
</html>
"""


def build(out: pathlib.Path, extra: list[str]) -> None:
    """Both books at once, one sphinx process each (they share no files: each has its own
    notebooks, API pages and output folder); a failure of either fails the build."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", *extra]
    runs = {lang: subprocess.Popen([*cmd, str(DOCS / lang), str(out / lang)]) for lang in LANGS}
    failed = [lang for lang, run in runs.items() if run.wait() != 0]
    if failed:
        raise subprocess.CalledProcessError(runs[failed[0]].returncode, cmd)
    (out / "index.html").write_text(ROOT_PAGE, encoding="utf-8")


LANGS = ("zh", "en")


if __name__ == "__main__":
    args = sys.argv[1:]
    out = (
        pathlib.Path(args.pop(0))
        if args and not args[0].startswith("-")
        else DOCS / "_build" / "html"
    )
    try:
        build(out.resolve(), args)
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)
