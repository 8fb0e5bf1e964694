"""Accounts: login throttling, sessions that expire, changing one's own password, passwords
that must change at the first login, the admin's create/reset services, the `cfcity user`
command, the admin pages and the header."""
import os
import re
import runpy
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db.models import F

from cfcity.accounts import services
from cfcity.accounts.models import Membership, Profile
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "cfcity" / "settings.py"
User = get_user_model()
K = OrgUnit.Kind
GOOD = "桓台-儿童友好-2025"  # a password the validators accept
NEW = "Qiu-shui-gong-chang-tian-9"

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    county = OrgUnit.objects.create(name="桓台县", kind=K.AREA)
    edu = OrgUnit.objects.create(name="县教育体育局", kind=K.DEPARTMENT, parent=county)
    health = OrgUnit.objects.create(name="县卫生健康局", kind=K.DEPARTMENT, parent=county)
    return {"county": county, "edu": edu, "health": health}


@pytest.fixture
def alice(units):
    user = User.objects.create_user("alice", password=GOOD, first_name="王丽")
    Membership.objects.create(user=user, org_unit=units["edu"], role=Role.DEPT_REPORTER)
    return user


@pytest.fixture
def axes_on(settings):
    """Login throttling as in production (conftest turns it off for the other tests)."""
    settings.AXES_ENABLED = True
    return settings


def post_login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def fresh_settings(monkeypatch, **env) -> dict:
    """cfcity/settings.py evaluated afresh with the given CFCITY_* variables."""
    for key, value in env.items():
        monkeypatch.setenv(f"CFCITY_{key}", value)
    return runpy.run_path(str(SETTINGS_FILE))


# --- throttling -------------------------------------------------------------------------

def test_five_failures_lock_the_username_from_that_address(client, alice, axes_on):
    assert axes_on.AXES_FAILURE_LIMIT == 5 and axes_on.AXES_COOLOFF_TIME == timedelta(minutes=15)
    for _ in range(4):
        r = post_login(client, "alice", "wrong-password")
        assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    r = post_login(client, "alice", "wrong-password")
    assert r.status_code == 429
    page = r.content.decode()
    assert "暂时无法登录" in page and "连续输错 5 次" in page and "15 分钟" in page
    assert "联系系统管理员" in page
    # the right password does not get through while locked
    r = post_login(client, "alice", GOOD)
    assert r.status_code == 429 and "_auth_user_id" not in client.session


def test_lock_is_per_username_and_address(client, alice, axes_on):
    User.objects.create_user("bob", password=GOOD)
    for _ in range(5):
        post_login(client, "alice", "wrong-password")
    assert post_login(client, "alice", GOOD).status_code == 429
    # another user from the same address, and the same user from another address, go in
    assert post_login(client, "bob", GOOD).status_code == 302
    client.logout()
    assert post_login(client, "alice", GOOD, ip="10.0.0.2").status_code == 302


def test_right_user_logs_in_after_the_lock_expires(client, alice, axes_on):
    for _ in range(5):
        post_login(client, "alice", "wrong-password")
    assert post_login(client, "alice", GOOD).status_code == 429
    # fifteen minutes and a bit later (the lock counts from the last attempt)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    r = post_login(client, "alice", GOOD)
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    # a success clears the count: four new failures do not lock
    client.logout()
    for _ in range(4):
        assert post_login(client, "alice", "wrong-password").status_code == 200
    assert post_login(client, "alice", GOOD).status_code == 302


def test_admin_reset_lifts_the_lock(client, alice, axes_on):
    for _ in range(5):
        post_login(client, "alice", "wrong-password")
    password = services.reset_password(alice, actor=None)
    assert post_login(client, "alice", password).status_code == 302


