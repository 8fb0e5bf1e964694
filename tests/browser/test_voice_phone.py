"""The children's page on a phone (390 px): nothing wider than the screen, text at least
18 px, big choices; a message sent, then one suggesting danger answered at once with 110 and
12355 — under the site's strict CSP (no violation reported)."""
from cfcity.voice.models import Message
from tests.browser.conftest import PHONE


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def smallest_font(page) -> float:
    return page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'main p, main label, main legend, main textarea, main select, main button, main a, main h1')]
        .filter(e => e.offsetParent !== null && e.textContent.trim() !== '' || e.tagName === 'TEXTAREA')
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")


def test_the_childrens_page_on_a_phone(world, phone, screenshot):
    page = phone
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/voice/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert fits(page), "the children's page is wider than the phone"
    assert smallest_font(page) >= 18
    box = page.get_by_text("问题", exact=True).bounding_box()
    assert box["height"] >= 24
    page.get_by_text("问题", exact=True).click()
    page.get_by_text("上学路", exact=True).click()
    page.get_by_label("3. 写下来吧").fill("上学路上的路灯坏了，晚上很黑。")
    assert "还可以写" in page.locator("#voice-count").inner_text()
    page.get_by_label("在哪个镇（街道）（可以不选）").select_option(label="果里镇")
    page.get_by_text("9—11岁").click()
    screenshot(page, "voice-phone", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="发送").click()
    assert "/voice/thanks/" in page.url and "收到了" in page.content()
    assert fits(page)
    m = Message.objects.get()
    assert (m.state, m.topic, m.about, m.town, m.age_band) == ("pending", "problem", "route", world["town"], "9-11")

    # a message that suggests danger: the numbers first, big
    page.goto("/voice/")
    page.get_by_text("问题", exact=True).click()
    page.get_by_text("其他", exact=True).click()
    page.get_by_label("3. 写下来吧").fill("爸爸喝了酒就打我，我不敢回家")
    with page.expect_navigation():
        page.get_by_role("button", name="发送").click()
    alert = page.get_by_role("alert")
    assert "遇到危险请马上拨打" in alert.inner_text() and "12355" in alert.inner_text()
    assert page.get_by_role("link", name="110").first.get_attribute("href") == "tel:110"
    assert fits(page) and smallest_font(page) >= 18
    screenshot(page, "voice-phone-thanks")
    assert not violations, violations
