"""The JSON API (/api/): token authentication, scoping through the access layer, paging,
validation errors in Chinese, the OpenAPI document, the docs page without CDN, and the
``cfcity token`` command."""
import datetime
import hashlib
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from cfcity.accounts import tokens
from cfcity.accounts.models import ApiToken, Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db
# ``world`` (tests/conftest.py): 淄博市 with 桓台县 and 临淄区, a plan for each, a user per role


def bearer(user, **kw) -> dict:
    _, token = tokens.create_token(user, **kw)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(path, auth=None, **params):
    return Client().get(path, params, **(auth or {}))


def post(path, data, auth=None):
    body = data if isinstance(data, str) else json.dumps(data)
    return Client().post(path, body, content_type="application/json", **(auth or {}))


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["items"]}


def subtree(unit) -> set[int]:
    from cfcity.orgs.tree import descendant_ids
    return descendant_ids([unit.pk])


# --- authentication -------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [("get", "/api/plans"), ("get", "/api/plans/1"),
                                         ("get", "/api/orgs"), ("get", "/api/orgs/1"),
                                         ("post", "/api/orgs")])
def test_no_credentials_is_401_in_chinese(method, path):
    r = getattr(Client(), method)(path)
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/json")
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in r.json()["detail"]
    assert "需要身份认证" in r.content.decode()  # UTF-8, not \u escapes


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic Zm9vOmJhcg==", "Token abc"])
def test_bad_token_is_401(world, header):
    r = Client().get("/api/orgs", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401
    assert "无效" in r.json()["detail"]


def test_revoked_expired_and_deactivated_tokens_are_401(world):
    user = world["coordinator"]
    auth = bearer(user)
    assert get("/api/orgs", auth).status_code == 200
    tokens.revoke_token(user, ApiToken.objects.get(user=user).prefix)
    assert get("/api/orgs", auth).status_code == 401

    auth = bearer(user)
    ApiToken.objects.filter(user=user, revoked_at=None).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert get("/api/orgs", auth).status_code == 401

    auth = bearer(user, expires_at=timezone.now() + datetime.timedelta(days=1))
    assert get("/api/orgs", auth).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert get("/api/orgs", auth).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(world):
    c = Client()
    c.force_login(world["coordinator"])
    assert c.get("/api/orgs").status_code == 200
    assert c.get("/api/orgs", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_last_used_at_is_recorded(world):
    user = world["coordinator"]
    auth = bearer(user)
    row = ApiToken.objects.get(user=user)
    assert row.last_used_at is None
    get("/api/plans", auth)
    row.refresh_from_db()
    assert row.last_used_at is not None and timezone.now() - row.last_used_at < datetime.timedelta(minutes=1)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=long_ago)
    get("/api/orgs", auth)
    row.refresh_from_db()
    assert row.last_used_at > long_ago


# --- scoping --------------------------------------------------------------------------------

def test_department_reporter_sees_only_its_own_subtree(world):
    auth = bearer(world["edu_reporter"])
    r = get("/api/orgs", auth)
    assert r.status_code == 200
    assert ids(r) == {world["edu"].pk, world["school"].pk}
    assert r.json()["count"] == 2
    school = next(row for row in r.json()["items"] if row["id"] == world["school"].pk)
    assert school["path"] == "淄博市 / 桓台县 / 县教育体育局 / 实验小学"
    assert school["parent_id"] == world["edu"].pk and school["kind"] == "school"

    assert get(f"/api/orgs/{world['school'].pk}", auth).status_code == 200
    # another department, the county above, another county, a unit that does not exist:
    # all the same 404, nothing revealed
    answers = [get(f"/api/orgs/{world[k].pk}", auth) for k in ("health", "county", "other_edu")]
    answers.append(get("/api/orgs/999999", auth))
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["detail"] == "没有找到，或您无权查看"


def test_department_reporter_gets_404_for_another_countys_plan(world):
    auth = bearer(world["edu_reporter"])
    r = get(f"/api/plans/{world['other_plan'].pk}", auth)
    assert r.status_code == 404
    assert "临淄区" not in r.content.decode()
    # the plan of its own county it works under (access.visible_plans, as the pages)
    assert [p["id"] for p in get("/api/plans", auth).json()["items"]] == [world["plan"].pk]
    assert get(f"/api/plans/{world['plan'].pk}", auth).status_code == 200
    assert get("/api/plans/999999", auth).content == r.content


def test_a_city_coordinator_sees_every_county_and_its_plans(world):
    user = User.objects.create_user("city", password="x")
    Membership.objects.create(user=user, org_unit=world["city"], role=Role.COORDINATOR)
    auth = bearer(user)
    assert {p["id"] for p in get("/api/plans", auth).json()["items"]} == {
        world["plan"].pk, world["other_plan"].pk}
    assert ids(get("/api/orgs", auth, limit=200)) == subtree(world["city"])


def test_coordinator_sees_the_county_and_nothing_else(world):
    auth = bearer(world["coordinator"])
    r = get("/api/orgs", auth, limit=200)
    assert ids(r) == subtree(world["county"])
    assert world["city"].pk not in ids(r) and world["other_edu"].pk not in ids(r)
    assert r.json()["count"] == len(subtree(world["county"]))

    plans = get("/api/plans", auth).json()
    assert [p["id"] for p in plans["items"]] == [world["plan"].pk]
    summary = plans["items"][0]
    assert summary["area"] == {"id": world["county"].pk, "name": "桓台县"}
    assert (summary["tasks"], summary["targets"]) == (3, 6)
    assert summary["period"] == {"start": 2023, "end": 2025}
    assert get(f"/api/plans/{world['other_plan'].pk}", auth).status_code == 404


def test_plan_detail_has_the_whole_structure(world):
    r = get(f"/api/plans/{world['plan'].pk}", bearer(world["coordinator"]))
    assert r.status_code == 200
    plan = r.json()
    assert plan["doc_number"] == "桓政办字〔2022〕33号" and plan["date"] == "2023-03-08"
    assert [d["title"] for d in plan["domains"]] == ["社会政策友好", "公共服务友好"]
    task = plan["domains"][1]["actions"][0]["tasks"][0]
    assert task["title"] == "发展普惠托育"
    health = world["health"]
    assert task["lead_departments"] == [{"id": health.pk, "name": "县卫生健康局"}]
    assert [d["name"] for d in task["cooperating_departments"]] == ["县发展改革局", "县妇儿工委办公室"]
    target = task["targets"][0]
    assert target["indicator"] == "每千人口3岁以下婴幼儿托位数"
    assert (target["comparator"], target["value"], target["unit"], target["year"]) == (">=", 4.5, "个", 2025)
    assert target["baseline"] == {"value": 2.1, "year": 2022}
    between = plan["domains"][1]["actions"][0]["tasks"][1]["targets"][0]
    assert (between["value"], between["value_max"]) == (3, 5)
    assert plan["targets"][0]["indicator"] == "儿童医疗保健服务机构覆盖率"
    assert [s["title"] for s in plan["sections"]] == ["印发通知", "总体要求", "保障措施"]
    # the departments are the org units the API lists
    dept = get(f"/api/orgs/{task['cooperating_departments'][0]['id']}", bearer(world["coordinator"]))
    assert dept.json()["path"] == "淄博市 / 桓台县 / 县发展改革局"


def test_plan_detail_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    auth = bearer(world["coordinator"])
    get("/api/plans", auth)  # last_used_at written once
    with django_assert_max_num_queries(15):
        assert get(f"/api/plans/{world['plan'].pk}", auth).status_code == 200


def test_lists_are_paged_with_a_maximum(world):
    auth = bearer(world["coordinator"])
    everything = get("/api/orgs", auth, limit=200).json()
    first = get("/api/orgs", auth, limit=2).json()
    second = get("/api/orgs", auth, limit=2, offset=2).json()
    assert (first["count"], first["limit"], first["offset"]) == (everything["count"], 2, 0)
    assert [r["id"] for r in first["items"] + second["items"]] == [r["id"] for r in everything["items"][:4]]
    r = get("/api/orgs", auth, limit=500)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "limit", "message": "不能大于 200"}]
    assert get("/api/plans", auth, offset=-1).json()["errors"][0]["field"] == "offset"
    kids = get("/api/orgs", auth, parent=world["town"].pk).json()
    assert [r["name"] for r in kids["items"]] == ["东村"]
    towns = get("/api/orgs", auth, kind="town").json()
    assert [r["name"] for r in towns["items"]] == ["果里镇", "索镇"]


