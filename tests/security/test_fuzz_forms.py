"""Every form of the site posted with generated data by a user allowed to post it: never a
server error, and when the answer is a refusal (a 4xx, or a redirect carrying an error
message) nothing in the database changed. Each example runs in a savepoint rolled back
afterwards, so every example starts from the same county.

The forms (grep request.POST / Form in cfcity/): the report form (save, submit and the review
steps), the task's assignments and target shares, the plan's reporting periods, the
monitoring report form, the dashboard task page's baseline and judgement forms, log in, the
password change. The Excel upload is fuzzed in test_fuzz_excel.py.
"""
from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cfcity.monitoring import jobs
from cfcity.reporting import workflow
from tests.test_reporting import county  # noqa: F401  (the fixture)
from tests.welfare.test_pages import desk  # noqa: F401  (the fixture)

from .fuzzing import FIELD_TEXT, HOSTILE, NUMERALS, fuzz

pytestmark = pytest.mark.django_db

ANY = FIELD_TEXT | NUMERALS | st.sampled_from(HOSTILE) | st.integers().map(str) | st.just("")
WATCHED_APPS = ("auth", "accounts", "orgs", "plans", "reporting", "monitoring", "audit", "welfare", "otp_totp")


def fingerprint() -> dict[str, str]:
    """Every row of every model of ours (and users), hashed per model: any write changes it."""
    out = {}
    for label in WATCHED_APPS:
        try:
            models = apps.get_app_config(label).get_models()
        except LookupError:
            continue
        for model in models:
            h = hashlib.sha256()
            for row in model.objects.order_by("pk").values_list():
                h.update(repr(row).encode())
            out[model._meta.label] = h.hexdigest()[:12]
    return out


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


def post_checked(client: Client, path: str, data: dict, files=None, allowed=()):
    """POST in a savepoint that is rolled back; no 5xx; a refusal wrote nothing (but the
    models in ``allowed``: a failed second-factor code counts against the device, on purpose)."""
    client.cookies.pop("messages", None)  # only this request's messages count
    with transaction.atomic():
        before = fingerprint()
        r = client.post(path, {**data, **(files or {})})
        assert r.status_code < 500
        errors = [m for m in get_messages(r.wsgi_request) if m.level_tag == "error"]
        if r.status_code >= 400 or errors:
            written = [m for m in changed(before, fingerprint()) if m not in allowed]
            assert not written, f"refused ({r.status_code}, {errors}) but {written} written"
        transaction.set_rollback(True)
    return r


def fields(required: dict, optional: dict | None = None):
    """A dict of the form's fields (each value from its strategy), some left out, plus stray
    fields a tampered form might add."""
    optional = optional or {}
    return st.fixed_dictionaries(required, optional=optional).flatmap(
        lambda d: st.dictionaries(st.sampled_from(["id", "pk", "csrfmiddlewaretoken", "user", "org_unit", "status"]),
                                  ANY, max_size=2).map(lambda extra: {**extra, **d}))


@pytest.fixture
def c(county, monkeypatch):
    """The county with its report opened by the reporter (a value and evidence to work on),
    and clients for each persona. Report jobs are recorded but not run."""
    monkeypatch.setattr(jobs, "submit", lambda job_id: None)
    county["report"] = workflow.open_report(county["task"], county["health"], county["period"],
                                            user=county["reporter"])
    county["target"] = county["task"].targets.get()
    for who in ("reporter", "approver", "coordinator", "leader"):
        client = Client()
        client.force_login(county[who])
        county[f"{who}_client"] = client
    return county


def report_path(c):
    return f"/reports/{c['period'].pk}/{c['task'].pk}/{c['health'].pk}/"


@fuzz(50)
@given(data=st.data())
def test_report_form(c, data):
    t = c["target"].pk
    who = data.draw(st.sampled_from(["reporter", "approver", "coordinator"]))
    form = data.draw(fields({"action": st.sampled_from(["save", "submit", "approve", "return", "accept", "correct"]) | ANY},
                            {"version": st.sampled_from([str(c["report"].version)]) | ANY,
                             "narrative": ANY, "stage": st.sampled_from(["not_started", "in_progress", "done"]) | ANY,
                             f"value-{t}": ANY, f"comment-{t}": ANY, f"reason-{t}": ANY, "comment": ANY,
                             "reason": ANY, f"value-{t + 1}": ANY}))
    post_checked(c[f"{who}_client"], report_path(c), form)


@fuzz(40)
@given(data=st.data())
def test_task_assignments(c, data):
    units = [c["town"].pk, c["health"].pk, c["office"].pk]
    form = data.draw(fields({"unit": st.sampled_from([str(u) for u in units]) | ANY},
                            {"action": st.sampled_from(["share", "assign"]) | ANY,
                             "target": st.just(str(c["target"].pk)) | ANY, "value": ANY, "note": ANY}))
    post_checked(c["coordinator_client"], f"/tasks/{c['task'].pk}/assignments/", form)


