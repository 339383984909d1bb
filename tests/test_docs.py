"""The rendered book: build both languages with -W and check them in headless Chromium.

Marked ``docs``: the README's test command leaves it out; ``.ci/run`` installs the
``docs`` extra and Debian's chromium, chromium-driver and fonts-wqy-microhei, then runs
``pytest -m docs``. Skips with the reason when Sphinx, Selenium or Chromium is missing.
"""

import functools
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import pytest

pytestmark = pytest.mark.docs

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFERENCE = "notebooks/3.2-linear-regression-scratch.html"
TITLES = {"zh": "3.2 线性回归的从零开始实现", "en": "3.2 Linear regression from scratch"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
TWIN = {"zh": "en", "en": "zh"}
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks" / "en").glob("[!a]*.ipynb"))  # no assignment
# pages of every kind: landing page, chapter, API list, generated API page
PAGES = ["index.html", REFERENCE, "api.html", "generated/linreg_scratch.sgd.html", "teachers.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip(
        "myst_nb", reason="the docs extra is not installed: pip install -e '.[docs]'"
    )
    built = os.environ.get("LINREG_DOCS_SITE")  # check a site built before, e.g. by hand
    if built:
        return pathlib.Path(built)
    out = tmp_path_factory.mktemp("site") / "html"
    start = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "docs/build.py", str(out), "-q"],  # the README's docs command
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    seconds = time.perf_counter() - start
    print(f"\nbuild of both books (sphinx -W, every notebook run): {seconds:.0f} s")
    return out


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip(
            "Chromium and chromedriver are not installed "
            "(Debian: apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="linreg_chromium_")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
        "--lang=en-US",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="linreg_docs_screenshots_"))
    print(f"\nscreenshots of the checked pages: {folder}")
    return folder


def load(browser, url):
    browser.get(url)
    browser.get_log("browser")  # drop what an earlier page left
    browser.refresh()
    time.sleep(0.5)  # let MathJax and the images finish
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def h1(browser):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "h1").text.strip("#¶ \n")


