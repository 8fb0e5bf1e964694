"""Every page × every persona: the status each must get. A new page without a row here is a
gap in this table — add it."""
import pytest
from django.test import Client

from cfcity.reporting import workflow
from tests.test_reporting import PDF, county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reporter", "edu_reporter", "approver", "coordinator", "leader"]
LOGIN = 302  # to the login page

# path template → {persona: status}
PAGES = {
    "/": dict.fromkeys(PERSONAS, 200),
    "/plans/{plan}/": dict.fromkeys(PERSONAS, 200),
    "/plans/{plan}/targets/": dict.fromkeys(PERSONAS, 200),
    "/my/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/review/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/status/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/my/{period}/template.xlsx": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    # the 县卫生健康局 report on task (2): its own unit and the county roles only
    "/reports/{period}/{task}/{unit}/": {"anonymous": LOGIN, "reporter": 200, "edu_reporter": 404,
                                          "approver": 200, "coordinator": 200, "leader": 200},
    "/admin/": {p: 302 for p in PERSONAS},  # none of them is staff
    "/tasks/{task}/assignments/": {"anonymous": LOGIN, "reporter": 403, "edu_reporter": 403, "approver": 403,
                                   "coordinator": 200, "leader": 403},
    # an evidence file of that report: whoever may read the report, as a download
    "/evidence/{evidence}/": {"anonymous": LOGIN, "reporter": 200, "edu_reporter": 404,
                              "approver": 200, "coordinator": 200, "leader": 200},
    "/plans/{plan}/periods/": {"anonymous": LOGIN, "reporter": 403, "edu_reporter": 403, "approver": 403,
                               "coordinator": 200, "leader": 403},
    "/plans/": dict.fromkeys(PERSONAS, 200),
    # the dashboards: everyone working under the plan; another area's plan (or a task of it
    # under this plan's address) is a 404 for all of them
    "/dashboard/": {p: 302 for p in PERSONAS},  # to the one plan (anonymous: to log in)
    "/dashboard/{plan}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/dashboard/{plan}/domains/{domain}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/dashboard/{plan}/actions/{action}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/dashboard/{plan}/tasks/{task}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/dashboard/{other_plan}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/dashboard/{other_plan}/tasks/{other_task}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/dashboard/{plan}/tasks/{other_task}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    # the monitoring reports: the plan's coordinator only; another area's plan or job a 404
    "/monitoring/reports/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 302},
    "/monitoring/reports/{plan}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200},
    "/monitoring/reports/{other_plan}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/monitoring/reports/jobs/{job}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200},
    "/monitoring/reports/jobs/{job}.json": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200},
    "/monitoring/reports/jobs/{job}/download": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403),
                                                "coordinator": 200},
    "/monitoring/reports/jobs/{other_job}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/monitoring/reports/jobs/{other_job}/download": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    # POST-only (tests/test_reporting_excel.py posts to it): a GET goes back to 我的填报
    "/my/{period}/upload/": {p: 302 for p in PERSONAS},
    "/accounts/login/": dict.fromkeys(PERSONAS, 200),
    "/accounts/logout/": dict.fromkeys(PERSONAS, 405),  # POST only
    "/accounts/password/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
}
# a save posted to that report: who may change it
SAVE = {"anonymous": LOGIN, "reporter": 302, "edu_reporter": 404, "approver": 302,
        "coordinator": 403, "leader": 403}


def client_for(county, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(county[persona])
    return c


def fill_path(path, county):
    evidence = county["evidence"].pk if "evidence" in county else 0
    more = {k: county[k].pk if k in county else 0 for k in ("other_plan", "other_task", "job", "other_job")}
    return path.format(plan=county["plan"].pk, period=county["period"].pk, task=county["task"].pk,
                       unit=county["health"].pk, evidence=evidence, domain=county["task"].action.domain_id,
                       action=county["task"].action_id, **more)


@pytest.fixture
def opened(county, settings, tmp_path):
    """The report exists (the reporter opened it, with one evidence file), so read-only roles
    can look at it."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    county["evidence"] = workflow.add_evidence(report, user=county["reporter"], name="托育机构名单.pdf", data=PDF)
    # another area's plan, and a finished report job of each plan
    from django.core.files.base import ContentFile

    from cfcity.monitoring.models import Job
    from cfcity.plans import models as pm
    from cfcity.plans import services as plan_services
    from tests.conftest import make_plan
    other = make_plan(doc_number="临政办发〔2023〕1号", title="临淄区儿童友好城市建设行动方案")
    other.issuer = "临淄区人民政府办公室"
    county["other_plan"] = plan_services.store_plan(other)
    county["other_task"] = pm.Task.objects.filter(plan=county["other_plan"]).first()
    for key, plan in (("job", county["plan"]), ("other_job", county["other_plan"])):
        job = Job(kind="annual", params={"year": 2024, "format": "docx"}, plan=plan, status=Job.Status.DONE,
                  filename="年度监测报告.docx", created_by=county["coordinator"])
        job.file.save("annual.docx", ContentFile(b"PK\x03\x04 a report"), save=False)
        job.save()
        county[key] = job
    return county


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(opened, path, persona):
    r = client_for(opened, persona).get(fill_path(path, opened))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert "/login/" in r["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_save_matrix(opened, persona):
    from cfcity.reporting.models import Report
    report = Report.objects.get()
    target = opened["task"].targets.get()
    r = client_for(opened, persona).post(fill_path("/reports/{period}/{task}/{unit}/", opened), {
        "version": report.version, f"value-{target.pk}": "3.3", "narrative": f"{persona} 写的", "action": "save"})
    assert r.status_code == SAVE[persona]
    report.refresh_from_db()
    assert (report.narrative == f"{persona} 写的") is (SAVE[persona] == 302 and persona != "anonymous")


def test_every_reporting_url_is_in_the_table():
    """The upload is POST-only and covered by tests/test_reporting_excel.py."""
    from cfcity.reporting import urls as reporting_urls
    covered = {"tasks/<int:task_id>/assignments/", "my/", "my/<int:period_id>/template.xlsx", "reports/<int:period_id>/<int:task_id>/<int:unit_id>/",
               "review/", "status/", "my/<int:period_id>/upload/", "plans/<int:plan_id>/periods/",
               "evidence/<int:evidence_id>/"}
    assert {str(p.pattern) for p in reporting_urls.urlpatterns} == covered, \
        "a new reporting page needs a row in PAGES (or SAVE)"


@pytest.mark.parametrize("persona,status,text", [
    ("leader", 200, "还没有开始填报"), ("coordinator", 200, "还没有开始填报"), ("edu_reporter", 404, None)])
def test_a_report_nobody_started(county, persona, status, text):
    """Readers see that nothing was reported yet; outsiders still get 404; nothing is created."""
    from cfcity.reporting.models import Report
    r = client_for(county, persona).get(fill_path("/reports/{period}/{task}/{unit}/", county))
    assert r.status_code == status
    if text:
        assert text in r.content.decode()
    assert Report.objects.count() == 0


def test_evidence_downloads_with_its_name_and_never_inline(opened):
    r = client_for(opened, "leader").get(f"/evidence/{opened['evidence'].pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;") and "%E6%89%98" in r["Content-Disposition"]
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    assert client_for(opened, "leader").get("/evidence/999999/").status_code == 404
