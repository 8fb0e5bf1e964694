"""Fixtures for the council tests: ``cw`` — the shared ``world`` (its hand-built plan's task
(1) 建立儿童议事会 has the milestone and lead departments 县妇儿工委办公室 and 县民政局) with a
县民政局 reporter (a lead department's user), councils of every level and a proposal; members
carry invented real names that must never reach a page or an export."""
import datetime

import pytest
from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.councils import services
from cfcity.councils.models import CouncilMeeting, CouncilMember
from cfcity.orgs.models import OrgUnit

TODAY = datetime.date.today()
FOUNDED = TODAY - datetime.timedelta(days=400)
NAMES = ["欧阳小雪", "司马子涵", "诸葛雨桐", "上官梓萱", "慕容一诺", "东方小满"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def person(unit, username, role):
    u = User.objects.create_user(username, password="x")
    Membership.objects.create(user=u, org_unit=unit, role=role)
    return User.objects.get(pk=u.pk)


def fill(manager, council, n=5, *, names=NAMES, consent=True, meeting_days_ago=30):
    """``n`` members and a meeting, written directly (fixture data; the services have their own tests)."""
    CouncilMember.objects.bulk_create(
        CouncilMember(council=council, pseudonym=f"星{i}号", age_band="9-11", real_name=names[i % len(names)],
                      guardian_consent=consent, consent_on=FOUNDED, consent_form="written", joined_on=FOUNDED)
        for i in range(n))
    if meeting_days_ago is not None:
        CouncilMeeting.objects.create(council=council, date=TODAY - datetime.timedelta(days=meeting_days_ago),
                                      topic="上学路安全", attendance=n, minutes="讨论上学路安全。", created_by=manager)


@pytest.fixture
def stored(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    return tmp_path


@pytest.fixture
def cw(world, stored):
    w = dict(world)
    w["mzj"] = OrgUnit.objects.get(name="县民政局", parent=w["county"])
    w["lead_reporter"] = person(w["mzj"], "mzj_tb", Role.DEPT_REPORTER)
    w["county_council"] = services.create_council(w["lead_reporter"], org_unit=w["county"], name="桓台县儿童议事会",
                                                  founded_on=FOUNDED)
    w["town_council"] = services.create_council(w["town_reporter"], org_unit=w["town"], name="果里镇儿童议事会",
                                                founded_on=FOUNDED)
    w["village_council"] = services.create_council(w["town_reporter"], org_unit=w["village"], name="东村儿童议事会",
                                                   founded_on=FOUNDED)
    w["school_council"] = services.create_council(w["edu_reporter"], org_unit=w["school"], name="实验小学儿童议事会",
                                                  founded_on=FOUNDED)
    fill(w["lead_reporter"], w["county_council"])
    fill(w["town_reporter"], w["town_council"])
    fill(w["town_reporter"], w["village_council"], 4)  # too few: not active
    w["member"] = w["town_council"].members.get(pseudonym="星0号")
    w["proposal"] = services.submit_proposal(w["town_reporter"], w["town_council"], title="公园增设饮水机",
                                             text="夏天在公园玩没有水喝。", submitted_on=TODAY)
    services.route(w["town_reporter"], w["proposal"], to=w["health"], due_on=TODAY + datetime.timedelta(days=30))
    w["meeting"] = w["town_council"].meetings.get()
    return w