@fuzz(50)
@given(data=st.data())
def test_plan_periods(c, data):
    period = str(c["period"].pk)
    form = data.draw(fields({"action": st.sampled_from(["generate", "edit", "delete"]) | ANY},
                            {"kind": st.sampled_from(["year", "half", "quarter"]) | ANY,
                             "period": st.just(period) | ANY,
                             "starts": st.dates().map(str) | ANY, "ends": st.dates().map(str) | ANY,
                             "opens": st.dates().map(str) | ANY, "closes": st.dates().map(str) | ANY,
                             "deadline": st.dates().map(str) | ANY}))
    post_checked(c["coordinator_client"], f"/plans/{c['plan'].pk}/periods/", form)


@fuzz(40)
@given(data=st.data())
def test_monitoring_report_form(c, data):
    form = data.draw(fields({"kind": st.sampled_from(["annual", "bulletin"]) | ANY},
                            {"year": st.sampled_from(["2023", "2024", "2025"]) | ANY,
                             "quarter": st.sampled_from(["1", "2", "3", "4"]) | ANY,
                             "format": st.sampled_from(["docx", "xlsx", "pdf"]) | ANY}))
    post_checked(c["coordinator_client"], f"/monitoring/reports/{c['plan'].pk}/", form)


@fuzz(50)
@given(data=st.data())
def test_dashboard_baseline_and_judgement_forms(c, data):
    targets = [str(t.pk) for t in c["plan"].targets.all()]
    target = data.draw(st.sampled_from(targets) | ANY)
    which = data.draw(st.sampled_from(["baseline", "judgement"]) | ANY)
    prefix = f"{which}-{target}-"
    form = data.draw(fields({"form": st.just(which), "target": st.just(target)},
                            {prefix + "value": ANY | st.decimals(allow_nan=True).map(str), prefix + "year": ANY,
                             prefix + "status": st.sampled_from(["achieved", "on_track", "at_risk", "off_track"]) | ANY,
                             prefix + "note": ANY, prefix + "evidence": ANY}))
    task = c["task"]
    post_checked(c["coordinator_client"], f"/dashboard/{c['plan'].pk}/tasks/{task.pk}/", form)


@fuzz(30)
@given(data=st.data())
def test_login_form(c, data):
    form = data.draw(fields({"username": st.sampled_from(["wjj_tb", "fgw"]) | ANY, "password": ANY},
                            {"next": st.sampled_from(["/", "//evil.example/", "https://evil.example/", "/my/"]) | ANY}))
    r = post_checked(Client(), "/accounts/login/", form)
    if r.status_code == 302:  # never sent off-site, whatever ``next`` said
        assert r["Location"].startswith("/") and not r["Location"].startswith("//")


@fuzz(30)
@given(data=st.data())
def test_password_change_form(c, data):
    new = data.draw(ANY)
    form = data.draw(fields({"old_password": st.just("x") | ANY, "new_password1": st.just(new) | ANY},
                            {"new_password2": st.just(new) | ANY}))
    post_checked(c["reporter_client"], "/accounts/password/", form)


# --- CSRF on every form, session fixation --------------------------------------------------

def test_every_post_without_the_csrf_token_is_refused(c):
    """Every page route (the resolver's, as tests/test_permission_coverage.py walks it) posted
    to by a signed-in coordinator and reporter with a browser that enforces CSRF: without the
    token, and with a token that does not match the cookie, a 403 and nothing written."""
    from tests.security.test_injection import fill
    from tests.test_permission_coverage import page_routes
    ids = {**c, "job": None, "evidence": None}
    clients = {}
    for who in ("coordinator", "reporter"):
        clients[who] = client = Client(enforce_csrf_checks=True)
        client.force_login(c[who])  # (sets last_login: before the fingerprint)
        client.get("/accounts/password/")  # the page sets the CSRF cookie, as a browser would have it
        assert "csrftoken" in client.cookies
    before = fingerprint()  # a write is never undone: one look at the end sees any of them
    for who, client in clients.items():
        for route in sorted(page_routes()):
            path = fill(route, ids)
            for data in ({"action": "save", "narrative": "跨站提交"}, {"csrfmiddlewaretoken": "x" * 64, "action": "save"}):
                r = client.post(path, data)
                assert r.status_code == 403, (who, path, r.status_code)
    assert not changed(before, fingerprint())