def test_unknown_api_address_is_a_json_404(world):
    r = get("/api/nothing-here", bearer(world["coordinator"]))
    assert r.status_code == 404 and "API" in r.json()["detail"]
    assert get("/api/orgs/abc").status_code == 404


# --- writing ------------------------------------------------------------------------------

def test_coordinator_adds_a_unit_and_it_is_audited(world):
    user = world["coordinator"]
    r = post("/api/orgs", {"parent_id": world["town"].pk, "name": "西村", "kind": "village"}, bearer(user))
    assert r.status_code == 201, r.content
    body = r.json()
    unit = OrgUnit.objects.get(pk=body["id"])
    assert (unit.parent, unit.name, unit.kind) == (world["town"], "西村", "village")
    assert body["path"] == "淄博市 / 桓台县 / 果里镇 / 西村"
    entry = AuditEntry.objects.get(action="orgs.unit.created")
    assert (entry.actor, entry.object_id, entry.org_unit) == (user, str(unit.pk), unit)
    # the system admin may too
    r = post("/api/orgs", {"parent_id": world["county"].pk, "name": "县图书馆", "kind": "other"},
             bearer(world["admin"]))
    assert r.status_code == 201


def test_who_may_add_units(world):
    payload = {"parent_id": world["edu"].pk, "name": "第二实验小学", "kind": "school"}
    for role in ("edu_reporter", "leader"):
        r = post("/api/orgs", payload, bearer(world[role]))
        assert r.status_code == 403 and "协调员" in r.json()["detail"]
    # a parent outside the scope reads like one that does not exist
    r = post("/api/orgs", {**payload, "parent_id": world["health"].pk}, bearer(world["edu_reporter"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parent_id"
    r = post("/api/orgs", {**payload, "parent_id": world["other_edu"].pk}, bearer(world["coordinator"]))
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "parent_id", "message": "没有找到，或您无权查看"}]
    assert not OrgUnit.objects.filter(name="第二实验小学").exists()
    assert not AuditEntry.objects.filter(action="orgs.unit.created").exists()


@pytest.mark.parametrize("payload,field,message", [
    ({"kind": "village"}, "name", "必填"),
    ({"name": "", "kind": "village"}, "name", "不能为空"),
    ({"name": "西村", "kind": "castle"}, "kind", "应为以下之一"),
    ({"name": "西村"}, "kind", "必填"),
    ({"name": "东村", "kind": "village"}, "name", "已有名为“东村”的单位"),
    ({"name": "县第一中学", "kind": "village", "parent": "edu"}, "parent_id", "村（社区）不能放在部门下面"),
    ({"name": "x" * 201, "kind": "village"}, "name", "过长（最多 200 个字）"),
    ({"name": "西村", "kind": "village", "order": "first"}, "order", "应为整数"),
])
def test_validation_errors_are_422_in_chinese(world, payload, field, message):
    data = {"parent_id": world[payload.pop("parent", "town")].pk, **payload}
    r = post("/api/orgs", data, bearer(world["coordinator"]))
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"] == "提交的数据有误"
    assert any(e["field"] == field and message in e["message"] for e in body["errors"]), body


def test_malformed_json_is_400_in_chinese(world):
    r = post("/api/orgs", "{not json", bearer(world["coordinator"]))
    assert r.status_code == 400 and "不是有效的 JSON" in r.json()["detail"]
    r = post("/api/orgs", "[1, 2]", bearer(world["coordinator"]))
    assert r.status_code == 422


def test_browser_session_reads_and_writes_with_csrf(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world["coordinator"])
    assert c.get("/api/orgs").status_code == 200
    payload = json.dumps({"parent_id": world["town"].pk, "name": "南村", "kind": "village"})
    r = c.post("/api/orgs", payload, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    c.get("/accounts/login/")  # a page that sets the CSRF cookie
    token = c.cookies["csrftoken"].value
    r = c.post("/api/orgs", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content
    # a token call needs no CSRF token
    r = Client(enforce_csrf_checks=True).post(
        "/api/orgs", json.dumps({"parent_id": world["town"].pk, "name": "北村", "kind": "village"}),
        content_type="application/json", **bearer(world["coordinator"]))
    assert r.status_code == 201


# --- OpenAPI and docs -----------------------------------------------------------------------

def test_openapi_document_is_valid_and_names_the_bearer_scheme():
    r = Client().get("/api/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.content)
    from openapi_spec_validator import validate
    validate(doc)
    assert {"/api/plans", "/api/plans/{plan_id}", "/api/orgs", "/api/orgs/{unit_id}"} <= set(doc["paths"])
    assert "post" in doc["paths"]["/api/orgs"]
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()
    for path in doc["paths"].values():
        for operation in path.values():
            assert {"BearerToken": []} in operation["security"]


def test_docs_page_uses_no_cdn():
    r = Client().get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html
    js = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert js.status_code == 200


# --- the token command ----------------------------------------------------------------------

def run(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_token_command_prints_a_working_token_and_stores_only_its_hash(world):
    out = run("fgw", "--name", "市级平台对接")
    token = re.search(r"Authorization: Bearer (\S+)", out).group(1)
    assert len(token) >= 40
    row = ApiToken.objects.get(user=world["coordinator"])
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.name, row.prefix) == ("市级平台对接", token[:8])
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert token not in stored
    assert token not in json.dumps(list(AuditEntry.objects.values()), default=str)
    entry = AuditEntry.objects.get(action="accounts.token.created")
    assert entry.data["user"] == "fgw" and entry.data["prefix"] == row.prefix

    assert get("/api/orgs", {"HTTP_AUTHORIZATION": f"Bearer {token}"}).status_code == 200
    listing = run("fgw", "--list")
    assert row.prefix in listing and token not in listing and "有效" in listing

    assert "已撤销" in run("fgw", "--revoke", row.prefix)
    assert get("/api/orgs", {"HTTP_AUTHORIZATION": f"Bearer {token}"}).status_code == 401
    assert AuditEntry.objects.filter(action="accounts.token.revoked").count() == 1
    assert "已撤销" in run("fgw", "--list")


def test_token_command_errors_are_plain_chinese(world):
    with pytest.raises(CommandError, match="没有用户“nobody”"):
        run("nobody")
    with pytest.raises(CommandError, match="没有前缀为“zzzzzzzz”的有效令牌"):
        run("fgw", "--revoke", "zzzzzzzz")
    with pytest.raises(CommandError, match="正整数"):
        run("fgw", "--expires-days", "0")
    out = run("fgw", "--expires-days", "30")
    assert "有效期至" in out
    assert ApiToken.objects.get(user=world["coordinator"]).expires_at > timezone.now()


def test_a_token_never_starts_with_a_dash(world, monkeypatch):
    """One token in 64 would: its prefix then reads as an option after `--revoke`."""
    from cfcity.accounts import tokens as token_module
    drawn = iter(["-" + "a" * 42, "b" * 43])
    monkeypatch.setattr(token_module.secrets, "token_urlsafe", lambda n: next(drawn))
    token = token_module.create_token(world["coordinator"], name="测试")[1]
    assert token == "b" * 43
    assert "已撤销" in run("fgw", "--revoke", token[:8])
