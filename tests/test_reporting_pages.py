"""The reporting pages over HTTP: my tasks, the form, the review queue, the status table."""
import datetime

import pytest
from django.test import Client

from cfcity.reporting.models import Report
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def url(county):
    return f"/reports/{county['period'].pk}/{county['task'].pk}/{county['health'].pk}/"


def test_my_tasks_lists_what_the_unit_owes(county):
    html = login(county["reporter"]).get(f"/my/?period={county['period'].pk}").content.decode()
    assert "我的填报任务" in html and "县卫生健康局 · 2024年" in html
    assert "（2）发展普惠托育" in html and "未填报" in html and url(county) in html
    assert "已逾期" in html  # 2024's deadline, 2025-01-15, has passed


def test_fill_submit_approve_return_fix_accept_over_http(county):
    target = county["task"].targets.get()
    reporter = login(county["reporter"])
    page = reporter.get(url(county))
    assert page.status_code == 200 and "每千人口3岁以下婴幼儿托位数" in page.content.decode()
    report = Report.objects.get()
    bad = reporter.post(url(county), {"version": report.version, f"value-{target.pk}": "很多",
                                      "narrative": "新建托育机构两家。", "stage": "in_progress", "action": "save"})
    assert bad.status_code == 422 and "不是数字" in bad.content.decode()
    assert "新建托育机构两家。" in bad.content.decode()  # what was typed is kept
    ok = reporter.post(url(county), {"version": report.version, f"value-{target.pk}": "3.2",
                                     "narrative": "新建托育机构两家。", "stage": "in_progress", "action": "submit"})
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    approver = login(county["approver"])
    assert url(county) in approver.get("/review/").content.decode()
    approver.post(url(county), {"action": "approve", "comment": ""})
    coordinator = login(county["coordinator"])
    assert url(county) in coordinator.get("/review/").content.decode()
    coordinator.post(url(county), {"action": "return", "comment": "请补充托育机构名单"})
    report.refresh_from_db()
    assert report.status == "returned"
    html = reporter.get(url(county)).content.decode()
    assert "请补充托育机构名单" in html
    reporter.post(url(county), {"version": report.version, f"value-{target.pk}": "3.4",
                                "narrative": "新建托育机构两家，名单附后。", "stage": "done", "action": "submit"})
    approver.post(url(county), {"action": "approve"})
    coordinator.post(url(county), {"action": "accept"})
    report.refresh_from_db()
    assert report.status == "accepted"
    # locked: a save is refused, the value stays
    reporter.post(url(county), {"version": report.version, f"value-{target.pk}": "9", "action": "save"})
    assert report.values.get().value == 3.4 or str(report.values.get().value.normalize()) == "3.4"
    assert "申请更正" in reporter.get(url(county)).content.decode()


def test_a_second_save_from_an_old_form_is_told_and_keeps_what_was_typed(county):
    target = county["task"].targets.get()
    reporter, approver = login(county["reporter"]), login(county["approver"])
    reporter.get(url(county))
    version = Report.objects.get().version
    reporter.post(url(county), {"version": version, f"value-{target.pk}": "3.1", "narrative": "甲", "action": "save"})
    r = approver.post(url(county), {"version": version, f"value-{target.pk}": "3.9", "narrative": "乙",
                                    "action": "save"})
    html = r.content.decode()
    assert r.status_code == 409 and "已被他人修改" in html and "您刚才填写：3.9" in html
    assert Report.objects.get().narrative == "甲"


def test_other_units_get_404_even_by_guessing_ids(county):
    other = login(county["edu_reporter"])
    assert other.get(url(county)).status_code == 404
    assert other.post(url(county), {"action": "submit"}).status_code == 404
    assert Report.objects.count() == 0


def test_pages_need_a_login(county):
    for path in ("/my/", "/review/", "/status/", url(county)):
        r = Client().get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_status_table_shows_who_has_not_reported(county):
    html = login(county["coordinator"]).get(f"/status/?period={county['period'].pk}").content.decode()
    assert "填报情况" in html and "县卫生健康局" in html and "县发展改革局" in html
    assert "逾期" in html  # 2024's deadline (2025-01-15) has passed


def test_evidence_upload_through_the_form(county, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    from django.core.files.uploadedfile import SimpleUploadedFile
    target = county["task"].targets.get()
    reporter = login(county["reporter"])
    reporter.get(url(county))
    report = Report.objects.get()
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    fake = SimpleUploadedFile("假的.pdf", b"not a pdf at all", content_type="application/pdf")
    reporter.post(url(county), {"version": report.version, f"value-{target.pk}": "3", "action": "save",
                                "evidence": [pdf]})
    assert report.evidence.get().original_name == "名单.pdf"
    report.refresh_from_db()
    r = reporter.post(url(county), {"version": report.version, "action": "save", "evidence": [fake]}, follow=True)
    assert "不是可接受的类型" in r.content.decode() and report.evidence.count() == 1


def test_coordinator_adds_a_unit_and_breaks_a_target_down(county):
    from cfcity.reporting.models import Assignment, TargetShare
    task, town = county["task"], county["town"]
    target = task.targets.get()
    path = f"/tasks/{task.pk}/assignments/"
    coordinator = login(county["coordinator"])
    html = coordinator.get(path).content.decode()
    assert "承担单位" in html and "县卫生健康局" in html and "果里镇" in html
    coordinator.post(path, {"action": "assign", "unit": county["edu_reporter"].membership.org_unit_id})
    assert Assignment.objects.filter(task=task, org_unit__name="县教育体育局", role="cooperating").exists()
    r = coordinator.post(path, {"action": "share", "target": target.pk, "unit": town.pk, "value": "2"}, follow=True)
    assert TargetShare.objects.get(target=target, org_unit=town).value == 2
    assert "分解合计比目标少 2.5" in r.content.decode()
    r = coordinator.post(path, {"action": "share", "target": target.pk, "unit": town.pk, "value": "很多"}, follow=True)
    assert "分解目标值应为数字" in r.content.decode()
    assert f"/tasks/{task.pk}/assignments/" in coordinator.get(f"/plans/{county['plan'].pk}/").content.decode()


def test_only_the_coordinator_changes_assignments(county):
    path = f"/tasks/{county['task'].pk}/assignments/"
    assert login(county["reporter"]).get(path).status_code == 403
    assert login(county["leader"]).post(path, {"action": "assign", "unit": county["town"].pk}).status_code == 403
    assert Client().get(path).status_code == 302
    assert f"/tasks/{county['task'].pk}/assignments/" not in login(county["reporter"]).get(
        f"/plans/{county['plan'].pk}/").content.decode()
