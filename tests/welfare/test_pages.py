"""The register's pages through real HTTP (Django's test client): registering through the form,
what the masked pages never show, the full view only by POST with a reason, the sensitive tier,
the counts page, the small forms, the roster, exports and alerts."""
import datetime
import io
import re

import pyzipper
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role, needs_second_factor
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.welfare import idcard, services
from cfcity.welfare.models import Alert, Child, DeletionRequest, ExportRequest, Support, Visit, Worker

pytestmark = pytest.mark.django_db
BORN = datetime.date(2015, 3, 8)
NAME, NUMBER = "张小明", idcard.make("370321", BORN, 123)
GUARDIAN, PHONE = "张大山", "13812345678"


def person(w, name, unit, role):
    u = User.objects.create_user(name, password="x")
    Membership.objects.create(user=u, org_unit=w[unit], role=role)
    return User.objects.get(pk=u.pk)


@pytest.fixture
def desk(world):
    """桓台县 (``world``) with 县民政局 and two welfare officers, 果里镇's supervisor, 东村's
    director, 索镇 (with 北村) and its supervisor, a superuser without a unit, and one child in
    东村 registered by the first officer."""
    w = dict(world)
    w["civil"] = OrgUnit.objects.get_or_create(name="县民政局", parent=w["county"],  # the plan's lead unit
                                               defaults={"kind": OrgUnit.Kind.DEPARTMENT})[0]
    w["village3"] = OrgUnit.objects.create(name="北村", kind=OrgUnit.Kind.VILLAGE, parent=w["town2"])
    w["welfare_officer"] = person(w, "mzj_tz", "civil", Role.WELFARE_OFFICER)
    w["officer2"] = person(w, "mzj_tz2", "civil", Role.WELFARE_OFFICER)
    w["supervisor"] = person(w, "glz_dd", "town", Role.WELFARE_SUPERVISOR)
    w["other_supervisor"] = person(w, "sz_dd", "town2", Role.WELFARE_SUPERVISOR)
    w["director"] = person(w, "dc_zr", "village", Role.CHILD_DIRECTOR)
    w["superuser"] = User.objects.create_superuser("root", password="x")
    w["child"] = services.register_child(w["welfare_officer"], services.ChildInput(
        name=NAME, id_number=NUMBER, town=w["town"], village=w["village"], categories=["orphan", "left_behind"],
        guardian_name=GUARDIAN, guardian_phone=PHONE, guardian_relation="祖父", address="果里镇东村幸福路八号",
        guardian_consent=True, consent_statistics=True, notice_version="2024-1", child_assent=True,
        health_details="听力二级残疾", cp_indicated=True))
    return w


def signed_in(user) -> Client:
    """A client signed in as ``user``; for the roles that need a second factor, with a session
    that has passed it (as django_otp.login leaves it)."""
    c = Client()
    if user is None:
        return c
    c.force_login(user)
    if needs_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="测试", defaults={"confirmed": True})
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return c


