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
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection, transaction
from playwright.sync_api import sync_playwright

from tests.conftest import POST_MIGRATE_TABLES, post_migrate_rows, tables_with_rows

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
            if "demo_county" in getattr(item, "fixturenames", ()):
                # with `pytest --dist loadgroup` these share one process, so one demo build
                item.add_marker(pytest.mark.xdist_group("demo-county"))


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


# --- the demo county, built once per test process ---------------------------------------------
# `cfcity demo` takes 20 s and more on PostgreSQL; the tests that run on it (test_dashboard,
# test_evaluation, test_csp) each get the same data: the first test of a process builds it and
# keeps a copy (nothing is added to the test database itself), the others get the copy back.
# - SQLite (in memory): the whole database, through SQLite's backup API, both ways;
# - PostgreSQL: every table that holds rows, in COPY's text format, put back after emptying the
#   database the way the flush after each test does (content types and permissions stay, and
#   must be the ones the rows refer to, else the demo is built again).
# The uploaded files are copied aside and back, too.

class DemoSnapshot:
    def __init__(self, media: Path):
        self.media = media
        self.plan_pk = None
        self.sqlite = None  # sqlite3 connection holding the copy
        self.copies: dict[str, bytes] = {}  # PostgreSQL: table → COPY text
        self.kept = None

    def _kept(self):
        with connection.cursor() as cursor:
            return post_migrate_rows(cursor)

    def take(self, plan_pk):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.sqlite)
        else:
            qn = connection.ops.quote_name
            with transaction.atomic(), connection.cursor() as cursor:
                for table in tables_with_rows(connection):
                    if table not in POST_MIGRATE_TABLES:
                        with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                            self.copies[table] = b"".join(bytes(block) for block in copy)
                self.kept = self._kept()
        self.plan_pk = plan_pk

    def restore(self, empty_database) -> bool:
        """Back to the state just after the build; False when the copy cannot be used."""
        if self.plan_pk is None:
            return False
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.sqlite.backup(connection.connection)
            from django.contrib.contenttypes.models import ContentType
            ContentType.objects.clear_cache()  # the copy's content types, perhaps other ids
            return True
        empty_database(connection)
        if self._kept() != self.kept:  # post_migrate rebuilt them since: other ids
            return False
        qn = connection.ops.quote_name
        # the sequences were never reset: new rows get new ids, as just after a build
        with transaction.atomic(), connection.cursor() as cursor:
            for table, data in self.copies.items():
                with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                    copy.write(data)
        return True


@pytest.fixture(scope="session")
def _demo_snapshot(tmp_path_factory):
    snapshot = DemoSnapshot(tmp_path_factory.mktemp("demo-media"))
    yield snapshot
    if snapshot.sqlite is not None:
        snapshot.sqlite.close()


@pytest.fixture
def demo_county(_demo_snapshot, empty_test_database, settings, tmp_path):
    """The demo county — `cfcity demo --seed 7` on an empty database, its uploaded files under
    ``tmp_path`` — and its plan. Built by the first test of this process that asks, copied back
    for the others."""
    from cfcity.plans.models import Plan
    from cfcity.reporting import demo

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    snapshot = _demo_snapshot
    if snapshot.restore(empty_test_database):
        shutil.copytree(snapshot.media, tmp_path, dirs_exist_ok=True)
        return Plan.objects.get(pk=snapshot.plan_pk)
    result = demo.build(seed=7, reference=demo.reference_plan_parsed(), plan=None)
    snapshot.take(plan_pk=result.plan.pk)
    shutil.rmtree(snapshot.media)
    shutil.copytree(tmp_path, snapshot.media)
    return result.plan
