"""The audit-log search page: who may open it, what each sees (their area only; entries
recorded against no unit only by a superuser), every filter, paging, and the search itself
on the record."""
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action

pytestmark = pytest.mark.django_db


def member(name, unit, role):
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def logged(world):
    """Entries in 桓台县 (its health bureau, a town), in 临淄区, and against no unit; an
    auditor in each county and a superuser."""
    w = world
    w["auditor"] = member("sjy", w["office"], Role.AUDITOR)
    w["other_auditor"] = member("lz_sjy", w["other_county"], Role.AUDITOR)
    w["root"] = User.objects.create_superuser("root", password="x")
    reporter = w["health_reporter"]
    w["health_entry"] = log_action("reporting.report.saved", actor=reporter, obj=w["health"], org_unit=w["health"],
                                   data={"narrative": "新增托育机构名单", "values": {"12": 4.5}})
    w["town_entry"] = log_action("orgs.unit.created", actor=w["coordinator"], obj=w["village"], org_unit=w["town"])
    w["other_entry"] = log_action("reporting.report.saved", actor=None, obj=w["other_edu"], org_unit=w["other_edu"],
                                  data={"narrative": "临淄的报告"})
    w["unitless_entry"] = log_action("orgs.sheet.imported", actor=w["root"], data={"file": "units.xlsx"})
    return w


def shown(client, query=""):
    r = client.get("/audit/" + query)
    assert r.status_code == 200
    return {int(i) for i in re.findall(r'<td class="num">#(\d+)</td>', r.content.decode())}, r


def as_user(user):
    c = Client()
    c.force_login(user)
    return c


def ids(*entries):
    return {e.pk for e in entries}


@pytest.mark.parametrize("who", ["coordinator", "auditor"])
def test_area_audit_roles_see_their_area_only(logged, who):
    seen, r = shown(as_user(logged[who]))
    assert ids(logged["health_entry"], logged["town_entry"]) <= seen
    assert not ids(logged["other_entry"], logged["unitless_entry"]) & seen
    page = r.content.decode()
    assert "保存报告" in page and "县卫生健康局" in page and "wjj_tb" in page
    assert '<a href="/audit/" aria-current="page">操作记录</a>' in page  # the nav link


def test_the_other_county_sees_its_own(logged):
    seen, _ = shown(as_user(logged["other_auditor"]))
    assert ids(logged["other_entry"]) <= seen
    assert not ids(logged["health_entry"], logged["town_entry"], logged["unitless_entry"]) & seen


def test_a_superuser_sees_everything_including_entries_without_a_unit(logged):
    seen, _ = shown(as_user(logged["root"]))
    assert ids(logged["health_entry"], logged["town_entry"], logged["other_entry"], logged["unitless_entry"]) <= seen


def test_a_deleted_unit_does_not_hide_its_entries(logged):
    """Scope follows the unit recorded (org_unit_ref), not the link that deleting empties."""
    from cfcity.orgs.models import OrgUnit
    village = OrgUnit.objects.create(name="西村", kind=OrgUnit.Kind.VILLAGE, parent=logged["town"])
    entry = log_action("orgs.unit.created", obj=village, org_unit=village)
    village.delete()
    seen, r = shown(as_user(logged["auditor"]), "?action=orgs.unit.created")
    assert entry.pk not in seen  # the unit is gone from the tree, so from every scope …
    seen, r = shown(as_user(logged["root"]), "?action=orgs.unit.created")
    assert entry.pk in seen and f"已删除的单位（#{entry.org_unit_ref}）" in r.content.decode()


@pytest.mark.parametrize("who", ["health_reporter", "leader", "admin", "edu_reporter"])
def test_other_roles_are_refused(logged, who):
    c = as_user(logged[who])
    assert c.get("/audit/").status_code == 403
    assert '<a href="/audit/">' not in c.get("/my/").content.decode()


def test_anonymous_is_sent_to_log_in(logged):
    r = Client().get("/audit/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("query,expect,exclude", [
    ("?action=reporting.report.saved", ["health_entry"], ["town_entry"]),
    ("?actor=wjj", ["health_entry"], ["town_entry"]),
    ("?object_type=orgs.orgunit&object_id={village}", ["town_entry"], ["health_entry"]),
    ("?unit=卫生", ["health_entry"], ["town_entry"]),
    ("?unit=果里", ["town_entry"], ["health_entry"]),
    ("?q=托育机构", ["health_entry"], ["town_entry"]),   # Chinese inside the recorded data
    ("?q=新建单位", ["town_entry"], ["health_entry"]),   # an action's Chinese label
    ("?q=东村", ["town_entry"], ["health_entry"]),       # the object
    ("?start={today}&end={today}", ["health_entry", "town_entry"], []),
    ("?end={yesterday}", [], ["health_entry", "town_entry"]),
    ("?start={tomorrow}", [], ["health_entry", "town_entry"]),
])
def test_filters(logged, query, expect, exclude):
    today = timezone.localdate()
    query = query.format(village=logged["village"].pk, today=today, yesterday=today - timedelta(days=1),
                         tomorrow=today + timedelta(days=1))
    seen, _ = shown(as_user(logged["auditor"]), query)
    assert ids(*(logged[k] for k in expect)) <= seen
    assert not ids(*(logged[k] for k in exclude)) & seen


def test_a_unit_filter_cannot_reach_outside_the_scope(logged):
    seen, _ = shown(as_user(logged["auditor"]), "?unit=县教育体育局")  # both counties have one
    assert logged["other_entry"].pk not in seen


def test_a_bad_date_is_said_and_ignored(logged):
    seen, r = shown(as_user(logged["auditor"]), "?start=2025-13-45")
    assert "起始日期“2025-13-45”不是日期" in r.content.decode()
    assert ids(logged["health_entry"]) <= seen


def test_old_entries_and_the_date_range(logged):
    long_ago = timezone.now() - timedelta(days=400)
    with mock.patch("django.utils.timezone.now", lambda: long_ago):
        old = log_action("reporting.report.saved", obj=logged["health"], org_unit=logged["health"])
    day = timezone.localtime(long_ago).date()
    seen, _ = shown(as_user(logged["auditor"]), f"?start={day}&end={day}")
    assert old.pk in seen and logged["health_entry"].pk not in seen


def test_paging_keeps_the_filters(logged):
    made = [log_action("monitoring.baseline.set", obj=logged["health"], org_unit=logged["health"], data={"n": n})
            for n in range(60)]
    c = as_user(logged["auditor"])
    first, r = shown(c, "?action=monitoring.baseline.set")
    assert len(first) == 50 and first == ids(*made[10:])  # newest first
    assert "第 1 / 2 页" in r.content.decode()
    assert "?action=monitoring.baseline.set&amp;page=2" in r.content.decode()
    second, _ = shown(c, "?action=monitoring.baseline.set&page=2")
    assert second == ids(*made[:10])


def test_each_search_is_on_the_record(logged):
    c = as_user(logged["auditor"])
    shown(c, "?q=托育机构&unit=卫生")
    entry = AuditEntry.objects.filter(action="audit.log.searched").latest("id")
    assert entry.actor == logged["auditor"] and entry.org_unit == logged["office"]
    assert entry.data == {"filters": {"q": "托育机构", "unit": "卫生"}, "page": 1, "found": 1}
    # and it is in the chain like any other entry
    from cfcity.audit import integrity
    assert integrity.verify_database().ok