def test_admin_login_is_throttled_too(client, axes_on):
    User.objects.create_superuser("root", password=GOOD)
    for _ in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "root", "password": "nope"},
                    REMOTE_ADDR="10.0.0.9")
    r = client.post("/admin/login/?next=/admin/", {"username": "root", "password": GOOD},
                    REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429


def test_throttle_settings_from_the_environment(monkeypatch):
    s = fresh_settings(monkeypatch, LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="60")
    assert s["AXES_FAILURE_LIMIT"] == 3 and s["AXES_COOLOFF_TIME"] == timedelta(hours=1)
    assert s["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    with pytest.raises(ImproperlyConfigured, match="CFCITY_LOGIN_FAILURE_LIMIT"):
        fresh_settings(monkeypatch, LOGIN_FAILURE_LIMIT="0")


# --- sessions ---------------------------------------------------------------------------

def test_session_settings(settings, monkeypatch):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_REFRESH_SECONDS == 300
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    s = fresh_settings(monkeypatch, SESSION_HOURS="2", SECURE_COOKIES="true")
    assert s["SESSION_COOKIE_AGE"] == 2 * 3600
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    with pytest.raises(ImproperlyConfigured, match="CFCITY_SESSION_HOURS"):
        fresh_settings(monkeypatch, SESSION_HOURS="eight")


def test_session_cookie_ends_with_the_browser_and_idle_time_moves(client, alice):
    r = post_login(client, "alice", GOOD)
    cookie = r.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    first = client.session.get_expiry_date()
    r = client.get("/")
    assert "sessionid" in r.cookies  # saved again on every request: the idle timeout restarts
    assert client.session.get_expiry_date() >= first
    age = (client.session.get_expiry_date() - first).total_seconds()
    assert 0 <= age < 60


# --- changing one's own password --------------------------------------------------------

def test_password_page_needs_login(client):
    r = client.get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/accounts/password/")


def test_wrong_old_password_is_refused_in_chinese(client, alice):
    client.force_login(alice)
    r = client.post("/accounts/password/", {"old_password": "not-it", "new_password1": NEW,
                                            "new_password2": NEW})
    assert r.status_code == 200
    assert "你的旧密码不正确" in r.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(GOOD)
    assert not AuditEntry.objects.filter(action="accounts.user.password_changed").exists()


@pytest.mark.parametrize("new, message", [
    ("abc123", "密码太短，至少需要 10 个字符。"),
    ("password123", "这个密码太常见了。"),
    ("2025062812345", "密码只包含数字。"),
    (GOOD, "新密码不能与原密码相同"),
])
def test_weak_new_password_is_refused_in_chinese(client, alice, new, message):
    client.force_login(alice)
    r = client.post("/accounts/password/", {"old_password": GOOD, "new_password1": new,
                                            "new_password2": new})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not AuditEntry.objects.filter(action="accounts.user.password_changed").exists()


def test_password_like_the_username_is_refused(client):
    user = User.objects.create_user("huantaijiaoyu", password=GOOD)
    client.force_login(user)
    r = client.post("/accounts/password/", {"old_password": GOOD, "new_password1": "huantaijiaoyu1",
                                            "new_password2": "huantaijiaoyu1"})
    assert "密码跟 用户名 太相似了" in r.content.decode()


def test_mismatched_new_passwords(client, alice):
    client.force_login(alice)
    r = client.post("/accounts/password/", {"old_password": GOOD, "new_password1": NEW,
                                            "new_password2": NEW + "x"})
    assert "输入的两个密码不一致" in r.content.decode()


def test_password_change_succeeds_with_message_and_audit(client, alice):
    client.force_login(alice)
    page = client.get("/accounts/password/").content.decode()
    assert "原密码" in page and "再次输入新密码" in page and "至少 10 个字符" in page
    r = client.post("/accounts/password/", {"old_password": GOOD, "new_password1": NEW,
                                            "new_password2": NEW}, follow=True)
    assert r.redirect_chain == [("/", 302)]
    assert "密码已修改" in r.content.decode()
    assert r.context["user"].is_authenticated  # still logged in with the new password
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    entry = AuditEntry.objects.get(action="accounts.user.password_changed")
    assert entry.actor == alice and entry.object_id == str(alice.pk)
    assert entry.org_unit.name == "县教育体育局"
    assert NEW not in str(entry.data) and GOOD not in str(entry.data)
    assert Profile.objects.get(user=alice).password_changed_at is not None
    client.logout()
    assert client.login(username="alice", password=NEW)


def test_admin_password_change_page_is_ours(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    r = client.get("/admin/password_change/")
    assert r.status_code == 302 and r["Location"] == "/accounts/password/"


# --- a password set by someone else must change -----------------------------------------

def test_first_login_must_change_password_before_anything_else(client, units):
    user, password = services.create_user("zhangsan", "张三", units["edu"], "dept_reporter", actor=None)
    r = post_login(client, "zhangsan", password)
    assert r.status_code == 302
    for path in ("/", "/plans/1/", "/admin/", "/accounts/login/", "/no-such-page/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"] == "/accounts/password/", path
    assert client.post("/").status_code == 302
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "请先设置自己的新密码" in page.content.decode()
    assert client.get("/static/cfcity/site.css").status_code == 200
    r = client.post("/accounts/password/", {"old_password": password, "new_password1": NEW,
                                            "new_password2": NEW})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "请先设置自己的新密码" not in client.get("/accounts/password/").content.decode()
    assert not Profile.objects.get(user=user).must_change_password


def test_must_change_user_can_log_out(client, units):
    services.create_user("zhangsan", "张三", units["edu"], "dept_reporter", actor=None)
    client.force_login(User.objects.get(username="zhangsan"))
    r = client.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200  # logged out: the public plan pages


def test_reset_forces_a_change_again(client, alice):
    password = services.reset_password(alice, actor=None)
    client.force_login(User.objects.get(pk=alice.pk))
    assert client.get("/").status_code == 302
    assert not User.objects.get(pk=alice.pk).check_password(GOOD)
    assert User.objects.get(pk=alice.pk).check_password(password)


# --- services ---------------------------------------------------------------------------

def test_create_user(units):
    admin = User.objects.create_superuser("root", password=GOOD)
    user, password = services.create_user("zhangsan", " 张三 ", units["edu"], "dept_reporter",
                                          actor=admin)
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", password)
    user = User.objects.get(username="zhangsan")
    assert user.check_password(password) and user.get_full_name() == "张三"
    assert user.membership.org_unit == units["edu"] and user.membership.role == Role.DEPT_REPORTER
    assert user.profile.must_change_password
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.actor == admin and entry.org_unit == units["edu"]
    assert entry.data == {"username": "zhangsan", "full_name": "张三",
                          "org_unit": "桓台县/县教育体育局", "role": "dept_reporter"}
    assert password not in str(entry.data)


def test_create_user_refusals(units, alice):
    with pytest.raises(services.AccountError, match="已被使用"):
        services.create_user("alice", "", units["edu"], "dept_reporter", actor=None)
    with pytest.raises(services.AccountError, match="没有角色“boss”"):
        services.create_user("bob", "", units["edu"], "boss", actor=None)
    with pytest.raises(services.AccountError, match="用户名“张 三”无效"):
        services.create_user("张 三", "", units["edu"], "dept_reporter", actor=None)
    assert not User.objects.filter(username="bob").exists()
    assert not AuditEntry.objects.exists()


def test_generated_passwords_differ_and_pass_the_validators():
    from django.contrib.auth.password_validation import validate_password

    seen = {services.generate_password() for _ in range(200)}
    assert len(seen) == 200
    for password in list(seen)[:20]:
        validate_password(password, User(username="zhangsan"))


def test_reset_password(alice):
    admin = User.objects.create_superuser("root", password=GOOD)
    password = services.reset_password(alice, actor=admin)
    alice.refresh_from_db()
    assert alice.check_password(password) and not alice.check_password(GOOD)
    assert Profile.objects.get(user=alice).must_change_password
    entry = AuditEntry.objects.get(action="accounts.user.password_reset")
    assert entry.actor == admin and entry.object_id == str(alice.pk)
    assert password not in str(entry.data)


def test_change_membership(alice, units):
    admin = User.objects.create_superuser("root", password=GOOD)
    m = services.change_membership(alice, units["health"], "dept_approver", actor=admin)
    assert (m.org_unit, m.role) == (units["health"], Role.DEPT_APPROVER)
    assert Membership.objects.get(user=alice).org_unit == units["health"]
    entry = AuditEntry.objects.get(action="accounts.membership.changed")
    assert entry.data["before"]["org_unit"] == "桓台县/县教育体育局"
    assert entry.data["after"] == {"org_unit_id": units["health"].pk, "org_unit": "桓台县/县卫生健康局",
                                   "role": "dept_approver"}
    # a user without a unit gets one
    bob = User.objects.create_user("bob")
    services.change_membership(bob, units["county"], Role.LEADER, actor=admin)
    assert bob.membership.role == Role.LEADER


def test_find_unit(units):
    nested = OrgUnit.objects.create(name="淄博市", kind=K.AREA)
    units["county"].parent = nested
    units["county"].save()
    for spec in ("淄博市/桓台县/县教育体育局", "桓台县/县教育体育局", "桓台县／县教育体育局",
                 "县教育体育局", str(units["edu"].pk)):
        assert services.find_unit(spec) == units["edu"], spec
    OrgUnit.objects.create(name="县教育体育局", kind=K.DEPARTMENT, parent=nested)
    with pytest.raises(services.AccountError, match="有多个单位名为“县教育体育局”"):
        services.find_unit("县教育体育局")
    with pytest.raises(services.AccountError, match="“桓台县”下没有名为“县财政局”的单位"):
        services.find_unit("桓台县/县财政局")
    with pytest.raises(services.AccountError, match="没有编号为 99999 的单位"):
        services.find_unit("99999")


# --- the cfcity user command ------------------------------------------------------------

def run_user(*args) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_user_add_reset_list(client, units):
    out = run_user("add", "zhangsan", "--unit", "桓台县/县教育体育局", "--role", "dept_reporter",
                   "--name", "张三")
    assert "已新建用户：zhangsan（张三），单位：桓台县/县教育体育局，角色：部门填报员" in out
    password = re.search(r"初始密码：(\S+)（只显示这一次", out).group(1)
    assert client.login(username="zhangsan", password=password)
    assert AuditEntry.objects.get(action="accounts.user.created").actor is None

    out = run_user("reset", "zhangsan")
    new = re.search(r"新密码：(\S+)（只显示这一次", out).group(1)
    assert new != password and User.objects.get(username="zhangsan").check_password(new)

    run_user("add", "lisi", "--unit", str(units["county"].pk), "--role", "领导（只读）")
    out = run_user("list")
    assert "zhangsan\t张三\t桓台县/县教育体育局\t部门填报员\t待修改初始密码" in out
    assert "lisi\t—\t桓台县\t领导（只读）" in out and "共 2 个用户。" in out


@pytest.mark.parametrize("args, message", [
    (["add", "x", "--unit", "桓台县/县财政局", "--role", "dept_reporter"], "“桓台县”下没有名为“县财政局”的单位"),
    (["add", "x", "--unit", "桓台县", "--role", "boss"], "没有角色“boss”"),
    (["reset", "nobody"], "没有用户名为“nobody”的用户"),
])
def test_user_command_errors(units, args, message):
    with pytest.raises(CommandError, match=message) as e:
        run_user(*args)
    assert e.value.returncode == 2


def test_user_command_as_a_real_process(tmp_path, migrated_sqlite):
    env = dict(os.environ, CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    env.pop("CFCITY_DATABASE_URL", None)

    def cfcity(*args):
        return subprocess.run([sys.executable, "-m", "cfcity", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    proc = cfcity("user", "list")
    assert proc.returncode == 2 and "请先运行 cfcity migrate" in proc.stderr
    fresh_database(migrated_sqlite, tmp_path / "var")  # as `cfcity migrate` leaves it
    assert cfcity("migrate", "--verbosity", "0").returncode == 0  # nothing left to apply
    for args, message in [
        (["--unit", "桓台县/县教育体育局", "--role", "dept_reporter"], "没有名为“桓台县”的单位"),
        (["--unit", "42", "--role", "dept_reporter"], "没有编号为 42 的单位"),
    ]:
        proc = cfcity("user", "add", "zhangsan", *args)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip() == f"错误：{message}" and "Traceback" not in proc.stderr
    proc = cfcity("user", "list")
    assert proc.returncode == 0 and "还没有用户。" in proc.stdout


# --- the admin --------------------------------------------------------------------------

@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser("root", password=GOOD)
    client.force_login(root)
    client.root = root
    return client


def test_admin_creates_a_user_with_a_unit(admin_client, units):
    r = admin_client.get("/admin/auth/user/add/")
    assert r.status_code == 200 and "所属单位与角色" in r.content.decode()
    r = admin_client.post("/admin/auth/user/add/", {
        "username": "wangwu", "first_name": "王五", "usable_password": "true",
        "password1": GOOD, "password2": GOOD,
        "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
        "membership-0-org_unit": str(units["health"].pk), "membership-0-role": "dept_reporter",
        "_save": "保存",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    user = User.objects.get(username="wangwu")
    assert user.membership.org_unit == units["health"] and user.profile.must_change_password
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.actor == admin_client.root and entry.data["membership"]["role"] == "dept_reporter"
    # the changelist shows unit and role
    page = admin_client.get("/admin/auth/user/").content.decode()
    assert "县卫生健康局" in page and "部门填报员" in page


def test_admin_changes_a_membership_with_audit(admin_client, alice, units):
    url = f"/admin/auth/user/{alice.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    m = alice.membership
    data = {
        "username": "alice", "first_name": "王丽", "email": "", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2025-01-01", "date_joined_1": "08:00:00",
        "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": str(m.pk), "membership-0-user": str(alice.pk),
        "membership-0-org_unit": str(units["health"].pk), "membership-0-role": "dept_approver",
        "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1",
        "_save": "保存",
    }
    r = admin_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="accounts.membership.changed")
    assert entry.data["before"]["role"] == "dept_reporter" and entry.data["after"]["role"] == "dept_approver"
    # saving again without a change records nothing
    data["membership-0-role"] = "dept_approver"
    admin_client.post(url, data)
    assert AuditEntry.objects.filter(action="accounts.membership.changed").count() == 1


def test_admin_reset_action_shows_the_new_password_once(admin_client, alice):
    r = admin_client.post("/admin/auth/user/", {"action": "reset_passwords",
                                                "_selected_action": [str(alice.pk)]})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    page = r.content.decode()
    password = re.search(r'<code class="new-password">([^<]+)</code>', page).group(1)
    assert "只在本页显示这一次" in page
    alice.refresh_from_db()
    assert alice.check_password(password) and alice.profile.must_change_password
    assert AuditEntry.objects.get(action="accounts.user.password_reset").actor == admin_client.root
    # not one's own password
    r = admin_client.post("/admin/auth/user/", {"action": "reset_passwords",
                                                "_selected_action": [str(admin_client.root.pk)]},
                          follow=True)
    assert "不能在这里重置自己的密码" in r.content.decode()


def test_admin_typing_a_password_is_a_reset(admin_client, alice):
    r = admin_client.post(f"/admin/auth/user/{alice.pk}/password/",
                          {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW) and alice.profile.must_change_password
    assert AuditEntry.objects.get(action="accounts.user.password_reset").data["via"] == "admin"


# --- the header -------------------------------------------------------------------------

def test_header_shows_the_user_unit_and_role(client, alice):
    client.force_login(alice)
    page = client.get("/").content.decode()
    header = page[page.index("<header"):page.index("</header>")]
    assert "王丽" in header and "县教育体育局 · 部门填报员" in header
    assert 'href="/accounts/password/">修改密码</a>' in header
    assert re.search(r'<form method="post" action="/accounts/logout/"[^>]*>.*csrfmiddlewaretoken.*退出',
                     header, re.S)


def test_header_without_a_unit_or_name(client):
    client.force_login(User.objects.create_user("bob"))
    header = client.get("/").content.decode().split("</header>")[0]
    assert "bob" in header and "who-unit" not in header and "修改密码" in header


def test_header_when_logged_out(client):
    header = client.get("/").content.decode().split("</header>")[0]
    assert "登录" in header and "修改密码" not in header and "退出" not in header


def test_login_page_still_works(client, alice):
    page = client.get("/accounts/login/").content.decode()
    assert "用户名" in page and "密码" in page
    r = post_login(client, "alice", "wrong")
    assert "用户名或密码不正确，请重新输入。" in r.content.decode()
    r = client.post("/accounts/login/", {"username": "alice", "password": GOOD, "next": "/plans/"})
    assert r.status_code == 302 and r["Location"] == "/plans/"



@pytest.mark.django_db
def test_idle_expiry_moves_forward_but_not_on_every_request(client, settings):
    """The session's end moves with use, written at most every SESSION_REFRESH_SECONDS."""
    import time

    from django.contrib.sessions.models import Session
    User.objects.create_user("idle", password="x")
    client.force_login(User.objects.get(username="idle"))
    key = client.session.session_key
    settings.SESSION_REFRESH_SECONDS = 3600
    client.get("/")  # first request after login: refreshes and records the time
    first = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == first  # no write within the hour
    settings.SESSION_REFRESH_SECONDS = 0
    time.sleep(1.1)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > first
