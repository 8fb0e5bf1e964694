"""Fixtures shared by the cases and public-site tests: ``world`` with files stored under
tmp_path, and ``gallery``: cases of 县卫生健康局 in every state, one of them a draft that
names a child (it must never reach anyone outside the unit, nor the public site)."""
import io

import pytest
from PIL import Image

from cfcity.cases import services
from cfcity.monitoring.models import TargetStatus
from cfcity.plans import models as pm

CHILD = "王小明"  # a child's name, in the draft only


def png(colour=(200, 80, 60), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def stored(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    return tmp_path


@pytest.fixture
def gallery(world, stored):
    w = dict(world)
    plan, who, coordinator = w["plan"], w["health_reporter"], w["coordinator"]
    task = pm.Task.objects.get(plan=plan, number=2)

    def case(title, text, **kw):
        return services.create_case(who, plan=plan, org_unit=w["health"], year=2024, title=title, text=text,
                                    tasks=[task], **kw)

    w["draft"] = case("托育点试运行情况", f"本月{CHILD}等三名幼儿在托育点试托，家长反映良好。")
    w["submitted"] = case("社区托育点培训", "为社区托育点培训保育人员。")
    services.submit(who, w["submitted"])
    w["published"] = case("医育结合推进普惠托育", "依托妇幼保健院建设托育综合服务中心。", summary="托育综合服务中心")
    w["photo"] = services.add_file(who, w["published"], kind="photo", name="中心.png", data=png(),
                                   caption="托育综合服务中心的活动室")
    services.add_file(who, w["published"], kind="attachment", name="方案.pdf", data=PDF)
    services.submit(who, w["published"])
    services.accept(coordinator, w["published"], "好")
    services.set_tags(coordinator, w["published"], ["托育服务"])
    services.publish(coordinator, w["published"])
    w["accepted"] = case("家庭养育指导", "开展家庭养育指导进社区活动。")
    services.submit(who, w["accepted"])
    services.accept(coordinator, w["accepted"])
    w["task"] = task
    return w


def set_status(plan, target, status, latest, series):
    TargetStatus.objects.update_or_create(target=target, org_unit_id=plan.area_id, defaults={
        "as_of": "2025-01-31", "status": status, "latest": latest, "latest_when": series[-1][0] if series else None,
        "series": series})
