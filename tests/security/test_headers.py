"""Site hardening: security headers on pages, the API and downloads; a CSP without inline code
(and templates without any); downloads of uploads never rendered; CSRF on the forms; a new
session key at login; `cfcity check --deploy` clean with production settings."""
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts import tokens
from cfcity.reporting import workflow
from tests.test_reporting import PDF, county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Zq7-long-enough-pass"
DIRECTIVES = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in header.split(";")) if d}


def assert_common_headers(r):
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"
    pp = r["Permissions-Policy"]
    assert "camera=()" in pp and "microphone=()" in pp and "geolocation=(self)" in pp


def assert_page_policy(r):
    csp = policy(r)
    for name, value in DIRECTIVES.items():
        assert csp.get(name) == value, (name, csp)
    assert "unsafe-inline" not in r["Content-Security-Policy"]
    assert "unsafe-eval" not in r["Content-Security-Policy"]


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/plans/", "/api/docs"])
def test_pages_carry_the_headers_and_a_strict_policy(path):
    r = Client().get(path)
    assert r.status_code == 200
    assert_common_headers(r)
    assert_page_policy(r)
    assert r["X-Frame-Options"] == "DENY"


def test_logged_in_pages_and_the_api_carry_them_too(county):
    r = logged_in(county["reporter"]).get("/my/")
    assert r.status_code == 200
    assert_common_headers(r)
    assert_page_policy(r)
    _, token = tokens.create_token(county["reporter"])
    r = Client().get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert_common_headers(r)
    assert_page_policy(r)
    r = Client().get("/api/plans")  # an error answer too
    assert r.status_code == 401
    assert_common_headers(r)
    assert_page_policy(r)


def test_no_template_has_inline_script_style_or_handlers():
    """What the policy would refuse: inline <script> (a json_script data block is fine),
    <style>, style="…", on…="…" handlers and javascript: links."""
    bad = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style[\s>]"
                     r"|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']|javascript:", re.IGNORECASE)
    found = []
    for template in (ROOT / "cfcity").rglob("templates/**/*.html"):
        for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if bad.search(line):
                found.append(f"{template.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


# --- downloads of uploaded files ------------------------------------------------------------

def test_evidence_downloads_are_attachments_in_a_sandbox(county, uploads):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    ev = workflow.add_evidence(report, user=county["reporter"], name="名单.html", data=PDF)
    r = logged_in(county["leader"]).get(f"/evidence/{ev.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    # saved under the type found in the bytes: a "x.html" PDF never opens as a web page
    assert "filename*=utf-8''%E5%90%8D%E5%8D%95.pdf" in r["Content-Disposition"]
    assert r["Content-Security-Policy"] == "sandbox"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert_common_headers(r)


@pytest.mark.parametrize("ctype", ["image/svg+xml", "text/html", "application/xhtml+xml", ""])
def test_a_stored_file_of_a_type_not_allowed_is_never_served(county, uploads, ctype):
    """Rows from before the check, or edited by hand, whatever their bytes."""
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    ev = workflow.add_evidence(report, user=county["reporter"], name="a.pdf", data=PDF)
    type(ev).objects.filter(pk=ev.pk).update(content_type=ctype)
    r = logged_in(county["leader"]).get(f"/evidence/{ev.pk}/")
    assert r.status_code == 404


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(names):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "x")
    return buf.getvalue()


@pytest.mark.parametrize("name,data", [
    ("图.svg", SVG), ("图.png", SVG), ("页.html", HTML), ("页.pdf", HTML), ("a.gif", b"<svg onload=alert(1)>"),
    ("宏.docx", _zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])),
])
def test_svg_html_and_macro_uploads_are_refused(county, uploads, name, data):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    with pytest.raises(workflow.ReportingError, match="不是可接受的类型"):
        workflow.add_evidence(report, user=county["reporter"], name=name, data=data)
    assert not report.evidence.exists()