def html_lang(browser):
    return browser.execute_script("return document.documentElement.lang")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reference_chapter_renders(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/{lang}/{REFERENCE}")
    browser.save_screenshot(str(shots / f"3.2-{lang}.png"))
    assert severe == [], severe
    assert h1(browser) == TITLES[lang]

    figures = [
        img
        for img in browser.find_elements(By.CSS_SELECTOR, "article img")
        if img.get_property("naturalWidth") > 0 and img.size["width"] > 0 and img.size["height"] > 0
    ]
    sources = [img.get_attribute("src") for img in figures]
    assert len(figures) >= 2, sources  # the scatter plot and the live loss curve
    assert all(src.endswith(".svg") for src in sources), sources

    text = browser.find_element(By.TAG_NAME, "article").text
    losses = [float(x) for x in re.findall(r"epoch \d, loss (\d+\.\d+)", text)[0:3]]
    assert len(losses) == 3 and losses[0] > losses[1] > 0 and losses[2] < 1e-4, text[:500]
    # the equations were typeset by MathJax (served from the site), tags included
    assert browser.find_elements(By.CSS_SELECTOR, "mjx-container[display='true']")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_equation_of_the_chapter_typesets_with_its_number(browser, server, lang):
    from selenium.webdriver.common.by import By

    for name in ("3.1-linear-regression", "3.2-linear-regression-scratch"):
        load(browser, f"{server}/{lang}/notebooks/{name}.html")
        time.sleep(1)
        errors = browser.find_elements(By.CSS_SELECTOR, "mjx-merror")
        assert errors == [], [e.get_attribute("textContent") for e in errors]
    load(browser, f"{server}/{lang}/notebooks/3.1-linear-regression.html")
    time.sleep(1)
    text = browser.execute_script(
        "return [...document.querySelectorAll('mjx-container')].map(m => m.textContent).join(' ')"
    )
    for number in range(1, 15):  # (3.1.1) to (3.1.14), \\tag'ed by hand
        assert f"(3.1.{number})" in text, number


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_declares_its_language_and_switches_to_its_twin(browser, server, lang, page):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/{lang}/{page}")
    assert severe == [], severe
    assert html_lang(browser) == HTML_LANG[lang]
    switch = browser.find_element(By.CSS_SELECTOR, "article p.lang-switch a")
    assert switch.is_displayed()
    assert switch.text.strip() == {"zh": "English", "en": "中文"}[lang]
    switch.click()
    time.sleep(0.3)
    twin = TWIN[lang]
    assert browser.current_url == f"{server}/{twin}/{page}"
    assert html_lang(browser) == HTML_LANG[twin]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_next_and_previous_stay_within_the_language(browser, server, lang):
    from selenium.webdriver.common.by import By

    def follow(url, css):
        visited = []
        while True:
            load(browser, url)
            assert html_lang(browser) == HTML_LANG[lang], url
            visited.append(urllib.parse.urlparse(url).path)
            links = browser.find_elements(By.CSS_SELECTOR, css)
            if not links:
                return visited
            url = links[0].get_attribute("href")
            assert len(visited) < 60, visited

    forward = follow(f"{server}/{lang}/index.html", "a.next-page")
    assert all(path.startswith(f"/{lang}/") for path in forward), forward
    chapters = [p for p in forward if "/notebooks/" in p]
    assert chapters == [f"/{lang}/notebooks/{name}.html" for name in NOTEBOOKS]
    # the page after the last chapter is the API page, headed in the page's language
    load(browser, f"{server}{forward[forward.index(chapters[-1]) + 1]}")
    assert h1(browser) == {"zh": "API 参考", "en": "API reference"}[lang]
    backward = follow(f"{server}{forward[-1]}", "a.prev-page")
    assert backward == forward[::-1]


def test_the_interface_speaks_the_language_of_the_page(browser, server):
    from selenium.webdriver.common.by import By

    words = {
        "zh": {"search": "搜索", "next": "下一页", "prev": "上一页"},
        "en": {"search": "Search", "next": "Next", "prev": "Previous"},
    }
    for lang, expected in words.items():
        load(browser, f"{server}/{lang}/{REFERENCE}")
        search = browser.find_element(By.CSS_SELECTOR, ".sidebar-search")
        assert search.get_attribute("placeholder") == expected["search"]
        nav = browser.find_element(By.CSS_SELECTOR, ".related-pages").get_attribute("textContent")
        assert expected["next"] in nav and expected["prev"] in nav, nav


@pytest.mark.parametrize(
    ("lang", "query", "page"),
    [
        ("zh", "梯度", "3.1-linear-regression"),
        ("zh", "小批量随机梯度下降", "3.2-linear-regression-scratch"),
        ("zh", "正规方程", "3.1-linear-regression"),
        ("en", "gradient", "3.1-linear-regression"),
    ],
)
def test_search_finds_words_of_the_language(browser, server, lang, query, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(browser, f"{server}/{lang}/search.html?q={urllib.parse.quote(query)}")
    WebDriverWait(browser, 20).until(
        lambda b: (
            b.find_elements(By.CSS_SELECTOR, "ul.search li")
            or "0" in b.find_element(By.CSS_SELECTOR, "#search-results").text[:200]
        )
    )
    time.sleep(0.5)  # let the remaining results arrive
    hits = [
        a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.search li a")
    ]
    assert hits, browser.find_element(By.CSS_SELECTOR, "#search-results").text
    assert any(f"/{lang}/notebooks/{page}.html" in h for h in hits), hits
    assert all(f"/{lang}/" in h for h in hits), hits


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_api_pages_have_parameters_returns_and_raises(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    sections = {"zh": ("参数", "返回", "抛出"), "en": ("Parameters", "Returns", "Raises")}[lang]
    for name in ("synthetic_data", "linreg", "squared_loss", "sgd", "train"):
        severe = load(browser, f"{server}/{lang}/generated/linreg_scratch.{name}.html")
        assert severe == [], severe
        fields = [  # textContent: the theme shows them in capitals
            dt.get_attribute("textContent").strip().rstrip(":：")
            for dt in browser.find_elements(By.CSS_SELECTOR, "dl.field-list > dt")
        ]
        for section in sections:
            assert section in fields, (name, fields)
    browser.save_screenshot(str(shots / f"api-train-{lang}.png"))


def test_api_page_shows_the_data_iter_signature(browser, server, shots):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/en/generated/linreg_scratch.data_iter.html")
    browser.save_screenshot(str(shots / "api-data_iter.png"))
    assert severe == [], severe
    signature = browser.find_element(By.CSS_SELECTOR, "dt.sig").text
    for part in ("data_iter", "batch_size", "features", "labels", "shuffle", "generator"):
        assert part in signature, signature
    body = browser.find_element(By.TAG_NAME, "article").text
    assert "(m, d)" in body and ">>>" in body  # shapes and the example
    assert h1(browser) == "data_iter"  # a short title, which fits the sidebar


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_landing_page_introduces_the_course(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/{lang}/index.html")
    browser.save_screenshot(str(shots / f"index-{lang}.png"))
    assert severe == [], severe
    assert h1(browser) == {"zh": "线性回归：从零开始", "en": "Linear regression from scratch"}[lang]
    article = browser.find_element(By.TAG_NAME, "article").text
    assert {"zh": "动手学深度学习", "en": "Dive into Deep Learning"}[lang] in article
    assert "benchmarks/train_speed.py" not in article  # not the developer README
    nav = browser.find_element(By.CSS_SELECTOR, ".sidebar-tree").text
    assert TITLES[lang] in nav and TITLES[TWIN[lang]] not in nav  # one language per book
    assert {"zh": "API 参考", "en": "API reference"}[lang] in nav


def test_the_root_page_leads_to_both_books(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/index.html#choose")  # with a hash it does not redirect
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")}
    assert links == {"中文": f"{server}/zh/index.html", "English": f"{server}/en/index.html"}
    browser.get(f"{server}/index.html")  # the browser speaks English (--lang=en-US)
    time.sleep(0.3)
    assert browser.current_url == f"{server}/en/index.html"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["notebooks/3.1-linear-regression.html", REFERENCE, "index.html"])
def test_a_phone_screen_shows_the_page_without_sideways_overflow(
    browser, server, shots, lang, page
):
    from selenium.webdriver.common.by import By

    size = browser.get_window_size()
    browser.set_window_size(390, 844)
    try:
        load(browser, f"{server}/{lang}/{page}")
        time.sleep(0.5)
        width = browser.execute_script("return document.documentElement.clientWidth")
        overflow = browser.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        browser.save_screenshot(str(shots / f"phone-{lang}-{page.replace('/', '_')}.png"))
        assert width <= 400 and overflow <= width, (width, overflow)
        # equations wider than the screen scroll sideways inside their own box
        boxes = browser.find_elements(By.CSS_SELECTOR, "div.math")
        for box in boxes:
            assert box.size["width"] <= width, box.size
            assert box.value_of_css_property("overflow-x") == "auto"
        if "3.1-linear" in page:  # its long equations are wider than a phone
            wide = browser.execute_script(
                "return [...document.querySelectorAll('div.math')]"
                ".filter(b => b.scrollWidth > b.clientWidth).length"
            )
            assert wide > 0
    finally:
        browser.set_window_size(size["width"], size["height"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sgd_animation_plays_on_the_3_4_page(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/{lang}/notebooks/A1-explore.html")
    assert severe == [], severe
    players = browser.find_elements(By.CSS_SELECTOR, "article .linreg-sgd-player")
    assert len(players) == 1, "the animation near the top of A1"
    player = players[0]
    frame = player.find_element(By.CSS_SELECTOR, "img.linreg-sgd-frame")
    count = player.find_element(By.CSS_SELECTOR, ".linreg-sgd-count")
    assert frame.get_property("naturalWidth") > 0 and frame.get_attribute("data-frame") == "0"
    total = int(count.text.split("/")[1])
    first_src = frame.get_attribute("src")
    play = player.find_element(By.CSS_SELECTOR, ".linreg-sgd-play")
    # the controls in the middle of the window, clear of the page's sticky header
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", play)
    time.sleep(0.3)
    play.click()
    time.sleep(1.0)  # about 6 frames at 150 ms each
    shown = int(frame.get_attribute("data-frame"))
    browser.save_screenshot(str(shots / f"A1-{lang}-playing.png"))
    assert 0 < shown < total and frame.get_attribute("src") != first_src
    player.find_element(By.CSS_SELECTOR, ".linreg-sgd-play").click()  # pause
    paused = frame.get_attribute("data-frame")
    time.sleep(0.5)
    assert frame.get_attribute("data-frame") == paused
    assert count.text == f"{int(paused) + 1} / {total}"
    player.find_element(By.CSS_SELECTOR, ".linreg-sgd-next").click()
    assert int(frame.get_attribute("data-frame")) == int(paused) + 1
    print(f"\nA1 {lang}: {total} frames; after 1 s of play frame {shown}, paused, stepped once")
    # explore needs a kernel: the page shows its still picture, and nothing from a CDN
    assert "cdn.jsdelivr" not in browser.page_source
