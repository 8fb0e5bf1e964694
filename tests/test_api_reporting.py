"""Reporting through the JSON API: periods, what is owed, reports and every review step, with
the workflow's refusals as 409 / 422 / 403 and the scope as 404."""
import json

import pytest
from django.test import Client

from cfcity.accounts import tokens
from cfcity.reporting.models import Report
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, token = tokens.create_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(path, auth, **params):
    return Client().get(path, params, **auth)


def send(method, path, auth, data=None):
    body = "" if data is None else json.dumps(data)
    return getattr(Client(), method)(path, body, content_type="application/json", **auth)


def post(path, auth, data=None):
    return send("post", path, auth, data)


def put(path, auth, data):
    return send("put", path, auth, data)


@pytest.fixture
def auth(county):
    return {who: bearer(county[who])
            for who in ("reporter", "approver", "coordinator", "leader", "edu_reporter")}


def opened(county, auth) -> dict:
    r = post("/api/reports", auth["reporter"], {"period_id": county["period"].pk,
                                                "task_id": county["task"].pk,
                                                "unit_id": county["health"].pk})
    assert r.status_code == 201, r.content
    return r.json()


def test_periods_and_what_a_unit_owes(county, auth):
    r = get("/api/periods", auth["reporter"], plan=county["plan"].pk)
    assert r.status_code == 200
    assert [p["label"] for p in r.json()["items"]] == ["2023年", "2024年", "2025年"]
    assert get("/api/periods", auth["reporter"], plan=county["plan"].pk + 999).json()["count"] == 0

    r = get("/api/owed", auth["reporter"], period=county["period"].pk)  # the caller's own unit
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unit"] == {"id": county["health"].pk, "name": "县卫生健康局"}
    assert body["items"] == [{"task": {"id": county["task"].pk, "number": 2, "title": county["task"].title},
                              "role": "lead", "status": "missing", "report_id": None, "late": True}]
    report = opened(county, auth)
    row = get("/api/owed", auth["coordinator"], period=county["period"].pk,
              unit=county["health"].pk).json()["items"][0]
    assert (row["status"], row["report_id"]) == ("draft", report["id"])
    # a unit outside the caller's scope
    r = get("/api/owed", auth["edu_reporter"], period=county["period"].pk, unit=county["health"].pk)
    assert r.status_code == 404 and r.json()["detail"] == "没有找到，或您无权查看"


def test_the_whole_flow_through_the_api(county, auth):
    target = county["task"].targets.get()
    report = opened(county, auth)
    rid = report["id"]
    assert (report["status"], report["version"], report["revision"]) == ("draft", 1, 1)
    assert [v["target_id"] for v in report["values"]] == [target.pk]
    assert report["values"][0]["indicator"] == target.indicator and report["values"][0]["value"] is None
    # opening it again gives the same report
    again = post("/api/reports", auth["reporter"], {"period_id": county["period"].pk,
                                                    "task_id": county["task"].pk,
                                                    "unit_id": county["health"].pk})
    assert again.status_code == 200 and again.json()["id"] == rid

    r = put(f"/api/reports/{rid}", auth["reporter"], {
        "version": 1, "narrative": "新建托育机构两家。", "stage": "in_progress",
        "values": {str(target.pk): "3.2"}, "comments": {str(target.pk): "卫健统计"}})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["version"] == 2 and body["narrative"] == "新建托育机构两家。"
    assert body["values"][0]["value"] == 3.2 and body["values"][0]["comment"] == "卫健统计"

    def step(who, action, data=None, status=200):
        r = post(f"/api/reports/{rid}/{action}", auth[who], data)
        assert r.status_code == status, r.content
        return r.json()

    assert step("reporter", "submit")["status"] == "submitted"
    assert step("approver", "approve")["status"] == "approved"
    assert step("coordinator", "return", {"comment": "请附托育机构名单"})["status"] == "returned"
    version = get(f"/api/reports/{rid}", auth["reporter"]).json()["version"]
    r = put(f"/api/reports/{rid}", auth["reporter"], {"version": version, "values": {str(target.pk): 3.4}})
    assert r.status_code == 200 and r.json()["values"][0]["value"] == 3.4
    assert step("reporter", "submit")["status"] == "submitted"
    assert step("approver", "approve", {"comment": "同意"})["status"] == "approved"
    accepted = step("coordinator", "accept")
    assert accepted["status"] == "accepted"

    r = put(f"/api/reports/{rid}", auth["reporter"], {"version": accepted["version"],
                                                     "values": {str(target.pk): "9"}})
    assert r.status_code == 409 and "不能修改" in r.json()["detail"]

    detail = get(f"/api/reports/{rid}", auth["leader"]).json()  # a leader reads
    assert [e["action"] for e in detail["events"]] == [
        "saved", "submitted", "approved", "returned", "saved", "submitted", "approved", "accepted"]
    returned = next(e for e in detail["events"] if e["action"] == "returned")
    assert returned["comment"] == "请附托育机构名单" and returned["actor"] == "fgw"
    assert detail["events"][4]["changes"] == {f"target-{target.pk}": ["3.2", "3.4"]}

    # an accepted report is changed through a correction: a new revision
    assert step("reporter", "correct", {"reason": ""}, 422)["errors"] == [
        {"field": "reason", "message": "请写明更正原因"}]
    new = step("reporter", "correct", {"reason": "统计口径更正"}, 201)
    assert (new["revision"], new["status"], new["values"][0]["value"]) == (2, "draft", 3.4)
    listed = get("/api/reports", auth["coordinator"], period=county["period"].pk, status="accepted").json()
    assert [x["id"] for x in listed["items"]] == [rid]


