"""The evaluation fixture: the reporting tests' county with an evaluator, an inspector, a
round with a checklist, and another county's plan with a round of its own."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.evaluation import services
from cfcity.monitoring.models import Observation
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting.models import Period
from tests.conftest import make_plan


def member(name, unit, role):
    u = User.objects.create_user(name, password="x")
    Membership.objects.create(user=u, org_unit=unit, role=role)
    return User.objects.get(pk=u.pk)


def fresh(user):
    return User.objects.get(pk=user.pk)  # a new request: scope worked out again


@pytest.fixture
def ev(county):
    plan = county["plan"]
    team = OrgUnit.objects.create(name="第三方评估机构", kind=OrgUnit.Kind.OTHER, parent=plan.area)
    county["evaluator"] = member("pinggu", team, Role.EVALUATOR)
    county["inspector"] = member("ducha", county["office"], Role.INSPECTOR)
    r = services.create_round(plan, name="2024年度第三方评估", year=2024, actor=county["coordinator"])
    county["round"] = r
    county["all_item"] = services.add_item(r, title="任务完成", weight=3, max_score=10, actor=county["coordinator"])
    county["doc_item"] = services.add_item(r, title="佐证材料", weight=1, max_score=5, actor=county["coordinator"])
    county["task_item"] = services.add_item(r, title="普惠托育专项", weight=2, max_score=20, task=county["task"],
                                            actor=county["coordinator"])
    other = make_plan(doc_number="临政办发〔2023〕1号", title="临淄区儿童友好城市建设行动方案")
    other.issuer = "临淄区人民政府办公室"
    county["other_plan"] = plan_services.store_plan(other)
    county["other_task"] = pm.Task.objects.filter(plan=county["other_plan"]).order_by("number").first()
    other_office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=county["other_plan"].area)
    county["other_coordinator"] = member("lz_fgw", other_office, Role.COORDINATOR)
    county["other_evaluator"] = member("lz_pinggu", other_office, Role.EVALUATOR)
    county["other_round"] = services.create_round(county["other_plan"], name="临淄区评估", year=2024,
                                                  actor=county["other_coordinator"])
    county["other_item"] = services.add_item(county["other_round"], title="任务完成", weight=1,
                                             actor=county["other_coordinator"])
    return county


def stall(county):
    """The 托位数 target of task (2) did not move in 2024 (its baseline value again): the engine
    says 严重滞后 for the task as of the end of 2024."""
    target = county["task"].targets.get()
    period = Period.objects.get(plan=county["plan"], kind="year", year=2024)
    Observation.objects.create(target=target, org_unit=county["health"], period=period,
                               value=Decimal(str(target.baseline_value)), accepted_at=timezone.now())
    return target


TODAY = datetime.date(2026, 3, 1)
