"""Every API operation × every persona: the status each must get, with a bearer token.
A new operation without a row here fails ``test_every_api_operation_has_a_row`` — add it.

The world (tests/conftest.py) has two counties; every persona works in 桓台县. The report in
the rows is 县卫生健康局's on task (2) for 2024 ({report}); {other_*} are 临淄区's. Besides
the status, every call is checked for:

- no data outside the scope: an error is only ``{"detail"[, "errors"]}``, and nothing of
  临淄区 shows in any answer;
- a page (``count``, ``items``): 200 means some rows, EMPTY means none (outside the scope);
- the database: a write changes it exactly when it answers 2xx, a read never does.
"""
import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts import tokens
from cfcity.audit.models import AuditEntry
from cfcity.monitoring.models import Warning
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Period, Report, ReportEvent, ReportValue

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reporter", "edu_reporter", "approver", "coordinator", "leader", "town_reporter"]
USERS = {"reporter": "health_reporter", "approver": "health_approver"}  # persona → world key
EMPTY = "200, no items"


def row(*statuses) -> dict:
    assert len(statuses) == len(PERSONAS)
    return dict(zip(PERSONAS, statuses))


PUBLIC = row(*[200] * 7)
SIGNED_IN = row(401, *[200] * 6)  # everyone who works in 桓台县
NONE_SHOWN = row(401, *[EMPTY] * 6)  # a page filtered on 临淄区: empty for everyone
NOBODY = row(401, *[404] * 6)  # 临淄区's rows: the same 404 as an id that does not exist

# (method, path) → {persona: status}
#     reporter, approver: 县卫生健康局's; edu_reporter: 县教育体育局's; coordinator, leader: the
#     county's (县妇儿工委办公室); town_reporter: 果里镇's.
ROUTES = {
    #                                                  anon reporter edu approver coord leader town
    ("GET", "/api/openapi.json"):                   PUBLIC,  # describes the API, holds no data
    ("GET", "/api/docs"):                           PUBLIC,
    ("GET", "/api/plans"):                          SIGNED_IN,
    ("GET", "/api/plans/{plan}"):                   SIGNED_IN,  # the county's plan: everyone working under it
    ("GET", "/api/plans/{other_plan}"):             NOBODY,
    ("GET", "/api/plans/{plan}/status"):            SIGNED_IN,  # the area's verdicts, plus the units in scope
    ("GET", "/api/plans/{other_plan}/status"):      NOBODY,
    ("GET", "/api/orgs"):                           SIGNED_IN,  # each its own subtree
    ("GET", "/api/orgs?parent={other_county}"):     NONE_SHOWN,
    ("GET", "/api/orgs/{health}"):                  row(401, 200, 404, 200, 200, 200, 404),
    ("GET", "/api/orgs/{other_edu}"):               NOBODY,
    # adding a unit under 县卫生健康局: coordinators and system admins only (403 in scope);
    # 422, not 404: a parent outside the scope is "not found" on the body's parent_id
    ("POST", "/api/orgs"):                          row(401, 403, 422, 403, 201, 403, 422),
    ("GET", "/api/periods?plan={plan}"):            SIGNED_IN,
    ("GET", "/api/periods?plan={other_plan}"):      NONE_SHOWN,
    ("GET", "/api/owed?period={period}&unit={health}"): row(401, 200, 404, 200, 200, 200, 404),
    ("GET", "/api/owed?period={other_period}"):     NOBODY,
    ("GET", "/api/reports"):                        row(401, 200, EMPTY, 200, 200, 200, EMPTY),
    ("GET", "/api/reports?unit={other_health}"):    NONE_SHOWN,
    ("GET", "/api/reports/{report}"):               row(401, 200, 404, 200, 200, 200, 404),
    ("GET", "/api/reports/{other_report}"):         NOBODY,
    # opening a report nobody started: only the unit's reporters start one (coordinator and
    # leader 403); a unit outside the scope is a 422 on the body's unit_id, as for /api/orgs
    ("POST", "/api/reports"):                       row(401, 201, 422, 201, 403, 403, 422),
    ("PUT", "/api/reports/{report}"):               row(401, 200, 404, 200, 403, 403, 404),
    ("PUT", "/api/reports/{other_report}"):         NOBODY,
    ("POST", "/api/reports/{report}/submit"):       row(401, 200, 404, 200, 403, 403, 404),
    ("POST", "/api/reports/{report}/approve"):      row(401, 403, 404, 200, 403, 403, 404),
    ("POST", "/api/reports/{report}/return"):       row(401, 403, 404, 200, 200, 403, 404),  # submitted: its approver or the coordinator
    ("POST", "/api/reports/{report}/accept"):       row(401, 403, 404, 403, 200, 403, 404),
    ("POST", "/api/reports/{other_report}/accept"): NOBODY,
    ("POST", "/api/reports/{report}/correct"):      row(401, 201, 404, 201, 403, 403, 404),  # the unit's reporters, as for saving
    ("GET", "/api/warnings"):                       row(401, 200, EMPTY, 200, 200, 200, EMPTY),  # one warning, on 县卫生健康局
    ("GET", "/api/warnings?plan={other_plan}"):     NONE_SHOWN,
}

