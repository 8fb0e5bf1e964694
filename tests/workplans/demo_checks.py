"""The work plan part of ``cfcity demo``: 2024 and 2025 plans, accepted, returned (once, with
the coordinator's comment), waiting and draft; spending on accepted plans; the streets target
broken down to 1 + 1 of 3—5, so its page says 1 short; milestones in the calendar."""
import datetime

from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.plans import models as pm
from cfcity.workplans import breakdown as bd
from cfcity.workplans.deadlines import deadlines
from cfcity.workplans.models import BudgetLine, WorkPlan


def check_demo(out, plan):
    assert set(WorkPlan.objects.values_list("year", flat=True)) == {2024, 2025}
    assert set(WorkPlan.objects.filter(year=2024).values_list("status", flat=True)) == {"accepted"}
    statuses = list(WorkPlan.objects.filter(year=2025).values_list("status", flat=True))
    assert statuses.count("returned") == 1 and "draft" in statuses and "accepted" in statuses
    returned = WorkPlan.objects.get(status="returned")
    assert "请补充资金来源说明" in returned.events.get(action="returned").comment
    assert BudgetLine.objects.filter(work_plan__status="accepted", spent__gt=0).exists()
    assert not BudgetLine.objects.exclude(work_plan__status="accepted").filter(spent__gt=0).exists()
    streets = pm.Target.objects.get(task__number=24, indicator="建设儿童友好街区")
    assert bd.breakdown(streets).message == "各年度分解合计 2 处，距目标 3 处还差 1 处（目标期限 2025年）"
    reading = pm.Target.objects.get(task__number=30, indicator__contains="阅读空间")
    assert bd.breakdown(reading).ok
    coordinator = Membership.objects.get(role="coordinator").user
    c = Client()
    c.force_login(coordinator)
    assert "还差 1 处" in c.get(f"/workplans/targets/{streets.pk}/").content.decode()
    found = deadlines(coordinator, datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    assert {d["kind"] for d in found} == {"workplan", "milestone"} and len(found) > 50
