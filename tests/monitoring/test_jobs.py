"""Report jobs: started from the coordinator's page, run by the inline runner (and once by
the thread runner), their progress, the download, the failures, and who may see what."""
from __future__ import annotations

import io
import threading
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook

from cfcity.audit.models import AuditEntry
from cfcity.monitoring import jobs, reports
from cfcity.monitoring.models import Job
from tests.monitoring.test_reports import YEAR, build_county


@pytest.fixture
def county(db, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    settings.MONITORING_JOB_RUNNER = "inline"
    return build_county()


@pytest.fixture
def coordinator(client, county):
    client.force_login(county["coordinator"])
    return client


def urls(job):
    return {name: reverse(f"monitoring_reports:{name}", args=[job.pk]) for name in ("job", "job_json", "download")}


def test_the_button_makes_a_workbook_to_download(coordinator, county, tmp_path):
    plan = county["plan"]
    page = coordinator.get(reverse("monitoring_reports:plan", args=[plan.pk]))
    assert page.status_code == 200
    assert "生成报告" in page.content.decode() and "还没有生成过报告" in page.content.decode()
    response = coordinator.post(reverse("monitoring_reports:plan", args=[plan.pk]),
                                {"kind": "annual", "year": str(YEAR), "quarter": "1", "format": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == urls(job)["job"]
    assert (job.status, job.progress, job.message, job.error) == ("done", 100, "文件已生成", "")
    assert job.params == {"year": YEAR, "format": "xlsx"} and job.created_by == county["coordinator"]
    assert job.finished_at is not None
    assert job.file.name.startswith("reports/") and (tmp_path / "media" / job.file.name).is_file()

    state = coordinator.get(urls(job)["job_json"]).json()
    assert state["status"] == "done" and state["progress"] == 100 and state["finished"] is True
    assert state["download_url"] == urls(job)["download"]
    page = coordinator.get(urls(job)["job"]).content.decode()
    assert '<progress id="job-progress" max="100" value="100">' in page
    assert f'href="{urls(job)["download"]}"' in page and "http-equiv=\"refresh\"" not in page

    download = coordinator.get(urls(job)["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == reports.CONTENT_TYPES["xlsx"]
    name = f"示例县{YEAR}年儿童友好城市建设监测报告.xlsx"
    assert job.filename == name
    assert f"filename*=utf-8''{quote(name)}" in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "指标" in wb.sheetnames

    entry = AuditEntry.objects.get(action="monitoring.report.started")
    assert entry.actor == county["coordinator"] and entry.object_id == str(job.pk)
    assert entry.data["params"] == {"year": YEAR, "format": "xlsx"}

    listing = coordinator.get(reverse("monitoring_reports:plan", args=[plan.pk])).content.decode()
    assert f"{YEAR}年 · 年度监测报告 · Excel" in listing and urls(job)["download"] in listing


def test_a_bulletin_in_word(coordinator, county):
    plan = county["plan"]
    response = coordinator.post(reverse("monitoring_reports:plan", args=[plan.pk]),
                                {"kind": "bulletin", "year": str(YEAR), "quarter": "1", "format": "docx"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == "done"
    download = coordinator.get(urls(job)["download"])
    assert download["Content-Type"] == reports.CONTENT_TYPES["docx"]
    assert quote(f"示例县儿童友好城市建设工作进度通报（{YEAR}年第一季度）.docx") in download["Content-Disposition"]


def test_progress_steps_are_recorded(county, monkeypatch):
    seen = []
    real_save = jobs._save

    def spy(job, fields, **kw):
        seen.append((job.status, job.progress, job.message))
        return real_save(job, fields, **kw)

    monkeypatch.setattr(jobs, "_save", spy)
    job = jobs.start("annual", {"year": YEAR, "format": "docx"}, county["plan"], county["coordinator"])
    assert job.status == "done", job.error
    steps = [(p, m) for s, p, m in seen]
    assert steps[0] == (1, "开始生成")
    assert [m for _, m in steps[1:4]] == ["汇总数据", "绘制图表", "生成文档"]
    progress = [p for p, _ in steps]
    assert progress == sorted(progress) and progress[-1] == 100


def test_a_bad_request_starts_nothing(coordinator, county):
    plan = county["plan"]
    response = coordinator.post(reverse("monitoring_reports:plan", args=[plan.pk]),
                                {"kind": "bulletin", "year": str(YEAR), "quarter": "1", "format": "pdf"})
    assert response.status_code == 422
    assert "进度通报不支持“pdf”格式" in response.content.decode()
    response = coordinator.post(reverse("monitoring_reports:plan", args=[plan.pk]),
                                {"kind": "annual", "year": "2099", "format": "docx"})
    assert response.status_code == 422 and "2099年不在方案实施期限" in response.content.decode()
    assert not Job.objects.exists()


def test_failure_without_libreoffice(coordinator, county, monkeypatch, tmp_path, settings):
    settings.SOFFICE = None
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    response = coordinator.post(reverse("monitoring_reports:plan", args=[county["plan"].pk]),
                                {"kind": "annual", "year": str(YEAR), "format": "pdf"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == "failed" and job.message == "生成失败" and job.finished_at
    assert "LibreOffice" in job.error and "libreoffice-writer-nogui" in job.error
    assert not job.file
    state = coordinator.get(urls(job)["job_json"]).json()
    assert state["status"] == "failed" and state["error"] == job.error and state["download_url"] is None
    assert job.error in coordinator.get(urls(job)["job"]).content.decode()
    assert coordinator.get(urls(job)["download"]).status_code == 404


def test_an_unexpected_error_is_logged_and_worded_plainly(county, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(reports, "build", broken)
    job = jobs.start("annual", {"year": YEAR, "format": "docx"}, county["plan"], county["coordinator"])
    assert job.status == "failed"
    assert job.error == "生成报告时出现内部错误（ZeroDivisionError），请联系系统管理员。"
    assert "report job" in caplog.text


def test_a_job_left_running_is_marked_stale(county):
    job = Job.objects.create(kind="annual", params={"year": YEAR, "format": "docx"}, plan=county["plan"],
                             status="running", progress=40)
    assert not jobs.is_stale(job)
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=job.created_at.year - 1))
    job.refresh_from_db()
    assert jobs.is_stale(job)


def test_unknown_runner_is_refused(county, settings):
    from django.core.exceptions import ImproperlyConfigured
    settings.MONITORING_JOB_RUNNER = "rq"
    with pytest.raises(ImproperlyConfigured, match="MONITORING_JOB_RUNNER"):
        jobs.start("annual", {"year": YEAR, "format": "docx"}, county["plan"], county["coordinator"])


# --- who may ----------------------------------------------------------------------------------------------

@pytest.fixture
def done_job(county):
    return jobs.start("annual", {"year": YEAR, "format": "xlsx"}, county["plan"], county["coordinator"])


def test_anonymous_is_sent_to_log_in(client, county, done_job):
    for url in [reverse("monitoring_reports:index"), reverse("monitoring_reports:plan", args=[county["plan"].pk]),
                *urls(done_job).values()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("who,status", [("leader", 403), ("reporter", 403), ("other_coordinator", 404)])
def test_only_the_plans_coordinators(client, county, done_job, who, status):
    client.force_login(county[who])
    plan_url = reverse("monitoring_reports:plan", args=[county["plan"].pk])
    assert client.get(plan_url).status_code == status
    assert client.post(plan_url, {"kind": "annual", "year": str(YEAR), "format": "xlsx"}).status_code == status
    for url in urls(done_job).values():
        assert client.get(url).status_code == status, url
    assert Job.objects.count() == 1


def test_a_superuser_may(client, county, done_job):
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.get(urls(done_job)["download"]).status_code == 200


def test_the_index_leads_to_the_plan(coordinator, county):
    response = coordinator.get(reverse("monitoring_reports:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring_reports:plan", args=[county["plan"].pk])


def test_a_job_of_another_county_is_not_found(client, county, done_job):
    client.force_login(county["other_coordinator"])
    assert client.get(urls(done_job)["job_json"]).status_code == 404
    assert client.get(reverse("monitoring_reports:job", args=[done_job.pk + 1000])).status_code == 404


# --- the thread runner --------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_thread_runner_does_not_block_and_finishes(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    settings.MONITORING_JOB_RUNNER = "thread"
    county = build_county()
    job = jobs.start("annual", {"year": YEAR, "format": "xlsx"}, county["plan"], county["coordinator"])
    assert job.status == "queued"  # start returned before the work
    worker = next(t for t in threading.enumerate() if t.name == f"cfcity-job-{job.pk}")
    worker.join(timeout=120)
    assert not worker.is_alive()
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100), job.error
    assert (tmp_path / "media" / job.file.name).is_file()
