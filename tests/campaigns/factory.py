"""Fixtures for the campaigns tests: ``campaigns`` — the test world with a campaign task
(lead: 县教育体育局, so its reporter runs campaigns too), an open campaign with a pending and an
approved drawing, a draft campaign, and an open campaign of the other county with a pending
work. Files are stored under tmp_path."""
import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from cfcity.campaigns import services
from cfcity.campaigns.models import Campaign
from cfcity.plans import models as pm
from tests.cases.factory import png, stored  # noqa: F401

CHILD = "王小明"  # typed by a child into a description: never shown, never exported


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (36.0, 57.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def work(campaign, **kw):
    fields = dict(kind="drawing", title="我家门口的公园", description="公园里有秋千。", pseudonym="小星星",
                  age_band="6-7", town=None, guardian_consent=True, guardian_relationship="mother",
                  child_assent=False, data=png())
    fields.update(kw)
    return services.submit_work(campaign, **fields)


def campaign_task(plan, lead_unit):
    action = pm.Task.objects.filter(plan=plan).order_by("number").first().action
    task = pm.Task.objects.create(action=action, plan=plan, order=99, number=5, title="开展主题实践活动",
                                  text="面向儿童开展儿童友好城市视频、歌曲、绘画等征集活动，提升儿童参与的能力和水平。")
    pm.TaskDepartment.objects.create(task=task, org_unit=lead_unit, role="lead", order=0)
    return task


@pytest.fixture
def campaigns(world, stored):
    w = dict(world)
    w["campaign_task"] = campaign_task(w["plan"], w["edu"])
    today = timezone.localdate()
    span = dict(opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=30))
    c = services.create_campaign(w["coordinator"], w["plan"], title="我心中的儿童友好城市", kinds=["drawing", "song"],
                                 description="画一画", **span)
    services.set_status(w["coordinator"], c, "open")
    w["campaign"] = c
    w["pending"] = work(c, title="待审核的画", pseudonym="小画家")
    w["approved"] = work(c, title="通过的画", pseudonym="彩虹糖", town=w["town"])
    services.approve(w["coordinator"], w["approved"])
    w["pending_file"] = w["pending"].files.get()
    w["approved_file"] = w["approved"].files.get()
    w["draft"] = services.create_campaign(w["coordinator"], w["plan"], title="还没开始的征集", kinds=["video"], **span)
    w["other_campaign"] = Campaign.objects.create(plan=w["other_plan"], title="临淄征集", kinds=["drawing"],
                                                  status="open", **span)
    w["other_work"] = work(w["other_campaign"], title="临淄的画")
    w["other_file"] = w["other_work"].files.get()
    return w