# the state {report} is brought to before the call (in order), and the body sent
STATES = ["none", "draft", "filled", "submitted", "approved", "accepted"]
WRITES = {
    ("POST", "/api/orgs"): ("draft", lambda s: {"parent_id": s["health"].pk, "name": "县妇幼保健院",
                                                "kind": "hospital"}),
    ("POST", "/api/reports"): ("none", lambda s: {"period_id": s["period"].pk, "task_id": s["task"].pk,
                                                  "unit_id": s["health"].pk}),
    ("PUT", "/api/reports/{report}"): ("draft", lambda s: {"version": s["report"].version, "narrative": "改写"}),
    ("PUT", "/api/reports/{other_report}"): ("draft", lambda s: {"version": s["other_report"].version,
                                                                 "narrative": "改写"}),
    ("POST", "/api/reports/{report}/submit"): ("filled", None),
    ("POST", "/api/reports/{report}/approve"): ("submitted", None),
    ("POST", "/api/reports/{report}/return"): ("submitted", lambda s: {"comment": "请附托育机构名单"}),
    ("POST", "/api/reports/{report}/accept"): ("approved", None),
    ("POST", "/api/reports/{other_report}/accept"): ("draft", None),
    ("POST", "/api/reports/{report}/correct"): ("accepted", lambda s: {"reason": "统计口径更正"}),
}


@pytest.fixture
def scene(world):
    """The world with reporting set up for both plans (yearly periods, assignments from the
    plan), and 临淄区's 县卫生健康局 report on task (2) for 2024 opened; 桓台县's is opened by
    ``prepare``."""
    s = dict(world)
    for key, plan in (("", world["plan"]), ("other_", world["other_plan"])):
        services.create_periods(plan, "year")
        services.sync_assignments(plan)
        s[f"{key}period"] = Period.objects.get(plan=plan, kind="year", year=2024)
        s[f"{key}task"] = pm.Task.objects.get(plan=plan, number=2)  # lead: 县卫生健康局
    s["other_health"] = OrgUnit.objects.get(name="县卫生健康局", parent=world["other_county"])
    root = User.objects.create_superuser("root", password="x")
    s["other_report"] = workflow.open_report(s["other_task"], s["other_health"], s["other_period"], user=root)
    for key in ("", "other_"):  # an overdue warning on each 县卫生健康局
        unit = s["health"] if not key else s["other_health"]
        Warning.objects.create(plan=s[f"{key}plan"], kind="overdue", severity="high", org_unit=unit,
                               task=s[f"{key}task"], period=s[f"{key}period"], key=f"overdue-{unit.pk}",
                               message="2024年报告逾期未报", clear_by="报送报告")
    return s


def prepare(s, state):
    """Bring 县卫生健康局's report to ``state`` through the workflow, as its people would."""
    reached = STATES.index(state)
    if reached < STATES.index("draft"):
        return
    reporter = s["health_reporter"]
    report = workflow.open_report(s["task"], s["health"], s["period"], user=reporter)
    if reached >= STATES.index("filled"):
        report = workflow.save_report(report, user=reporter, version=report.version, narrative="新建托育机构两家。",
                                      values={s["task"].targets.get().pk: "3.2"})
    steps = [("submitted", workflow.submit, reporter), ("approved", workflow.approve, s["health_approver"]),
             ("accepted", workflow.accept, s["coordinator"])]
    for name, step, who in steps:
        if reached >= STATES.index(name):
            report = step(report, user=fresh(who))
    s["report"] = report


