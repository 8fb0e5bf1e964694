"""``voice``: the test world (桓台县: 果里镇, 索镇; 临淄区) with the children's-voice people —
a safeguarding officer (县妇儿工委办公室), a welfare officer (县民政局), 临淄区's coordinator —
and one message in every state, each with a child's name and phone number in its original."""
import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role, needs_second_factor
from cfcity.orgs.models import OrgUnit
from cfcity.voice import services

NAME = "王小明"
PHONE = "13812345678"
SECRET = f"我叫{NAME}，电话{PHONE}。"


def person(w, username, unit, role):
    u = User.objects.create_user(username, password="x", email=f"{username}@example.cn")
    Membership.objects.create(user=u, org_unit=w[unit], role=role)
    return User.objects.get(pk=u.pk)


def signed_in(user) -> Client:
    c = Client()
    if user is None:
        return c
    c.force_login(user)
    if needs_second_factor(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="测试", defaults={"confirmed": True})
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return c


def receive(w, text, town="town", **kw):
    args = dict(area=w["county"], town=w[town] if town else None, topic="problem", about="route",
                age_band="9-11", text=text)
    args.update(kw)
    return services.receive(**args).message


@pytest.fixture
def voice(world):
    from cfcity.voice.danger import ensure_defaults
    ensure_defaults()  # a transactional test before this one may have emptied the table
    w = dict(world)
    w["civil"] = OrgUnit.objects.get_or_create(name="县民政局", parent=w["county"],
                                               defaults={"kind": OrgUnit.Kind.DEPARTMENT})[0]
    w["team"] = person(w, "ertong_an", "office", Role.SAFEGUARDING)
    w["welfare_officer"] = person(w, "mzj_tz", "civil", Role.WELFARE_OFFICER)
    w["other_coordinator"] = person(w, "lz_fgw", "other_county", Role.COORDINATOR)
    w["town2_reporter"] = person(w, "sz_tb", "town2", Role.TOWN_REPORTER)
    w["coordinator2"] = person(w, "fgw2", "office", Role.COORDINATOR)
    c = w["coordinator"]
    w["pending"] = receive(w, f"学校门口没有红绿灯。{SECRET}")
    w["approved"] = receive(w, f"公园想要沙坑。{SECRET}", about="park")
    services.moderate(c, w["approved"].pk, "approve")
    w["rejected"] = receive(w, f"哈哈哈哈。{SECRET}")
    services.moderate(c, w["rejected"].pk, "reject")
    w["flagged"] = receive(w, f"爸爸天天打我。{SECRET}")
    w["handled"] = receive(w, f"有人欺负我。{SECRET}", town="town2")
    services.respond(w["team"], w["handled"].pk, "已联系学校")
    w["other_area"] = services.receive(area=w["other_county"], town=None, topic="idea", about="park",
                                       age_band="", text="临淄的公园").message
    services.moderate(w["other_coordinator"], w["other_area"].pk, "approve")
    for k in ("coordinator", "leader", "town_reporter", "health_reporter"):
        w[k] = User.objects.get(pk=w[k].pk)
    return w


def hours_ago(h):
    return timezone.now() - datetime.timedelta(hours=h)
