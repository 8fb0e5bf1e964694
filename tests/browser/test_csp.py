"""The strict Content-Security-Policy in a real browser: the main pages, on the demo county,
load without the browser refusing anything (an inline script, style or handler left in a
template, or a library that writes inline styles, shows up as a console message)."""
import pytest
from django.contrib.auth.models import User

from cfcity.reporting.models import Report

PASSWORD = "桓台-安全-2025-口令"
REFUSED = ("Content Security Policy", "Refused to")


@pytest.fixture
def county(demo_county, settings):
    settings.MONITORING_JOB_RUNNER = "inline"
    plan = demo_county
    for name in ("fegw_xt", "lingdao"):
        user = User.objects.get(username=name)
        user.set_password(PASSWORD)
        user.save()
    report = Report.objects.filter(period__plan=plan).select_related("period", "task").first()
    return {"plan": plan, "report": report}


def watch(page) -> list[str]:
    seen = []
    page.on("console", lambda m: seen.append(f"{page.url}: {m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.append(f"{page.url}: pageerror: {e}"))
    return seen


def refused(messages):
    return [m for m in messages if any(word in m for word in REFUSED)]


def test_main_pages_load_with_nothing_refused(page, county, log_in):
    plan, report = county["plan"], county["report"]
    messages = watch(page)
    page.goto("/")
    log_in(page, "fegw_xt", PASSWORD)
    pages = ["/", f"/plans/{plan.pk}/", "/my/", "/status/", f"/dashboard/{plan.pk}/",
             f"/reports/{report.period_id}/{report.task_id}/{report.org_unit_id}/",
             f"/monitoring/reports/{plan.pk}/", f"/plans/{plan.pk}/periods/"]
    domain = plan.domains.order_by("order").first()
    task = report.task
    pages += [f"/dashboard/{plan.pk}/domains/{domain.pk}/", f"/dashboard/{plan.pk}/tasks/{task.pk}/"]
    # the maps (Leaflet), the children's registers and the children's own pages
    pages += ["/spaces/map/", "/lifecircle/map/", "/councils/", "/voice/inbox/", "/assessments/",
              "/campaigns/manage/", "/voice/", "/voice/summary/", "/campaigns/"]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("load")
        # the charts: hover them, so that ECharts also draws its tooltips
        for chart in page.locator("[data-chart], .chart").all()[:2]:
            if chart.is_visible():
                chart.hover()
        page.wait_for_timeout(300)
    assert not refused(messages), "\n".join(refused(messages))
    assert not [m for m in messages if "pageerror" in m], messages

    # (on the same demo, built once) monitoring/reports/plan.html's behaviour moved to
    # report-form.js: the quarter is shown for a bulletin only, and PDF is not offered for one
    page.goto(f"/monitoring/reports/{county['plan'].pk}/")
    page.select_option("#id_kind", "annual")
    assert page.locator("#quarter-field").is_hidden()
    page.select_option("#id_kind", "bulletin")
    assert page.locator("#quarter-field").is_visible()
    assert page.locator("#id_format option[value=pdf]").is_disabled()
    assert not refused(messages), messages


def test_the_api_docs_work_under_the_same_policy(page, live_server):
    """/api/docs (django-ninja's Swagger UI, from its own static files) needs no exception."""
    messages = watch(page)
    response = page.goto("/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .info .title").wait_for()
    assert "儿童友好城市建设管理平台 API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary").first.click()  # open an operation
    page.wait_for_timeout(500)
    assert not refused(messages), "\n".join(refused(messages))
