"""The children's-voice part of ``cfcity demo``: messages in every moderation state across the
towns and age bands (some with phone numbers and names, to show the scrubbing), two flagged —
one answered and referred to 县民政局, one past its response time — an approved quote, and the
safeguarding team's demo user. Everything through the services, at simulated times.
Registered in VoiceConfig.ready()."""
from __future__ import annotations

import datetime
import random

from django.utils import timezone

from cfcity.accounts.models import Membership, Profile
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit

from . import services
from .models import About, AgeBand, Message, Topic

USERNAMES = ["ertong_an"]
TEAM_UNIT = "县妇儿工委办公室"

# (topic, about, text) — ordinary messages; a few carry personal details the scrubbing removes
IDEAS = [
    ("problem", "route", "学校门口的马路车太多了，过马路很害怕，希望有红绿灯和志愿者叔叔。"),
    ("idea", "park", "公园里想要一个可以玩沙子的地方，还有给小朋友喝水的地方。"),
    ("problem", "school", "厕所的门坏了关不上，我们都不好意思去。"),
    ("idea", "town", "希望图书馆周末晚一点关门，我想多看一会儿书。"),
    ("problem", "route", "上学路上的路灯坏了好几个，冬天放学天黑了看不清。"),
    ("idea", "school", "课间想多一点时间去操场玩，不要总待在教室里。"),
    ("problem", "park", "滑梯上有尖尖的地方，我的裤子被划破了。"),
    ("idea", "route", "希望人行道上不要停电动车，我们走路只能走到马路上。"),
    ("idea", "town", "我叫王小明，电话13812345678，我想在社区里建一个踢足球的小场地。"),
    ("problem", "school", "食堂的菜有时候是凉的，同学张伟说他每次都吃不饱。"),
    ("idea", "park", "想在公园里多种一些树，夏天太晒了。"),
    ("problem", "other", "小区里的健身器材都是给大人用的，我们够不着。"),
    ("idea", "school", "希望学校多开一些科学实验课。"),
    ("problem", "route", "我家住在幸福小区3号楼2单元501，门口的路口没有斑马线。"),
]
TOWN_WEIGHTS = [("城区街道", 6), ("少海街道", 4), ("索镇", 2), ("果里镇", 2), ("马桥镇", 1), ("荆家镇", 1),
                ("起凤镇", 1), ("田庄镇", 1), ("新城镇", 1)]
BAND_WEIGHTS = [(AgeBand.A9_11, 5), (AgeBand.A12_14, 3), (AgeBand.A6_8, 2), (AgeBand.A15_17, 1),
                (AgeBand.UNDER_6, 0), ("", 1)]
ANSWERED = "爸爸喝了酒就打我，我不敢回家。我的电话是13900001111，我在实验小学四年级。"
OVERDUE = "同学李强天天欺负我，还勒索我的零花钱，说告诉老师就打我。"


def _member(area, role):
    from cfcity.orgs.tree import descendant_ids
    m = (Membership.objects.filter(role=role, org_unit_id__in=descendant_ids([area.pk]), user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _pick(rng, weighted):
    items = [x for x, w in weighted for _ in range(w)]
    return rng.choice(items)


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:voice")
    area = ctx.area
    coordinator = _member(area, Role.COORDINATOR)
    leader = _member(area, Role.LEADER)
    team_unit = OrgUnit.objects.filter(parent=area, name=TEAM_UNIT).first()
    if coordinator is None or team_unit is None:
        return []
    from .danger import ensure_defaults
    ensure_defaults()  # a demo into a database emptied since its migrations
    user, password = ctx.create_user("ertong_an", "安心", team_unit, Role.SAFEGUARDING)
    Profile.objects.filter(user=user).update(must_change_password=False)
    made = [("ertong_an", "安心", team_unit.name, Role.SAFEGUARDING.label, password)]

    towns = {t.name: t for t in services.towns_of(area)}
    now = timezone.now()

    def at(days_ago: float):
        ctx.clock.set(now - datetime.timedelta(days=days_ago, minutes=rng.randint(0, 600)))

    # ordinary messages: most approved, some rejected, the newest pending
    plan_states = ["approved"] * 30 + ["rejected"] * 3 + ["pending"] * 5
    approved: list[Message] = []
    for i, state in enumerate(plan_states):
        topic, about, text = IDEAS[i % len(IDEAS)]
        town = towns.get(_pick(rng, TOWN_WEIGHTS)) if i % 9 else None
        days = 58 - i * 1.4 if state != "pending" else rng.uniform(0.2, 3)
        at(max(days, 0.5))
        got = services.receive(area=area, town=town, topic=topic, about=about,
                               age_band=_pick(rng, BAND_WEIGHTS), text=text)
        if state == "pending" or got.flagged:
            continue
        ctx.clock.set(min(timezone.now() + datetime.timedelta(hours=rng.randint(2, 30)), now))
        msg = services.moderate(coordinator, got.message.pk, "approve" if state == "approved" else "reject")
        if state == "approved":
            approved.append(msg)

    # a quote: proposed by the coordinator, approved by a second person (the leader)
    if approved and leader is not None:
        q = next((m for m in approved if "〔" not in m.scrubbed), approved[0])
        services.propose_quote(coordinator, q.pk, q.scrubbed[:60])
        services.approve_quote(leader, q.pk)
        if len(approved) > 1:  # one waiting for its second person
            services.propose_quote(coordinator, approved[-1].pk, approved[-1].scrubbed[:40].replace("〔", "").replace("〕", ""))

    # two flagged: one answered within its time and referred to the civil-affairs bureau,
    # one left past its response time (the safeguarding warning)
    at(6)
    answered = services.receive(area=area, town=towns.get("少海街道"), topic=Topic.PROBLEM, about=About.OTHER,
                                age_band=AgeBand.A9_11, text=ANSWERED).message
    ctx.clock.set(answered.created_at + datetime.timedelta(hours=3))
    services.respond(user, answered.pk, "已电话联系学校班主任和辖区派出所，民警与社区儿童主任当天上门核实，孩子暂由祖母照看。")
    civil = OrgUnit.objects.filter(parent=area, name="县民政局").first() or team_unit
    services.refer(user, answered.pk, to_unit=civil, reason="疑似家庭暴力，建议评估是否纳入困境儿童保障并跟进监护情况。")
    at(3)
    services.receive(area=area, town=towns.get("城区街道"), topic=Topic.PROBLEM, about=About.SCHOOL,
                     age_band=AgeBand.A12_14, text=OVERDUE)
    ctx.clock.set(ctx.clock.real)
    return made
