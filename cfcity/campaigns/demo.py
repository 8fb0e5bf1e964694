"""The campaigns part of ``cfcity demo``: a closed 2024 drawing-and-song campaign and an open
video-and-drawing one, with works in every state (pending, approved, rejected, withdrawn) —
tiny generated drawings (PNG) and songs (a WAV tone), no video. Pseudonyms only; one
description names a child the way children do (“我叫…”), to show it scrubbed. All through the
services, at simulated dates. Registered in CampaignsConfig.ready()."""
from __future__ import annotations

import datetime
import io
import math
import random
import struct
import wave

from django.utils import timezone

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.demo import _moment, tiny_png

from . import services

# (kind, title, description, pseudonym, age band, town index or None, final state)
OLD_WORKS = [
    ("drawing", "我家门口的口袋公园", "公园里有滑梯和秋千，放学后我和小伙伴在这里玩。", "小星星", "8-10", 0, "approved"),
    ("drawing", "安全的上学路", "画的是学校门口新画的斑马线和护学岗。", "彩虹糖", "6-7", 1, "approved"),
    ("song", "我们的儿童之家", "我和妹妹一起唱的歌。", "百灵鸟", "11-13", None, "approved"),
    ("drawing", "未来的图书馆", "我叫王小明，我想要一个有很多绘本的图书馆。", "小画家", "8-10", 2, "pending"),
    ("drawing", "和主题无关的涂鸦", "", "涂涂", "3-5", None, "rejected"),
    ("song", "放学歌", "", "小喇叭", "11-13", 0, "withdrawn"),
]
NEW_WORKS = [
    ("drawing", "我心中的儿童友好城市", "城市里到处都有给小朋友的座椅和饮水机。", "小树苗", "8-10", 1, "approved"),
    ("drawing", "蹲下来看街道", "", "向日葵", "11-13", None, "pending"),
    ("drawing", "彩色的公交站", "公交站的牌子要低一点，我们也能看见。", "小蜗牛", "6-7", 0, "pending"),
]


def tiny_wav(seconds: float = 0.6, tone: float = 523.25) -> bytes:
    """A short sine tone, 8 kHz mono 16-bit: a valid WAV file."""
    rate = 8000
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * tone * i / rate)))
                      for i in range(int(rate * seconds)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def _coordinator(area):
    office = OrgUnit.objects.filter(parent=area, name="县妇儿工委办公室").first()
    m = (Membership.objects.filter(org_unit=office, role=Role.COORDINATOR, user__is_active=True)
         .select_related("user").order_by("pk").first()) if office else None
    return m.user if m else None


def _works(ctx, rng, coordinator, campaign, works, day, towns):
    for i, (kind, title, text, pseudonym, band, town, final) in enumerate(works):
        ctx.clock.set(_moment(day + datetime.timedelta(days=2 * i), rng))
        data = (tiny_png(tuple(rng.randint(80, 220) for _ in range(3)), 240, 180) if kind == "drawing"
                else tiny_wav(tone=rng.choice([392.0, 440.0, 523.25])))
        work = services.submit_work(
            campaign, kind=kind, title=title, description=text, pseudonym=pseudonym, age_band=band,
            town=towns[town % len(towns)] if town is not None and towns else None, guardian_consent=True,
            guardian_relationship=rng.choice(["father", "mother", "other"]), child_assent=True, data=data)
        ctx.clock.set(_moment(day + datetime.timedelta(days=2 * i + 3), rng))
        if final == "approved":
            services.approve(coordinator, work)
        elif final == "rejected":
            services.reject(coordinator, work, "作品与本次征集主题无关")
        elif final == "withdrawn":
            services.withdraw(coordinator, work)


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:campaigns")
    plan, area = ctx.plan, ctx.area
    coordinator = _coordinator(area)
    if coordinator is None:
        return []
    towns = list(OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN).order_by("order", "name"))

    ctx.clock.set(_moment(datetime.date(2024, 3, 20), rng))
    old = services.create_campaign(
        coordinator, plan, title="2024年“我眼中的儿童友好城市”绘画和歌曲征集（演示）",
        description="用画笔和歌声告诉我们：你心中的儿童友好城市是什么样子？\n作品审核通过后以笔名在本页展示。",
        kinds=["drawing", "song"], opens_on=datetime.date(2024, 4, 1), closes_on=datetime.date(2024, 5, 31))
    ctx.clock.set(_moment(datetime.date(2024, 4, 1), rng))
    services.set_status(coordinator, old, "open")
    _works(ctx, rng, coordinator, old, OLD_WORKS, datetime.date(2024, 4, 8), towns)
    ctx.clock.set(_moment(datetime.date(2024, 6, 3), rng))
    services.set_status(coordinator, old, "closed")

    today = timezone.localdate(ctx.clock.real)
    start = today - datetime.timedelta(days=20)
    ctx.clock.set(_moment(start - datetime.timedelta(days=5), rng))
    new = services.create_campaign(
        coordinator, plan, title=f"{today.year}年“一米高度看城市”视频和绘画征集（演示）",
        description="拍一段短视频或画一幅画，说说城市里哪些地方让小朋友觉得方便、安全、好玩。",
        kinds=["video", "drawing"], opens_on=start, closes_on=today + datetime.timedelta(days=60))
    ctx.clock.set(_moment(start, rng))
    services.set_status(coordinator, new, "open")
    _works(ctx, rng, coordinator, new, NEW_WORKS, start + datetime.timedelta(days=1), towns)
    ctx.clock.set(ctx.clock.real)
    return []
