"""SQL injection, path traversal and junk in every address: every page route of the URL
resolver (tests/test_permission_coverage.py walks it), with every query parameter the views
read (found in the source: request.GET.get("…") and friends, plus the audit search's fields)
set to each hostile string, and each numeric path segment replaced by one. No answer is a
server error, no answer shows another unit's or another area's data, and no download serves a
file from outside the storage.

Two secrets are planted: 县卫生健康局's report narrative (县教育体育局's reporter must never
see it) and a report of 临淄区, the other area (桓台县's coordinator must never see it).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Period
from tests.test_permission_coverage import page_routes
from tests.test_permissions_pages import PDF, client_for, opened  # noqa: F401  (the fixture)
from tests.test_reporting import county  # noqa: F401  (the fixture)
from tests.welfare.test_pages import desk  # noqa: F401  (the fixture)

from .fuzzing import HOSTILE

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "cfcity"
HEALTH_SECRET = "卫健局内部进展甲乙丙"
OTHER_AREA_SECRET = "临淄区内部进展丁戊己"
SHORT = ["' OR 1=1 --", "../../etc/passwd", "%2e%2e%2f", "a\x00b", "²", "99999999999999999999", "-1", "x" * 5000]


def query_names() -> list[str]:
    """Every query parameter a view reads, from the source, and the audit search's fields."""
    names = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text("utf-8")
        names |= set(re.findall(r"GET(?:\.get|\.getlist)?[\(\[]\s*[\"'](\w+)[\"']", text))
        names |= set(re.findall(r"GET\.get\(\s*(\w+)\s*[,)]", text)) - {"k", "key", "name", "field"}
    names |= {"q", "page", "action", "actor", "object_type", "object_id", "unit", "start", "end", "year",
              "period", "plan", "town", "village", "category", "status", "area", "next", "format", "kind"}
    return sorted(names)


def test_the_parameter_list_is_found_in_the_source():
    names = query_names()
    assert {"period", "year", "unit"} <= set(names)


IDS = {"pk": "plan", "plan_id": "plan", "period_id": "period", "task_id": "task", "unit_id": "health",
       "evidence_id": "evidence", "job_id": "job"}


def fill(route: str, world: dict, segment: str | None = None) -> str:
    """A route's address with its ids from the county (``segment`` instead of every id if
    given, quoted as a browser would)."""
    def one(m):
        if segment is not None:
            return quote(segment, safe="")
        obj = world.get(IDS.get(m.group(2), ""))
        return str(obj.pk) if obj is not None else "1"
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


@pytest.fixture
def secrets(opened):
    """The two secrets, a coordinator of the other area with the report holding the second."""
    c = opened
    report = workflow.open_report(c["task"], c["health"], c["period"], user=c["reporter"])
    workflow.save_report(report, user=c["reporter"], version=report.version, narrative=HEALTH_SECRET)
    other = c["other_plan"]
    services.create_periods(other, "year")
    services.sync_assignments(other)
    task = pm.Task.objects.get(plan=other, number=2)
    unit = OrgUnit.objects.get(name="县卫生健康局", parent=other.area)
    user = User.objects.create_user("lz_wjj", password="x")
    Membership.objects.create(user=user, org_unit=unit, role=Role.DEPT_REPORTER)
    period = Period.objects.get(plan=other, kind="year", year=2024)
    theirs = workflow.open_report(task, unit, period, user=user)
    workflow.save_report(theirs, user=user, version=theirs.version, narrative=OTHER_AREA_SECRET)
    c["other_evidence"] = workflow.add_evidence(theirs, user=user, name="临淄区材料.pdf", data=PDF)
    return c


def check(r, *secrets_):
    assert r.status_code < 500, r.status_code
    body = b"".join(r.streaming_content) if r.streaming else r.content
    text = body.decode("utf-8", "replace")
    for s in secrets_:
        assert s not in text, f"{s} shown"
    assert "root:x:0:0" not in text  # /etc/passwd never served
    r.body = body
    return r


@pytest.mark.parametrize("persona,secret,values", [
    ("coordinator", OTHER_AREA_SECRET, HOSTILE),
    ("edu_reporter", HEALTH_SECRET, SHORT),
    ("anonymous", HEALTH_SECRET, SHORT),
])
def test_hostile_query_parameters_on_every_page(secrets, persona, secret, values):
    client = client_for(secrets, persona)
    names = query_names()
    for i, route in enumerate(sorted(page_routes())):
        if route.startswith("accounts/logout"):
            continue  # would end the session the rest of the loop needs
        base = fill(route, secrets)
        # every route gets a rotating slice of the list (each value still reaches dozens of the
        # ~250 routes), instead of every value on every route: the same reach at a fraction of the cost
        step = 8
        for value in (values if len(values) <= step else
                      [values[(i * step + k) % len(values)] for k in range(step)]):
            check(client.get(base + "?" + urlencode({n: value for n in names})), secret, OTHER_AREA_SECRET)
        # a raw query string too: unencoded quotes, traversal, a NUL as %00
        check(client.get(base + "?" + "&".join(f"{n}=%27%20OR%201=1--%00../../etc/passwd" for n in names)),
              secret, OTHER_AREA_SECRET)


def test_hostile_path_segments_on_every_page(secrets):
    """Each numeric segment replaced: text never reaches a view (the int converter), a number
    too big for the database is a 404, never an error page."""
    client = client_for(secrets, "coordinator")
    for route in sorted(r for r in page_routes() if "<" in r):
        for value in ["' OR 1=1 --", "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "1%00", "-1", "1.5", "0",
                      "99999999999999999999", "9223372036854775808", "2147483648"]:
            r = check(client.get(fill(route, secrets, value)), OTHER_AREA_SECRET)
            assert r.status_code in (302, 403, 404, 405), (route, value, r.status_code)