def test_the_session_changes_at_login_and_dies_at_logout(c):
    """Session fixation: a session id planted before the login is not the one logged in;
    after logging out the old id opens nothing."""
    from django.contrib.sessions.backends.db import SessionStore
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    browser = Client()
    browser.cookies["sessionid"] = planted.session_key
    r = browser.post("/accounts/login/", {"username": "wjj_tb", "password": "x"})
    assert r.status_code == 302
    logged_in = browser.cookies["sessionid"].value
    assert logged_in != planted.session_key
    attacker = Client()
    attacker.cookies["sessionid"] = planted.session_key
    assert attacker.get("/my/").status_code == 302  # to the login page: the planted id is nobody
    assert browser.get("/my/").status_code == 200
    browser.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = logged_in
    r = replay.get("/my/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_a_password_change_ends_the_other_sessions(c):
    """A stolen session stops working once the owner changes the password."""
    stolen = Client()
    stolen.force_login(c["reporter"])
    assert stolen.get("/my/").status_code == 200
    r = c["reporter_client"].post("/accounts/password/", {
        "old_password": "x", "new_password1": "春风又绿江南岸2026", "new_password2": "春风又绿江南岸2026"})
    assert r.status_code == 302
    assert c["reporter_client"].get("/my/").status_code == 200  # the one who changed it stays in
    assert stolen.get("/my/").status_code == 302


# --- the register of children in difficulty, and the second factor: fields from the forms --

def field_values(form_class) -> st.SearchStrategy[dict]:
    """Data for a Django form class, field by field: a value of the field's own kind (a choice,
    a date, a number) or anything at all; a field may be missing."""
    from django import forms as f
    required, optional = {}, {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, f.MultipleChoiceField):
            good = st.lists(st.sampled_from([str(k) for k, _ in field.choices] or ["x"]), max_size=3)
        elif isinstance(field, f.ModelChoiceField):
            good = st.integers(0, 50).map(str)
        elif isinstance(field, f.ChoiceField):
            good = st.sampled_from([str(k) for k, _ in field.choices] or ["x"])
        elif isinstance(field, f.DateField):
            good = st.dates().map(str)
        elif isinstance(field, (f.DecimalField, f.IntegerField)):
            good = st.decimals(allow_nan=True, places=2).map(str) | st.integers().map(str)
        elif isinstance(field, f.BooleanField):
            good = st.sampled_from(["on", "", "false"])
        else:
            good = st.text(max_size=40)
        (required if field.required else optional)[name] = good | ANY
    return fields(required, optional)


def welfare_forms():
    from cfcity.welfare import forms as wf
    return [  # (path template, form class, who posts)
        ("/welfare/", None, "welfare_officer"),  # the ID-number search: {"q": …}
        ("/welfare/children/new/", wf.ChildForm, "welfare_officer"),
        ("/welfare/children/{child}/edit/", wf.ChildForm, "welfare_officer"),
        ("/welfare/children/{child}/full/", wf.ReasonForm, "supervisor"),
        ("/welfare/children/{child}/supports/", wf.SupportForm, "welfare_officer"),
        ("/welfare/children/{child}/visits/", wf.VisitForm, "director"),
        ("/welfare/children/{child}/close/", wf.CloseForm, "welfare_officer"),
        ("/welfare/children/{child}/deletion/", wf.DeletionForm, "supervisor"),
        ("/welfare/deletions/{child}/decide/", wf.DecideDeletionForm, "officer2"),
        ("/welfare/roster/appoint/", wf.AppointForm, "welfare_officer"),
        ("/welfare/exports/new/", wf.ExportRequestForm, "welfare_officer"),
        ("/welfare/exports/1/decide/", None, "coordinator"),
        ("/welfare/exports/1/download/", wf.DownloadForm, "welfare_officer"),
        ("/accounts/2fa/enrol/", None, "welfare_officer"),
        ("/accounts/2fa/", None, "welfare_officer"),
    ]


RAW = {"/welfare/": {"q": ANY}, "/welfare/exports/1/decide/": {"decision": st.sampled_from(["approve", "refuse"]) | ANY},
       "/accounts/2fa/enrol/": {"token": st.integers(0, 999999).map(lambda n: f"{n:06d}") | ANY},
       "/accounts/2fa/": {"token": st.integers(0, 999999).map(lambda n: f"{n:06d}") | ANY}}


@pytest.fixture
def register(desk):
    from tests.welfare.test_pages import signed_in
    return desk, {who: signed_in(desk[who]) for who in ("welfare_officer", "officer2", "supervisor", "director",
                                                         "coordinator")}


@pytest.mark.parametrize("path,form_class,who", welfare_forms(), ids=[p for p, _, _ in welfare_forms()])
@fuzz(20)
@given(data=st.data())
def test_register_and_second_factor_forms(register, path, form_class, who, data):
    desk, clients = register
    form = data.draw(field_values(form_class) if form_class else fields({}, RAW[path]))
    # a wrong second-factor code is recorded (audit log, the device's throttling count): on purpose
    allowed = ("audit.AuditEntry", "audit.ChainHead", "otp_totp.TOTPDevice") if path.startswith("/accounts/2fa") else ()
    post_checked(clients[who], path.format(child=desk["child"].pk), form, allowed=allowed)
