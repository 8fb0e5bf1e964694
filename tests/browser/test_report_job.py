"""The coordinator makes the annual report in a real browser: the button starts a background
job (the thread runner, as in production), the page shows a progress bar that the script
moves by polling, then the download link, which serves the Word file under its Chinese name.
Screenshots: var/screenshots/report-form.png, report-job-done.png."""
import io
import threading

from docx import Document
from playwright.sync_api import expect

from cfcity.monitoring.models import Job
from tests.monitoring.test_reports import YEAR, build_county

PASSWORD = "桓台-儿童友好-2025-口令"


def test_coordinator_generates_and_downloads_the_annual_report(page, live_server, log_in, screenshot, settings,
                                                                 tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    settings.MONITORING_JOB_RUNNER = "thread"
    county = build_county(password=PASSWORD)
    plan = county["plan"]
    log_in(page, "fgw", PASSWORD)

    page.goto(f"/monitoring/reports/{plan.pk}/")
    expect(page.get_by_role("heading", name="监测报告", exact=True)).to_be_visible()
    quarter = page.locator("#id_quarter")
    expect(quarter).to_be_hidden()  # only for the bulletin
    page.get_by_label("报告类型").select_option("bulletin")
    expect(quarter).to_be_visible()
    expect(page.locator("#id_format option[value=pdf]")).to_be_disabled()
    page.get_by_label("报告类型").select_option("annual")
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_label("格式").select_option("docx")
    screenshot(page, "report-form")

    # every value the progress bar takes on the job page, as the polling script sets it
    page.add_init_script("""
        window.__progress = [];
        document.addEventListener("DOMContentLoaded", function () {
          var bar = document.getElementById("job-progress");
          if (!bar) { return; }
          window.__progress.push(bar.value);
          new MutationObserver(function () { window.__progress.push(bar.value); })
            .observe(bar, {attributes: true});
        });""")
    with page.expect_navigation():
        page.get_by_role("button", name="生成报告").click()
    job = Job.objects.get()
    assert page.url.endswith(f"/monitoring/reports/jobs/{job.pk}/")
    bar = page.locator("progress#job-progress")
    expect(bar).to_be_visible()
    screenshot(page, "report-job-progress")
    link = page.get_by_role("link", name=f"下载 {job.filename}")
    expect(link).to_be_visible(timeout=90_000)  # the script polled the job to the end
    expect(page.locator("#job-status")).to_have_text("已完成")
    seen = page.evaluate("window.__progress")
    assert seen[-1] == 100
    if seen[0] < 100:  # the page opened while the job ran: the script moved the bar
        assert len(seen) >= 2 and seen == sorted(seen), seen
    expect(page.get_by_role("link", name="返回报告列表")).to_be_visible()
    screenshot(page, "report-job-done")

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"示例县{YEAR}年儿童友好城市建设监测报告.docx"
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))
    assert doc.paragraphs[0].text == f"示例县{YEAR}年儿童友好城市建设监测报告"

    # the list of past reports shows it with its download
    page.goto(f"/monitoring/reports/{plan.pk}/")
    expect(page.get_by_role("cell", name=f"{YEAR}年 · 年度监测报告 · Word")).to_be_visible()
    expect(page.get_by_role("link", name="下载")).to_have_attribute("href", f"/monitoring/reports/jobs/{job.pk}/download")
    for t in threading.enumerate():  # nothing left writing to the database after the test
        if t.name.startswith("cfcity-job-"):
            t.join(timeout=30)


def test_job_page_works_without_javascript(browser, live_server, log_in, settings, tmp_path):
    """No script: the page refreshes itself (meta refresh) until the link appears."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    county = build_county(password=PASSWORD)
    job = Job.objects.create(kind="annual", params={"year": YEAR, "format": "docx"}, plan=county["plan"],
                             status="running", progress=40, message="绘制图表", filename="报告.docx")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, "fgw", PASSWORD)
        page.goto(f"/monitoring/reports/jobs/{job.pk}/")
        expect(page.locator("#job-message")).to_contain_text("绘制图表")
        assert page.locator("progress#job-progress").get_attribute("value") == "40"
        Job.objects.filter(pk=job.pk).update(status="failed", progress=40, message="生成失败",
                                             error="生成 PDF 需要 LibreOffice")
        expect(page.locator("#job-error")).to_have_text("生成 PDF 需要 LibreOffice", timeout=8_000)
    finally:
        context.close()
