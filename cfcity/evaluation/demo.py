"""The demo's evaluation round (``cfcity demo``, through reporting.demo.EXTENSIONS): the
coordinator sets up the 2024 third-party evaluation and its checklist, the evaluator
(``pinggu``, created by the demo itself) scores part of the tasks — one of them, on purpose,
against the engine's verdict — and the round stays open."""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from cfcity.plans import models as pm

from . import services, summary

YEAR = 2024
CHECKLIST = [  # (title, guidance, weight, full marks)
    ("工作部署", "有年度计划、责任分工和推进措施", 2, 10),
    ("任务完成", "对照目标值和年度计划的完成程度", 4, 10),
    ("佐证材料", "报告和佐证材料真实、完整、及时", 2, 10),
    ("儿童参与", "听取儿童意见、儿童参与情况", 2, 10),
]
COMMENTS = ["部署到位，措施具体", "完成情况与报告一致", "佐证材料较完整", "儿童参与有待加强",
            "个别数据缺少佐证", "进度略慢于计划"]


def extend(ctx) -> list:
    User = get_user_model()
    coordinator = User.objects.filter(username="fegw_xt").first()
    evaluator = User.objects.filter(username="pinggu").first()
    if coordinator is None or evaluator is None or ctx.plan.period_end and ctx.plan.period_end < YEAR:
        return []
    rng = random.Random(f"{ctx.seed}:evaluation")
    ctx.clock.set(timezone.make_aware(datetime.datetime(YEAR + 1, 3, 2, 9, 30)))
    r = services.create_round(ctx.plan, name=f"{YEAR}年度儿童友好城市建设第三方评估", year=YEAR, actor=coordinator)
    items = [services.add_item(r, title=t, guidance=g, weight=w, max_score=m, actor=coordinator)
             for t, g, w, m in CHECKLIST]
    first = pm.Task.objects.filter(plan=ctx.plan).order_by("number").first()
    if first is not None:
        items.append(services.add_item(r, title="普惠托育专项", guidance="普惠托位占比和收费", weight=1,
                                       max_score=5, task=first, actor=coordinator))
    ctx.clock.set(timezone.make_aware(datetime.datetime(YEAR + 1, 3, 20, 10, 0)))
    lines = summary.build(r).tasks
    behind = [t for t in lines if t.engine_status.value == "off_track"]
    chosen = {t.task.pk for t in lines[:12]} | {t.task.pk for t in behind[:1]}
    tasks = [t.task for t in lines if t.task.pk in chosen]
    for task in tasks:
        generous = behind and task.pk == behind[0].task.pk  # scores it well: a disagreement to look at
        for item in services.items_for(r, task, items):
            share = rng.uniform(0.82, 0.95) if generous else rng.uniform(0.55, 1.0)
            value = round(float(item.max_score) * share, 1)
            services.score(r, item, task, value=value, comment=rng.choice(COMMENTS),
                           evidence=f"/dashboard/{ctx.plan.pk}/tasks/{task.pk}/", actor=evaluator)
    ctx.clock.set(ctx.clock.real)
    return []