def test_a_stale_version_is_409_and_nothing_changes(county, auth):
    target = county["task"].targets.get()
    rid = opened(county, auth)["id"]
    assert put(f"/api/reports/{rid}", auth["reporter"],
               {"version": 1, "narrative": "甲的版本", "values": {str(target.pk): "3.1"}}).status_code == 200
    r = put(f"/api/reports/{rid}", auth["approver"],
            {"version": 1, "narrative": "乙的版本", "values": {str(target.pk): "3.9"}})
    assert r.status_code == 409
    assert "已被他人修改" in r.json()["detail"] and "已被他人修改" in r.content.decode()  # UTF-8
    report = Report.objects.get(pk=rid)
    assert (report.narrative, report.version, float(report.values.get().value)) == ("甲的版本", 2, 3.1)
    assert report.events.filter(action="saved").count() == 1


@pytest.mark.parametrize("values,message", [({"abc": "1"}, None), ("很多", "不是数字"), ("-1", "不能为负数")])
def test_a_bad_value_is_422_with_each_problem(county, auth, values, message):
    target = county["task"].targets.get()
    rid = opened(county, auth)["id"]
    body = {"version": 1, "narrative": "写了",
            "values": values if isinstance(values, dict) else {str(target.pk): values}}
    r = put(f"/api/reports/{rid}", auth["reporter"], body)
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    if message:
        assert errors[0]["field"] == f"values.{target.pk}" and message in errors[0]["message"]
    else:
        assert errors[0]["field"].startswith("values")  # a key that is no target id: pydantic's 422
    report = Report.objects.get(pk=rid)
    assert report.narrative == "" and report.version == 1 and report.values.get().value is None


def test_other_checks_are_422_in_chinese(county, auth):
    rid = opened(county, auth)["id"]
    r = put(f"/api/reports/{rid}", auth["reporter"], {"narrative": "x", "stage": "finished"})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"version", "stage"}
    r = put(f"/api/reports/{rid}", auth["reporter"], {"version": 1, "values": {"99999": "1"}})
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "values.99999", "message": "该指标不属于本任务"}]
    r = post(f"/api/reports/{rid}/submit", auth["reporter"])
    assert r.status_code == 422 and "请先填写" in r.json()["errors"][0]["message"]
    r = post(f"/api/reports/{rid}/return", auth["coordinator"], {"comment": "x"})
    assert r.status_code == 409 and "不能退回" in r.json()["detail"]


def test_another_departments_report_is_404(county, auth):
    rid = opened(county, auth)["id"]
    for r in (get(f"/api/reports/{rid}", auth["edu_reporter"]),
              put(f"/api/reports/{rid}", auth["edu_reporter"], {"version": 1, "narrative": "x"}),
              post(f"/api/reports/{rid}/submit", auth["edu_reporter"]),
              get(f"/api/reports/{rid + 999}", auth["reporter"])):
        assert r.status_code == 404 and r.json() == {"detail": "没有找到，或您无权查看"}
    assert get("/api/reports", auth["edu_reporter"]).json()["count"] == 0
    assert get("/api/reports", auth["leader"]).json()["count"] == 1
    # nor may it open one for that department
    r = post("/api/reports", auth["edu_reporter"], {"period_id": county["period"].pk,
                                                    "task_id": county["task"].pk,
                                                    "unit_id": county["health"].pk})
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "unit_id", "message": "没有找到，或您无权查看"}]
    assert Report.objects.get(pk=rid).narrative == ""


def test_a_leader_reads_but_may_not_write(county, auth):
    rid = opened(county, auth)["id"]
    r = put(f"/api/reports/{rid}", auth["leader"], {"version": 1, "narrative": "领导改的"})
    assert r.status_code == 403 and r.json()["detail"] == "您无权修改该报告"
    assert post(f"/api/reports/{rid}/submit", auth["leader"]).status_code == 403
    assert Report.objects.get(pk=rid).version == 1


def test_without_a_token_is_401(county):
    for method, path in (("get", "/api/periods"), ("get", "/api/owed"), ("get", "/api/reports"),
                         ("get", "/api/reports/1"), ("post", "/api/reports"), ("put", "/api/reports/1"),
                         ("post", "/api/reports/1/submit"), ("post", "/api/reports/1/correct")):
        r = getattr(Client(), method)(path)
        assert r.status_code == 401, (method, path)
        assert "需要身份认证" in r.json()["detail"]


def test_session_writes_need_csrf(county, auth):
    rid = opened(county, auth)["id"]
    c = Client(enforce_csrf_checks=True)
    c.force_login(county["reporter"])
    assert c.get(f"/api/reports/{rid}").status_code == 200
    payload = json.dumps({"version": 1, "narrative": "会话保存"})
    r = c.put(f"/api/reports/{rid}", payload, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    c.get("/accounts/login/")
    r = c.put(f"/api/reports/{rid}", payload, content_type="application/json",
              HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value)
    assert r.status_code == 200 and r.json()["narrative"] == "会话保存"


def test_openapi_lists_the_reporting_paths_and_validates():
    doc = json.loads(Client().get("/api/openapi.json").content)
    from openapi_spec_validator import validate
    validate(doc)
    paths = {"/api/periods", "/api/owed", "/api/reports", "/api/reports/{report_id}",
             "/api/reports/{report_id}/submit", "/api/reports/{report_id}/approve",
             "/api/reports/{report_id}/return", "/api/reports/{report_id}/accept",
             "/api/reports/{report_id}/correct"}
    assert paths <= set(doc["paths"])
    assert {"get", "put"} <= set(doc["paths"]["/api/reports/{report_id}"])
    assert {"409", "422", "403", "404"} <= set(doc["paths"]["/api/reports/{report_id}"]["put"]["responses"])