def fresh(user):
    return User.objects.get(pk=user.pk)  # a new request: scope worked out again


def fill(template: str, s) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(s[m.group(1)].pk), template)


def snapshot():
    """What a write would change."""
    return (list(OrgUnit.objects.order_by("pk").values_list("pk", "name", "parent_id")),
            list(Report.objects.order_by("pk").values_list("pk", "status", "version", "revision", "narrative")),
            list(ReportValue.objects.order_by("pk").values_list("pk", "value")),
            ReportEvent.objects.count(), AuditEntry.objects.count())


def bearer(user) -> dict:
    _, token = tokens.create_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(method, path, headers, body=None):
    if method == "GET":
        return Client().get(path, **headers)
    data = "" if body is None else json.dumps(body)
    return getattr(Client(), method.lower())(path, data, content_type="application/json", **headers)


CASES = [(route, persona) for route in ROUTES for persona in PERSONAS]


@pytest.mark.parametrize("route,persona", CASES, ids=[f"{m} {p}-{who}" for (m, p), who in CASES])
def test_api_matrix(scene, route, persona):
    method, template = route
    want = ROUTES[route][persona]
    state, body = WRITES.get(route, ("draft", None))
    prepare(scene, state)
    headers = {} if persona == "anonymous" else bearer(scene[USERS.get(persona, persona)])
    before = snapshot()
    r = call(method, fill(template, scene), headers, body(scene) if body else None)
    status = 200 if want == EMPTY else want
    assert r.status_code == status, r.content.decode()
    text = r.content.decode()
    assert "临淄区" not in text
    if template == "/api/docs":  # an HTML page
        return
    answer = r.json()
    if status >= 400:
        assert set(answer) <= {"detail", "errors"}, answer  # the refusal, never the data
    elif "count" in answer:  # a page
        assert bool(answer["items"]) is (want != EMPTY), answer
        assert answer["count"] == len(answer["items"])  # nothing counted that is not shown
    changed = snapshot() != before
    assert changed is (method != "GET" and status < 300)


def _operation(method: str, path: str) -> tuple[str, str]:
    """("GET", "/api/reports/{report}?x=1") and ("get", "/api/reports/{report_id}") alike."""
    return method.upper(), re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path.split("?")[0])


def test_every_api_operation_has_a_row():
    from cfcity.api import api
    doc = json.loads(Client().get("/api/openapi.json").content)
    operations = {_operation(method, path) for path, ops in doc["paths"].items() for method in ops}
    rows = {_operation(method, path) for method, path in ROUTES}
    assert rows == operations | {_operation(*r) for r, who in ROUTES.items() if who is PUBLIC}, \
        "a new API operation needs a row in ROUTES (and, for a write, in WRITES)"
    # every address the API serves, operations left out of the OpenAPI document included
    served = {_operation("", f"/api/{p.pattern}")[1] for p in api.urls[0] if str(p.pattern)}
    assert served == {path for _, path in rows}
    # every write has its state and body; every row names every persona
    assert {r for r in ROUTES if r[0] != "GET"} == set(WRITES)
    assert all(set(statuses) == set(PERSONAS) for statuses in ROUTES.values())


def test_opening_a_report_does_not_reveal_another_countys_task(scene):
    """A task of a plan the caller does not work under reads exactly like a task that does not
    exist (it used to answer "not in this period's plan", which told that the id exists)."""
    body = {"period_id": scene["period"].pk, "unit_id": scene["health"].pk}
    auth = bearer(scene["health_reporter"])
    answers = [call("POST", "/api/reports", auth, {**body, "task_id": task_id})
               for task_id in (scene["other_task"].pk, 999999)]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json() == {
        "detail": "提交的数据有误", "errors": [{"field": "task_id", "message": "没有找到，或您无权查看"}]}
    assert not Report.objects.filter(task=scene["other_task"], org_unit=scene["health"]).exists()
