"""The rendered book: build the Sphinx site with -W and check it in headless Chromium.

Marked ``docs``: the README's test command leaves it out; ``.ci/run`` installs the
``docs`` extra and Debian's chromium and chromium-driver, then runs ``pytest -m docs``.
Skips with the reason when Sphinx, Selenium or Chromium is missing.
"""

import functools
import http.server
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest

pytestmark = pytest.mark.docs

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = {
    "zh": ("notebooks/zh/3.2-linear-regression-scratch.html", "3.2 线性回归的从零开始实现"),
    "en": ("notebooks/en/3.2-linear-regression-scratch.html", "3.2 Linear regression from scratch"),
}
TWIN = {"zh": "en", "en": "zh"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip(
        "myst_nb", reason="the docs extra is not installed: pip install -e '.[docs]'"
    )
    out = tmp_path_factory.mktemp("site") / "html"
    start = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", "docs", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    print(f"\nsphinx -W build: {time.perf_counter() - start:.1f} s")
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reference_chapter_renders(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    page, title = PAGES[lang]
    severe = load(browser, f"{server}/{page}")
    browser.save_screenshot(str(shots / f"3.2-{lang}.png"))
    assert severe == [], severe
    assert browser.find_element(By.TAG_NAME, "h1").text.strip("#¶ \n") == title

    figures = [
        img
        for img in browser.find_elements(By.CSS_SELECTOR, "article img")
        if img.get_property("naturalWidth") > 0 and img.size["width"] > 0 and img.size["height"] > 0
    ]
    sources = [img.get_attribute("src") for img in figures]
    assert len(figures) >= 2, sources  # the scatter plot and the live loss curve
    assert any(src.endswith(".svg") for src in sources), sources

    text = browser.find_element(By.TAG_NAME, "article").text
    losses = [
        float(x) for x in re.findall(r"epoch (\d), loss (\d+\.\d+)", text)[0:3] for x in [x[1]]
    ]
    assert len(losses) == 3 and losses[0] > losses[1] > 0 and losses[2] < 1e-4, text[:500]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_language_link_leads_to_the_twin(browser, server, lang):
    from selenium.webdriver.common.by import By

    page, _ = PAGES[lang]
    load(browser, f"{server}/{page}")
    twin = TWIN[lang]
    link = browser.find_element(By.CSS_SELECTOR, f"article a[href*='../{twin}/3.2-linear']")
    link.click()
    time.sleep(0.3)
    assert browser.current_url.endswith(PAGES[twin][0])
    assert browser.find_element(By.TAG_NAME, "h1").text.strip("#¶ \n") == PAGES[twin][1]


def test_api_page_shows_the_data_iter_signature(browser, server, shots):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/generated/linreg_scratch.data_iter.html")
    browser.save_screenshot(str(shots / "api-data_iter.png"))
    assert severe == [], severe
    signature = browser.find_element(By.CSS_SELECTOR, "dt.sig").text
    for part in ("data_iter", "batch_size", "features", "labels", "shuffle", "generator"):
        assert part in signature, signature
    body = browser.find_element(By.TAG_NAME, "article").text
    assert "(m, d)" in body and ">>>" in body  # shapes and the example


def test_landing_page_lists_both_languages_and_the_api(browser, server, shots):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/index.html")
    browser.save_screenshot(str(shots / "index.png"))
    assert severe == [], severe
    nav = browser.find_element(By.CSS_SELECTOR, ".sidebar-tree").text.lower()  # captions: CSS caps
    assert "中文" in nav and "english" in nav and "api reference" in nav
    assert "3.2 线性回归的从零开始实现" in nav and "3.2 linear regression from scratch" in nav
    assert "python -m linreg_scratch" in browser.find_element(By.TAG_NAME, "article").text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sgd_animation_plays_on_the_3_4_page(browser, server, shots, lang):
    from selenium.webdriver.common.by import By

    severe = load(browser, f"{server}/notebooks/{lang}/3.4-explore.html")
    assert severe == [], severe
    players = browser.find_elements(By.CSS_SELECTOR, "article .linreg-sgd-player")
    assert len(players) == 1, "the animation near the top of 3.4"
    player = players[0]
    frame = player.find_element(By.CSS_SELECTOR, "img.linreg-sgd-frame")
    count = player.find_element(By.CSS_SELECTOR, ".linreg-sgd-count")
    assert frame.get_property("naturalWidth") > 0 and frame.get_attribute("data-frame") == "0"
    total = int(count.text.split("/")[1])
    first_src = frame.get_attribute("src")
    browser.execute_script("arguments[0].scrollIntoView()", player)
    player.find_element(By.CSS_SELECTOR, ".linreg-sgd-play").click()
    time.sleep(1.0)  # about 6 frames at 150 ms each
    shown = int(frame.get_attribute("data-frame"))
    browser.save_screenshot(str(shots / f"3.4-{lang}-playing.png"))
    assert 0 < shown < total and frame.get_attribute("src") != first_src
    player.find_element(By.CSS_SELECTOR, ".linreg-sgd-play").click()  # pause
    paused = frame.get_attribute("data-frame")
    time.sleep(0.5)
    assert frame.get_attribute("data-frame") == paused
    assert count.text == f"{int(paused) + 1} / {total}"
    player.find_element(By.CSS_SELECTOR, ".linreg-sgd-next").click()
    assert int(frame.get_attribute("data-frame")) == int(paused) + 1
    print(f"\n3.4 {lang}: {total} frames; after 1 s of play frame {shown}, paused, stepped once")
    # explore needs a kernel: the page shows its still picture, and nothing from a CDN
    assert "cdn.jsdelivr" not in browser.page_source