def test_every_attachment_gets_the_sandbox(county):
    """cfcity.headers applies to any download, e.g. the Excel template of a period."""
    r = logged_in(county["reporter"]).get(f"/my/{county['period'].pk}/template.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert r["Content-Security-Policy"] == "sandbox"


# --- CSRF and the session ---------------------------------------------------------------------

def test_login_without_the_csrf_token_is_refused():
    User.objects.create_user("zhang", password=PASSWORD)
    c = Client(enforce_csrf_checks=True)
    r = c.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert r.status_code == 403
    assert "_auth_user_id" not in c.session
    # with the token from the form it works (the test is not refusing everything)
    page = c.get("/accounts/login/")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    r = c.post("/accounts/login/", {"username": "zhang", "password": PASSWORD,
                                    "csrfmiddlewaretoken": token})
    assert r.status_code == 302


def test_a_report_save_without_the_csrf_token_is_refused(county):
    from cfcity.reporting.models import Report
    c = Client(enforce_csrf_checks=True)
    c.force_login(county["reporter"])
    target = county["task"].targets.get()
    url = f"/reports/{county['period'].pk}/{county['task'].pk}/{county['health'].pk}/"
    c.get(url)  # opens the draft
    report = Report.objects.get()
    form = {"action": "save", "version": report.version, "narrative": "改了", "stage": "in_progress",
            f"value-{target.pk}": "3.2"}
    r = c.post(url, form)
    assert r.status_code == 403
    report.refresh_from_db()
    assert report.narrative != "改了"
    # the same form with the token is saved (so the refusal above is the CSRF check's)
    r = c.post(url, {**form, "csrfmiddlewaretoken": c.cookies[settings.CSRF_COOKIE_NAME].value})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "改了"


def test_a_password_change_without_the_csrf_token_is_refused():
    user = User.objects.create_user("zhang", password=PASSWORD)
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    new = "Another-long-pass-42"
    r = c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new,
                                       "new_password2": new})
    assert r.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    token = c.get("/accounts/password/").cookies[settings.CSRF_COOKIE_NAME].value
    r = c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new,
                                       "new_password2": new, "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_the_session_key_changes_at_login():
    """A session key planted before login (fixation) is not the one that ends up logged in."""
    from django.contrib.sessions.backends.db import SessionStore
    User.objects.create_user("zhang", password=PASSWORD)
    c = Client()
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    c.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    r = c.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert r.status_code == 302
    after = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    assert c.session.get("planted") is True  # the data moved along, under the new key


# --- production settings ------------------------------------------------------------------------

def cfcity(args, tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    full.update({"CFCITY_DATA_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, "-m", "cfcity", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


def production(https="true"):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return {"CFCITY_DEBUG": "false", "CFCITY_HTTPS": https,
            "CFCITY_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "CFCITY_ALLOWED_HOSTS": "cfcity.example.gov.cn"}


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    done = cfcity(["check", "--deploy"], tmp_path, **production())
    assert "WARNINGS" not in done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr  # Django's own checks, after cfcity's
    # no database yet: cfcity check says so (and fails) without making one
    assert done.returncode == 1 and "请运行 cfcity migrate" in done.stdout, done.stdout + done.stderr
    assert not (tmp_path / "var").exists()  # a check creates nothing
    # and the check does find what is missing without CFCITY_HTTPS (it is not silenced)
    plain = cfcity(["check", "--deploy"], tmp_path, **production(https="false"))
    assert "WARNINGS" in plain.stdout + plain.stderr and "security.W008" in plain.stdout + plain.stderr


def test_https_setting_turns_on_redirect_hsts_and_secure_cookies(tmp_path):
    show = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")
    on = cfcity(["shell", "--no-imports", "-c", show], tmp_path, **production())
    assert on.stdout.split() == ["True", "31536000", "True", "True", "True"], on.stderr
    off = cfcity(["shell", "--no-imports", "-c", show], tmp_path, **production(https="false"))
    assert off.stdout.split() == ["False", "0", "False", "False", "False"], off.stderr


def test_https_requests_get_hsts_and_plain_ones_a_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    r = Client().get("/accounts/login/")
    assert r.status_code == 301 and r["Location"].startswith("https://")
    r = Client().get("/accounts/login/", secure=True)
    assert r.status_code == 200
    assert r["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    found, checked = [], 0
    form = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
    for template in (ROOT / "cfcity").rglob("templates/**/*.html"):
        for m in form.finditer(template.read_text(encoding="utf-8")):
            checked += 1
            if "{% csrf_token %}" not in m.group(1):
                found.append(f"{template.relative_to(ROOT)}: {m.group(0)[:80]}")
    assert checked >= 10  # login, logout, password, the 2FA pages, reports, periods …
    assert not found, "\n".join(found)