def test_another_units_ids_in_downloads_are_refused(secrets):
    """The downloads take an id, never a path: another area's evidence and job are 404 for
    this area's coordinator, and the file served for an id is the stored one."""
    c = secrets
    coordinator = client_for(c, "coordinator")
    assert check(coordinator.get(f"/evidence/{c['other_evidence'].pk}/")).status_code == 404
    assert check(coordinator.get(f"/monitoring/reports/jobs/{c['other_job'].pk}/download")).status_code == 404
    r = check(coordinator.get(f"/evidence/{c['evidence'].pk}/"))
    assert r.status_code == 200 and r.body == PDF


def test_a_traversal_file_name_stays_in_storage(secrets, tmp_path):
    """An evidence file named ../../../etc/passwd is stored under the storage root with a name
    of our own making, and comes back as what was uploaded, under a harmless name."""
    c = secrets
    report = workflow.open_report(c["task"], c["health"], c["period"], user=c["reporter"])
    for name in ("../../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "a\x00.pdf", "%2e%2e%2fx.pdf"):
        ev = workflow.add_evidence(report, user=c["reporter"], name=name, data=PDF)
        stored = Path(ev.file.path).resolve()
        assert stored.is_relative_to(tmp_path.resolve()) and stored.read_bytes() == PDF
        assert "/" not in ev.original_name and "\x00" not in ev.original_name
        r = check(client_for(c, "reporter").get(f"/evidence/{ev.pk}/"))
        assert r.status_code == 200 and r.body == PDF
        assert r["Content-Disposition"].startswith("attachment;") and "/" not in r["Content-Disposition"]


def test_job_files_outside_storage_are_never_served(secrets):
    """Even a job row pointing at ../../etc/passwd (a tampered database) is refused by the
    storage, not served."""
    from django.core.exceptions import SuspiciousFileOperation

    from cfcity.monitoring.models import Job
    job = secrets["job"]
    Job.objects.filter(pk=job.pk).update(file="../../../../../../etc/passwd")
    coordinator = client_for(secrets, "coordinator")
    try:
        r = coordinator.get(f"/monitoring/reports/jobs/{job.pk}/download")
    except SuspiciousFileOperation:
        return  # Django refuses the path outright (a 400 in production)
    check(r)
    assert r.status_code in (400, 404)


def test_a_nul_anywhere_is_refused_at_the_door(secrets):
    """PostgreSQL cannot hold a NUL: in an address, a query, a form or a JSON body it is a
    400 in Chinese (the API's 422), before any view or query runs."""
    from cfcity.accounts import tokens
    c = secrets
    coordinator = client_for(c, "coordinator")
    for r in (coordinator.get("/audit/?q=a%00b"), coordinator.get("/status/?period=1%00"),
              client_for(c, "reporter").post(f"/reports/{c['period'].pk}/{c['task'].pk}/{c['health'].pk}/",
                                             {"narrative": "进展\x00", "action": "save", "version": "1"})):
        assert r.status_code == 400 and "空字符" in r.content.decode()
    report = c["evidence"].report
    report.refresh_from_db()
    assert report.narrative == HEALTH_SECRET  # the form with a NUL saved nothing
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(c['reporter'])[1]}"}
    r = client_for(c, "anonymous").put(f"/api/reports/{report.pk}", '{"version": 1, "narrative": "x\\u0000"}',
                                       content_type="application/json", **auth)
    assert r.status_code == 422 and "空字符" in r.json()["errors"][0]["message"]
    assert client_for(c, "anonymous").get("/api/plans?limit=1%00", **auth).status_code == 422


def test_huge_numbers_in_api_queries_are_a_422_not_a_server_error(world):
    """Found by schemathesis on PostgreSQL: ?offset= beyond a bigint was a 500; by this test on
    SQLite: ?plan=, ?parent= … beyond a bigint too."""
    from django.test import Client

    from cfcity.accounts import tokens
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(world['coordinator'])[1]}"}
    for q in ("offset=12399918632504127389696", "offset=9223372036854775808", "limit=99999999999999999999",
              "plan=99999999999999999999", "offset=-1", "offset=1e3", "offset=%27%20OR%201=1--"):
        r = Client().get(f"/api/reports?{q}", **auth)
        assert r.status_code in (200, 422), (q, r.status_code)
        if r.status_code == 422:
            assert r.json()["errors"][0]["message"]
    # ids past the database's integers (SQLite: OverflowError) in every id parameter
    for path in ("/api/periods?plan=", "/api/orgs?parent=", "/api/warnings?plan=", "/api/owed?period=",
                 "/api/reports?unit=", "/api/reports?period=", "/api/owed?period=1&unit="):
        r = Client().get(path + "99999999999999999999", **auth)
        assert r.status_code == 422 and r.json()["errors"], path


def test_hostile_query_parameters_on_the_welfare_register(desk):
    """The register of children in difficulty, as the county's welfare officer and as another
    town's supervisor: no server error, and the other town's supervisor never sees the child."""
    from tests.welfare.test_pages import NAME, NUMBER, signed_in
    names = query_names()
    ids = {"plan": desk["plan"], "health": desk["health"]}
    for who, secrets_ in (("welfare_officer", ()), ("other_supervisor", (NAME, NUMBER))):
        client = signed_in(desk[who])
        for i, route in enumerate(sorted(r for r in page_routes() if r.startswith("welfare/"))):
            base = fill(route, {**ids, "plan": desk["child"]} if "<int:pk>" in route else ids)
            for value in [HOSTILE[(i * 12 + k) % len(HOSTILE)] for k in range(12)]:  # a rotating slice
                check(client.get(base + "?" + urlencode({n: value for n in names})), *secrets_)
