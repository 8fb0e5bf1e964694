"""``sv``: the ``world`` fixture with an inspector, an evaluator, an auditor and another
county's inspector added, one inspection of 桓台县 and a finding for 县卫生健康局 and one for
果里镇; evidence files stored under a temporary directory."""
import datetime

import pytest
from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.supervision import services
from cfcity.supervision.models import Inspection

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def sv(world, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    w = dict(world)

    def user(key, name, unit_key, role):
        made = User.objects.create_user(name, password="x", first_name="")
        Membership.objects.create(user=made, org_unit=w[unit_key], role=role)
        w[key] = fresh(made)

    user("inspector", "ducha", "office", Role.INSPECTOR)
    user("evaluator", "pinggu", "office", Role.EVALUATOR)
    user("auditor", "shenji", "office", Role.AUDITOR)
    user("other_inspector", "lz_ducha", "other_edu", Role.INSPECTOR)
    plan = w["plan"]
    health = w["health"]
    ins = services.create_inspection(user=w["inspector"], plan=plan, kind=Inspection.Kind.UNANNOUNCED,
                                     title="托育服务“四不两直”暗访", date=datetime.date(2024, 5, 20),
                                     units=[health, w["town"]], tasks=list(plan.tasks.filter(number=2)),
                                     team=[w["inspector"]], team_names="张三、第三方评估机构李四")
    w["inspection"] = ins
    w["finding"] = services.add_finding(ins, user=w["inspector"], org_unit=health, task=plan.tasks.get(number=2),
                                        problem="普惠托位台账与实际不符。", required="逐一核对托位，更新台账。",
                                        deadline=datetime.date(2024, 6, 30), severity="serious")
    w["town_finding"] = services.add_finding(ins, user=w["coordinator"], org_unit=w["town"],
                                             problem="儿童之家未按时开放。", required="公示并固定开放时间。",
                                             deadline=datetime.date(2024, 7, 31))
    for k in ("inspector", "coordinator"):
        w[k] = fresh(w[k])
    return w
