"""The public progress site in a real browser on a phone (390 px wide): nothing wider than the
screen, the skip link first, the charts drawn, the photo shown with its text — and all of it
with JavaScript switched off, under the site's strict CSP (no violation reported)."""
import pytest

from tests.browser.conftest import PHONE, TIMEOUT_MS
from tests.cases.factory import CHILD, gallery, set_status, stored  # noqa: F401
from tests.public.test_public_site import released  # noqa: F401


@pytest.fixture
def no_js_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  has_touch=True, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_public_site_on_a_phone_without_javascript(no_js_phone, phone, released, screenshot):
    g, page = released, no_js_phone
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"/public/plans/{g['plan'].pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text() == g["plan"].title
    assert page.get_by_role("img", name="目标进展状态分布").is_visible() or page.locator("svg.pub-bar").is_visible()
    assert page.get_by_role("table", name="目标进展状态统计").is_visible()
    assert fits(page), "the plan page is wider than the phone"
    screenshot(page, "public-plan-phone")

    page.get_by_role("link", name="优秀案例").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "优秀工作案例"
    assert CHILD not in page.content() and "托育点试运行情况" not in page.content()
    page.get_by_role("link", name="医育结合推进普惠托育").click()
    img = page.get_by_role("img", name="托育综合服务中心的活动室")
    assert img.is_visible()
    # the photo loaded: it is loading="lazy", so Chromium fetches it only near the viewport (how
    # near depends on its estimate of the connection) — scroll to it, then wait for its pixels
    img.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('main img'); return i.complete && i.naturalWidth > 0; }",
                           timeout=15000)
    assert fits(page)
    screenshot(page, "public-case-phone", full_page=True)

    page.goto(f"/public/plans/{g['plan'].pk}/targets/{g['target'].pk}/")
    assert page.locator("svg.pub-chart circle").count() == 2
    assert page.get_by_role("table", name=f"{g['target'].indicator}：数据").is_visible()
    assert fits(page)
    screenshot(page, "public-target-phone", full_page=True)
    assert not violations, violations

    # with JavaScript on (a phone's browser), the skip link is the first stop of the keyboard
    phone.goto(f"/public/plans/{g['plan'].pk}/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "跳到正文"
    assert phone.get_by_role("link", name="跳到正文").is_visible()  # shown when focused
    phone.keyboard.press("Enter")
    assert phone.url.endswith("#main")