def form_data(w, **kw):
    data = {"name": "李小红", "id_number": idcard.make("370321", datetime.date(2016, 5, 4), 42),
            "town": w["town"].pk, "village": w["village"].pk, "categories": ["left_behind"],
            "guardian_name": "李大伟", "guardian_relation": "父亲", "guardian_phone": "13900001111",
            "address": "果里镇东村", "guardian_consent": "on", "consent_statistics": "on", "child_assent": "yes",
            "notice_version": "2024-1", "consent_date": "2024-05-01"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def text(r) -> str:
    return r.content.decode()


# --- registering --------------------------------------------------------------------------

def test_registering_through_the_form_stores_the_record_and_shows_it_masked(desk):
    c = signed_in(desk["supervisor"])
    assert c.get("/welfare/children/new/").status_code == 200
    r = c.post("/welfare/children/new/", form_data(desk))
    assert r.status_code == 302
    child = Child.objects.get(id_hash__in=services.keys.id_search_hashes(form_data(desk)["id_number"]))
    assert r["Location"] == f"/welfare/children/{child.pk}/"
    assert (child.name, child.sex, child.child_assent) == ("李小红", "F", True)
    page = text(c.get(r["Location"]))
    assert "李*红" in page and "李小红" not in page and form_data(desk)["id_number"] not in page


def test_a_wrong_check_digit_is_shown_next_to_the_field_and_nothing_is_saved(desk):
    c = signed_in(desk["welfare_officer"])
    good = form_data(desk)["id_number"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    before = (Child.objects.count(), AuditEntry.objects.count())
    r = c.post("/welfare/children/new/", form_data(desk, id_number=wrong, guardian_consent=None))
    assert r.status_code == 400
    page = text(r)
    assert "身份证号码校验位不正确" in page
    assert "须有监护人同意" in page  # every problem at once, each by its field
    errors = r.context["form"].errors
    assert "校验位" in errors["id_number"][0] and "guardian_consent" in errors
    assert (Child.objects.count(), AuditEntry.objects.count()) == before
    assert 'value="李小红"' in page  # what was typed stays in the form


def test_town_and_village_choices_are_limited_to_the_users_scope(desk):
    form = signed_in(desk["supervisor"]).get("/welfare/children/new/").context["form"]
    assert set(form.fields["town"].queryset) == {desk["town"]}
    assert desk["village3"] not in set(form.fields["village"].queryset)
    # a village of another town, posted anyway, is refused as an invalid choice
    r = signed_in(desk["supervisor"]).post("/welfare/children/new/", form_data(desk, village=desk["village3"].pk))
    assert r.status_code == 400 and "village" in r.context["form"].errors
    assert Child.objects.count() == 1


def test_the_sensitive_fields_are_only_in_the_forms_of_those_allowed(desk):
    assert "health_details" in signed_in(desk["supervisor"]).get("/welfare/children/new/").context["form"].fields
    director_form = signed_in(desk["director"]).get("/welfare/children/new/")
    assert "health_details" not in director_form.context["form"].fields
    assert "健康与残疾情况" not in text(director_form)


def test_editing_keeps_empty_identity_fields_and_refuses_a_stale_version(desk):
    c = signed_in(desk["supervisor"])
    child = desk["child"]
    page = c.get(f"/welfare/children/{child.pk}/edit/")
    assert page.status_code == 200
    assert NAME not in text(page) and NUMBER not in text(page) and GUARDIAN not in text(page)
    assert "张*明" in text(page)  # the placeholder says what is stored, masked
    post = form_data(desk, name="", id_number="", guardian_name="", guardian_phone="", address="",
                     categories=["orphan"], version=child.version, health_details="听力二级残疾")
    r = c.post(f"/welfare/children/{child.pk}/edit/", post)
    assert r.status_code == 302
    child.refresh_from_db()
    assert (child.name, child.id_number, child.guardian_name, child.guardian_phone) == (NAME, NUMBER, GUARDIAN, PHONE)
    assert list(child.categories.values_list("category", flat=True)) == ["orphan"]
    # the same (now stale) version again: refused, nothing changed
    stale = c.post(f"/welfare/children/{child.pk}/edit/", {**post, "categories": ["disabled"]})
    assert stale.status_code == 400 and "已被他人修改" in text(stale)
    assert list(child.categories.values_list("category", flat=True)) == ["orphan"]


# --- the masked list and the full view ---------------------------------------------------

def test_the_masked_list_never_holds_the_full_name_or_id_number(desk):
    services.register_child(desk["welfare_officer"], services.ChildInput(
        name="王芳芳", id_number=idcard.make("370321", datetime.date(2012, 1, 2), 8), town=desk["town2"],
        village=desk["village3"], categories=["disabled"], guardian_consent=True, notice_version="v1",
        child_assent=False))
    r = signed_in(desk["welfare_officer"]).get("/welfare/")
    page = text(r)
    assert r.status_code == 200 and r["Cache-Control"].count("no-store") == 1
    for secret in (NAME, NUMBER, GUARDIAN, PHONE, "王芳芳"):
        assert secret not in page
    assert "张*明" in page and NUMBER[:4] + "*" * 10 + NUMBER[-4:] in page and "王*芳" in page
    assert "孤儿、农村留守儿童" in page
    # the town supervisor sees only their town's children
    town_page = text(signed_in(desk["supervisor"]).get("/welfare/"))
    assert "张*明" in town_page and "王*芳" not in town_page


def test_list_filters_and_search_by_id_number(desk):
    c = signed_in(desk["welfare_officer"])
    assert "张*明" in text(c.get("/welfare/", {"town": desk["town"].pk, "category": "orphan"}))
    assert "张*明" not in text(c.get("/welfare/", {"town": desk["town2"].pk}))
    assert "张*明" not in text(c.get("/welfare/", {"status": "closed"}))
    found = c.post("/welfare/", {"q": NUMBER.lower()})  # typed with a lower-case x is fine too
    assert found.status_code == 200 and "找到 1 条" in text(found) and NUMBER not in text(found)
    assert "找到 0 条" in text(signed_in(desk["other_supervisor"]).post("/welfare/", {"q": NUMBER}))


def test_roles_without_records_are_sent_to_the_counts(desk):
    for who in ("coordinator", "leader", "health_reporter", "superuser"):
        r = signed_in(desk[who]).get("/welfare/")
        assert (r.status_code, r["Location"]) == (302, "/welfare/stats/"), who


def test_the_full_record_only_by_post_with_a_reason_and_it_is_audited(desk):
    c = signed_in(desk["director"])
    child = desk["child"]
    detail = text(c.get(f"/welfare/children/{child.pk}/"))
    assert "查看完整信息" in detail and NAME not in detail
    form = c.get(f"/welfare/children/{child.pk}/full/")
    assert form.status_code == 200 and NAME not in text(form) and NUMBER not in text(form)
    no_reason = c.post(f"/welfare/children/{child.pk}/full/", {"reason": "看"})
    assert no_reason.status_code == 400 and "至少 4 个字" in text(no_reason) and NAME not in text(no_reason)
    assert not AuditEntry.objects.filter(action="welfare.child.viewed_full").exists()
    r = c.post(f"/welfare/children/{child.pk}/full/", {"reason": "入户走访前核对监护人电话"})
    page = text(r)
    assert r.status_code == 200 and NAME in page and NUMBER in page and PHONE in page
    assert "no-store" in r["Cache-Control"]
    entry = AuditEntry.objects.get(action="welfare.child.viewed_full")
    assert entry.actor == desk["director"] and entry.data["reason"] == "入户走访前核对监护人电话"
    assert "听力二级残疾" not in page  # the director has no sensitive tier, in full view neither


def test_the_sensitive_tier_is_hidden_from_a_director_and_shown_to_the_supervisor(desk):
    url = f"/welfare/children/{desk['child'].pk}/"
    director = text(signed_in(desk["director"]).get(url))
    assert "听力二级残疾" not in director and "适应症脑瘫" not in director
    supervisor = text(signed_in(desk["supervisor"]).get(url))
    assert "听力二级残疾" in supervisor and "适应症脑瘫" in supervisor


# --- small forms on the detail page ------------------------------------------------------

def test_support_visit_close_and_deletion_from_the_detail_page(desk):
    c, child = signed_in(desk["supervisor"]), desk["child"]
    base = f"/welfare/children/{child.pk}"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    bad = c.post(f"{base}/supports/", {"kind": "benefit", "date": future, "amount": "600"})
    assert bad.status_code == 400 and "日期不能晚于今天" in text(bad) and not Support.objects.exists()
    assert c.post(f"{base}/supports/", {"kind": "benefit", "date": "2024-06-01", "amount": "600"}).status_code == 302
    assert c.post(f"{base}/visits/", {"date": "2024-06-02", "note": "家中整洁", "follow_up": "on"}).status_code == 302
    page = text(c.get(f"{base}/"))
    assert "基本生活保障金" in page and "家中整洁" in page
    assert Visit.objects.get().follow_up is True
    empty = c.post(f"{base}/deletion/", {"reason": ""})
    assert empty.status_code == 400 and "请填写删除理由" in text(empty)
    assert c.post(f"{base}/deletion/", {"reason": "监护人撤回同意"}).status_code == 302
    assert c.post(f"{base}/close/", {"reason": "迁出本县"}).status_code == 302
    child.refresh_from_db()
    assert child.status == Child.Status.CLOSED
    # the director may not close (403); another town's supervisor does not find the record (404)
    assert signed_in(desk["director"]).post(f"{base}/close/", {"reason": "x"}).status_code == 403
    assert signed_in(desk["other_supervisor"]).post(f"{base}/supports/", {}).status_code == 404
    assert c.get(f"{base}/close/").status_code == 405


def test_deletion_is_decided_by_another_officer(desk):
    req = services.request_deletion(desk["welfare_officer"], desk["child"], "监护人撤回同意")
    own = signed_in(desk["welfare_officer"])
    assert "本人提出的申请须由他人审批" in text(own.get("/welfare/deletions/"))
    assert own.post(f"/welfare/deletions/{req.pk}/decide/", {"decision": "approve"}).status_code == 403
    other = signed_in(desk["officer2"])
    assert "监护人撤回同意" in text(other.get("/welfare/deletions/"))
    r = other.post(f"/welfare/deletions/{req.pk}/decide/", {"decision": "approve", "note": "核实无误"})
    assert r.status_code == 302
    assert not Child.objects.exists()
    req.refresh_from_db()
    assert (req.status, req.decision_note) == (DeletionRequest.Status.DONE, "核实无误")


# --- counts ------------------------------------------------------------------------------

def test_the_counts_page_suppresses_small_cells(desk):
    r = signed_in(desk["leader"]).get("/welfare/stats/")
    page = text(r)
    assert r.status_code == 200 and "果里镇" in page and "索镇" in page
    assert "&lt;5" in page and "显示为“&lt;5”" in page  # the note explains it
    assert "张*明" not in page and NAME not in page
    cells = r.context["rows"]
    guoli = next(cells for town, cells, total in cells if town == desk["town"])
    assert guoli[0] == "<5" and "1" not in guoli  # one orphan: never shown as 1
    # a department reporter of the county sees the same counts
    assert signed_in(desk["health_reporter"]).get("/welfare/stats/").status_code == 200


def test_the_counts_download_is_suppressed_the_same_way(desk):
    import io

    from openpyxl import load_workbook
    r = signed_in(desk["leader"]).get("/welfare/stats/counts.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=3, values_only=True)}
    page = signed_in(desk["leader"]).get("/welfare/stats/").context["rows"]
    for town, cells, total in page:  # cell for cell what the page shows
        assert list(rows[town.name]) == [*cells, total]
    assert rows[desk["town"].name][0] == "<5"
    flat = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert NAME not in flat and "张*明" not in flat


# --- roster -----------------------------------------------------------------------------

def test_the_roster_marks_gaps_masks_phones_and_takes_appointments(desk):
    c = signed_in(desk["supervisor"])
    page = text(c.get("/welfare/roster/"))
    assert page.count("未配备") >= 2 and "任命儿童督导员" in page
    r = c.post("/welfare/roster/appoint/", {"kind": "director", "unit": desk["village"].pk, "name": "王主任",
                                            "phone": "13700001234", "appointed_on": "2024-01-01"})
    assert r.status_code == 302
    w = Worker.objects.get()
    page = text(c.get("/welfare/roster/"))
    assert "王主任" in page and "137****1234" in page and "13700001234" not in page
    assert c.post(f"/welfare/roster/workers/{w.pk}/training/", {"date": "2024-03-01", "title": "儿童主任能力培训",
                                                                 "hours": "8"}).status_code == 302
    assert "儿童主任能力培训" in text(c.get("/welfare/roster/"))
    # refused: a blank name (nothing saved), a leader appointing (403), another town (404)
    c.post("/welfare/roster/appoint/", {"kind": "supervisor", "unit": desk["town"].pk, "name": "",
                                        "appointed_on": "2024-01-01"})
    assert Worker.objects.count() == 1
    leader = signed_in(desk["leader"])
    assert "王主任" in text(leader.get("/welfare/roster/")) and "任命" not in text(leader.get("/welfare/roster/"))
    assert leader.post("/welfare/roster/appoint/", {"kind": "supervisor", "unit": desk["town"].pk, "name": "李",
                                                    "appointed_on": "2024-01-01"}).status_code == 403
    assert signed_in(desk["other_supervisor"]).post(f"/welfare/roster/workers/{w.pk}/end/",
                                                    {"on": "2024-12-31"}).status_code == 404
    assert c.post(f"/welfare/roster/workers/{w.pk}/end/", {"on": "2024-12-31"}).status_code == 302
    assert '<span class="who">王主任' not in text(c.get("/welfare/roster/"))


# --- exports and alerts -----------------------------------------------------------------

def test_export_requested_approved_and_downloaded_with_a_password(desk):
    officer, coordinator = signed_in(desk["welfare_officer"]), signed_in(desk["coordinator"])
    assert officer.post("/welfare/exports/new/", {"unit": desk["town"].pk, "reason": "年"}).status_code == 400
    assert officer.post("/welfare/exports/new/", {"unit": desk["town"].pk, "reason": "年度核查台账"}).status_code == 302
    req = ExportRequest.objects.get()
    assert officer.get(f"/welfare/exports/{req.pk}/download/").status_code == 405
    pending = officer.post(f"/welfare/exports/{req.pk}/download/", {"password1": "x" * 12, "password2": "x" * 12})
    assert pending.status_code == 403 and "未获批准" in text(pending)
    assert "年度核查台账" in text(coordinator.get("/welfare/exports/"))
    assert coordinator.post(f"/welfare/exports/{req.pk}/decide/", {"decision": "approve"}).status_code == 302
    short = officer.post(f"/welfare/exports/{req.pk}/download/", {"password1": "short", "password2": "short"})
    assert short.status_code == 400 and "至少 10 个字符" in text(short)
    differ = officer.post(f"/welfare/exports/{req.pk}/download/",
                          {"password1": "Secret-Pass-1", "password2": "Secret-Pass-2"})
    assert differ.status_code == 400 and "不一致" in text(differ) and "Secret-Pass" not in text(differ)
    req.refresh_from_db()
    assert req.downloads == 0
    r = officer.post(f"/welfare/exports/{req.pk}/download/",
                     {"password1": "Secret-Pass-1", "password2": "Secret-Pass-1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip" and "no-store" in r["Cache-Control"]
    assert re.search(r'attachment; filename="welfare-export-\d+-.*\.zip"', r["Content-Disposition"])
    with pyzipper.AESZipFile(io.BytesIO(r.content)) as zf:
        zf.setpassword(b"Secret-Pass-1")
        csv_name = next(n for n in zf.namelist() if n.endswith(".csv"))
        body = zf.read(csv_name).decode("utf-8-sig")
    assert "张*明" in body and NAME not in body
    req.refresh_from_db()
    assert req.downloads == 1
    assert AuditEntry.objects.filter(action="welfare.export.downloaded").count() == 1
    # the coordinator may not download someone else's export
    assert coordinator.post(f"/welfare/exports/{req.pk}/download/",
                            {"password1": "Secret-Pass-1", "password2": "Secret-Pass-1"}).status_code == 403


def test_the_download_password_is_kept_out_of_error_reports(desk, rf):
    from django.views.debug import SafeExceptionReporterFilter

    from cfcity.welfare import views
    request = rf.post("/welfare/exports/1/download/", {"password1": "Secret-Pass-1", "password2": "Secret-Pass-1"})
    request.user = desk["welfare_officer"]
    # sensitive_post_parameters marks the request when the view is called
    try:
        views.export_download(request, pk=999999)
    except Exception:  # noqa: BLE001 — 404: only the marking matters here
        pass
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleaned["password1"] != "Secret-Pass-1" and cleaned["password2"] != "Secret-Pass-1"


def test_alerts_are_listed_for_the_coordinator_and_acknowledged(desk):
    alert = services.raise_alert(Alert.Kind.MANY_FULL_VIEWS, actor=desk["director"], area=desk["county"],
                                 detail="dc_zr 一小时内查看完整信息 21 次")
    c = signed_in(desk["coordinator"])
    assert "一小时内查看完整信息 21 次" in text(c.get("/welfare/alerts/"))
    assert c.post(f"/welfare/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == desk["coordinator"]
    assert signed_in(desk["welfare_officer"]).post(f"/welfare/alerts/{alert.pk}/acknowledge/").status_code == 403


def test_the_header_link_is_shown_to_welfare_roles_coordinator_and_leaders(desk):
    link = '<a href="/welfare/">困境儿童</a>'
    for who, shown in (("director", True), ("coordinator", True), ("leader", True),
                       ("health_reporter", False), ("superuser", False)):
        assert (link in text(signed_in(desk[who]).get("/welfare/stats/"))) is shown, who
