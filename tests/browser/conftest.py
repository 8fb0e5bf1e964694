"""Real-browser tests: Debian's chromium driven through Playwright's sync API against
pytest-django's ``live_server``.

- ``browser``: one chromium per pytest process (so one per xdist worker), session-scoped.
- ``page``: a fresh browser context at 1366×768 (a county office's laptop), Chinese locale,
  ``base_url`` = the live server, so ``page.goto("/")`` works.
- ``phone``: the same at 390×844, a phone held upright (touch, mobile viewport rules).
- ``screenshot(page, name)``: saves ``var/screenshots/<name>.png`` under the repository root
  (overwritten on every run; with xdist, each test writes its own names).
- ``log_in(page, username, password)``: signs in through /accounts/login/ like a person does.

Every test under tests/browser/ is marked ``browser`` (``pytest -m "not browser"`` leaves them
out) and runs with a transactional database, because the live server reads it from another
thread.  The browser is never downloaded: ``make test`` installs Debian's chromium when it is
missing (see the Makefile), and without it these tests fail, never skip.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # containers often give /dev/shm only 64 MB; chromium then crashes on big pages
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000  # a page of this site loads in well under a second; fail fast, not in 30 s



def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.path)).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"浏览器测试需要 Debian 的 chromium（{CHROMIUM}），本机没有安装。"
                    f"Run `make test` as root, or: sudo apt-get install chromium", pytrace=False)
    # While Playwright's sync API is started, its asyncio loop counts as running in this thread,
    # so Django would refuse every ORM call (SynchronousOnlyOperation) — in the browser tests and
    # in any test this worker runs after them. The calls are plain synchronous code: allow them
    # for as long as the browser lives.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                         headless=True)
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def _new_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context, page = _new_page(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, "plan-desktop")`` → var/screenshots/plan-desktop.png: what the viewport
    shows.  ``full_page=True`` takes the whole page, but a long page costs about a second."""
    def save(page, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path
    return save


@pytest.fixture
def log_in():
    """``log_in(page, "alice", "secret")``: fill and submit the login form, wait for the redirect."""
    def submit(page, username: str, password: str, next_url: str = "/"):
        page.goto(f"/accounts/login/?next={next_url}")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        assert "/accounts/login/" not in page.url, "登录失败：仍停留在登录页"
    return submit

