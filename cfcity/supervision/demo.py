"""The demo county's supervision: four inspections (one of each kind) whose findings stand in
every state — signed off at once, signed off after a reopening, reopened and overdue,
answered and awaiting sign-off, open and overdue, open with a deadline still ahead — all
taken through ``services`` at simulated times, by the demo's inspector (ducha) and the
units' own reporters. Registered in cfcity.reporting.demo.EXTENSIONS."""
from __future__ import annotations

import datetime
import random

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.tree import descendant_ids

from . import services
from .models import Inspection

D = datetime.date


def _moment(day, rng):
    from cfcity.reporting.demo import _moment as moment
    return moment(day, rng)


def build(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:supervision")
    ids = descendant_ids([ctx.area.pk])
    members = Membership.objects.filter(org_unit_id__in=ids, user__is_active=True).select_related("user", "org_unit")
    inspector = next((m.user for m in members if m.role == Role.INSPECTOR), None)
    if inspector is None:
        return []
    reporters = {}
    for m in members.order_by("org_unit__order", "org_unit__name", "user__username"):
        if m.role in (Role.DEPT_REPORTER, Role.TOWN_REPORTER):
            reporters.setdefault(m.org_unit, m.user)
    units = list(reporters)
    if len(units) < 4:
        return []
    towns = [u for u in units if u.kind == "town"] or units
    depts = [u for u in units if u.kind == "department"] or units
    tasks = list(ctx.plan.tasks.order_by("number")) if hasattr(ctx.plan, "tasks") else []
    real = ctx.clock.real.date()

    def at(day):
        ctx.clock.set(_moment(day, rng))

    def task(i):
        return tasks[i % len(tasks)] if tasks else None

    def inspect(day, kind, title, covered, summary, names=""):
        at(day)
        return services.create_inspection(user=inspector, plan=ctx.plan, kind=kind, title=title, date=day,
                                          units=covered, tasks=[t for t in (task(3), task(11)) if t],
                                          team=[inspector], team_names=names, summary=summary)

    def finding(ins, unit, i, problem, required, deadline, severity="general"):
        return services.add_finding(ins, user=inspector, org_unit=unit, task=task(i), problem=problem,
                                    required=required, deadline=deadline, severity=severity)

    def answer(f, day, text, evidence=True):
        from cfcity.reporting.demo import tiny_pdf
        at(day)
        files = [(f"{f.org_unit.name}整改材料（演示）.pdf", tiny_pdf(f"cfcity demo rectification {f.pk}"))] if evidence else []
        services.answer(f, user=reporters[f.org_unit], text=text, files=files)

    def reopen(f, day, text):
        at(day)
        services.reopen(f, user=inspector, comment=text)

    def close(f, day, text="整改到位，同意销号。"):
        at(day)
        services.close(f, user=inspector, comment=text)

    # 1. regular supervision, mid-2024: everything in it is settled, one after a second try
    d1 = D(2024, 6, 18)
    ins = inspect(d1, Inspection.Kind.REGULAR, "2024年上半年儿童友好城市建设工作督查", depts[:2] + towns[:1],
                  "督查组通过听取汇报、查阅台账、实地查看等方式，检查了各单位重点任务推进情况。")
    f = finding(ins, depts[0], 1, "部分任务工作台账不完整，缺少2024年第一季度的过程材料。",
                "补齐工作台账，建立按季度归档制度。", D(2024, 7, 31))
    answer(f, D(2024, 7, 22), "已补齐第一季度过程材料，制定《工作台账季度归档办法》。")
    close(f, D(2024, 7, 26))
    f = finding(ins, towns[0], 3, "儿童之家开放时间不固定，未公示开放时间和活动安排。",
                "固定开放时间并在显著位置公示，每月至少组织2次活动。", D(2024, 8, 31), "serious")
    answer(f, D(2024, 8, 20), "已在儿童之家门口公示开放时间。", evidence=False)
    reopen(f, D(2024, 8, 23), "仅公示了开放时间，未见活动安排和活动记录，请补充。")
    answer(f, D(2024, 8, 30), "已制定并公示月度活动安排，7—8月组织活动5次，附活动记录和照片。")
    close(f, D(2024, 9, 4))
    f = finding(ins, depts[1], 5, "儿童友好宣传进社区覆盖面不足，部分社区未开展。",
                "制定宣传计划，年内实现社区全覆盖。", D(2024, 10, 31))
    answer(f, D(2024, 10, 25), "已制定宣传计划，完成12个社区宣传。")
    reopen(f, D(2024, 11, 5), "仍有社区未开展，未达到全覆盖要求，请继续整改并报送清单。")

    # 2. an unannounced visit, spring 2025
    d2 = D(2025, 4, 10)
    ins = inspect(d2, Inspection.Kind.UNANNOUNCED, "儿童友好空间建设“四不两直”暗访", towns[1:3] or towns[:1],
                  "暗访组不发通知、不打招呼、不听汇报、不用陪同接待，直奔基层、直插现场。")
    f = finding(ins, (towns[1:3] or towns)[0], 7, "儿童游乐设施存在安全隐患，部分器材松动、地面缺少防护垫。",
                "立即停用并维修，铺设防护地垫，建立日常巡查制度。", D(2025, 5, 15), "grave")
    answer(f, D(2025, 5, 9), "已停用维修松动器材，铺设防护地垫，建立每日巡查记录。")
    f = finding(ins, (towns[1:3] or towns)[-1], 9, "村（社区）儿童主任对困境儿童底数不清。",
                "开展一次全面摸排，建立一人一档。", D(2025, 6, 30), "serious")

    # 3. third-party evaluation, late 2025
    d3 = min(D(2025, 11, 20), real - datetime.timedelta(days=60))
    ins = inspect(d3, Inspection.Kind.THIRD_PARTY, "2025年儿童友好城市建设第三方评估", depts[2:4] or depts[:1],
                  "第三方评估机构对照评估指标逐项核查，形成评估意见。", names="第三方评估机构评估组（演示）")
    f = finding(ins, (depts[2:4] or depts)[0], 12, "部分指标数据来源不清，统计口径与上级要求不一致。",
                "核对统计口径，说明数据来源，重新报送。", real + datetime.timedelta(days=20))
    answer(f, min(d3 + datetime.timedelta(days=20), real), "已按上级口径重新核对数据，附数据来源说明。")
    close(f, min(d3 + datetime.timedelta(days=30), real))

    # 4. a face-to-face interview, a few weeks ago: deadlines still ahead (the calendar)
    d4 = real - datetime.timedelta(days=14)
    ins = inspect(d4, Inspection.Kind.INTERVIEW, "儿童友好重点任务推进滞后约谈", depts[:1] + towns[:1],
                  "对重点任务进度滞后的单位主要负责人进行约谈，提出整改要求。")
    finding(ins, depts[0], 2, "重点任务进度滞后于年度计划。", "制定赶进度措施，按月报送进展。",
            real + datetime.timedelta(days=16), "serious")
    finding(ins, towns[0], 4, "镇级儿童议事会未按要求召开会议。", "年底前召开儿童议事会会议并形成议事成果。",
            real + datetime.timedelta(days=32))
    ctx.clock.set(ctx.clock.real)
    return []
