"""Fixtures for the child impact assessment tests: ``ia_world`` — the shared ``world`` plus a
task (1) whose wording asks for 儿童影响评价, led by 县发展改革局 and 县妇儿工委办公室 (read from
the plan, as in the reference plan), a reporter of 县发展改革局 (``fgw_reporter``), an
inspector and an evaluator, two spaces of 桓台县 and one of 临淄区, and an assessment of
县卫生健康局's (``mine``) registered by its reporter."""
import datetime

import pytest
from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.assessments import services
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.spaces.models import Space, SpaceKind
from tests.cases.factory import PDF, stored  # noqa: F401

POINT = {"type": "Point", "coordinates": [118.09, 36.96]}
TODAY = datetime.date.today()


def _user(w, key, username, unit, role):
    made = User.objects.create_user(username, password="x")
    Membership.objects.create(user=made, org_unit=unit, role=role)
    w[key] = User.objects.get(pk=made.pk)


def space(area, unit, kind, name):
    return Space.objects.create(area=area, org_unit=unit, kind=kind, name=name, geometry=POINT, lon=118.09, lat=36.96)


@pytest.fixture
def ia_world(world, stored):
    w = dict(world)
    plan, county = w["plan"], w["county"]
    action = pm.Action.objects.filter(domain__plan=plan).order_by("order").first()
    task = pm.Task.objects.create(action=action, plan=plan, order=0, number=99, title="加强儿童友好顶层设计",
                                  text="在城市发展重大规划、政策、项目决策中引入儿童影响评价。")
    w["fgw"], _ = OrgUnit.objects.get_or_create(name="县发展改革局", parent=county,
                                                defaults={"kind": OrgUnit.Kind.DEPARTMENT})
    for i, unit in enumerate((w["fgw"], w["office"])):
        pm.TaskDepartment.objects.create(task=task, org_unit=unit, role="lead", order=i)
    w["ia_task"] = task
    _user(w, "fgw_reporter", "fgj_tb", w["fgw"], Role.DEPT_REPORTER)
    _user(w, "inspector", "ducha", w["office"], Role.INSPECTOR)
    _user(w, "evaluator", "pinggu", w["office"], Role.EVALUATOR)
    kind = SpaceKind.objects.create(code="road", name="儿童友好出行道路", order=1)
    w["space"] = space(county, w["town"], kind, "果里镇上学路")
    w["space2"] = space(county, w["town2"], kind, "索镇口袋公园")
    w["foreign_space"] = space(w["other_county"], w["other_edu"], kind, "临淄区上学路")
    w["mine"] = services.register(w["health_reporter"], plan, title="县妇幼保健院新院区建设", kind="project",
                                  responsible_unit=w["health"], decision_maker="县人民政府常务会议",
                                  registered_on=TODAY - datetime.timedelta(days=30))
    w["criteria"] = list(services.criteria(plan))
    return w


def score_all(w, a, value=4, who="fgw_reporter"):
    return services.save_scores(w[who], a, [{"criterion": c, "score": str(value), "evidence": "依据"}
                                           for c in services.criteria(a.plan)])


def consult(w, a, who="fgw_reporter", children=12):
    return services.record_consultation(w[who], a, date=TODAY - datetime.timedelta(days=3), method="forum",
                                        children=children, age_bands=["6-12"], summary="孩子们希望有室外游戏区。")


def concluded(w, a=None):
    a = a or w["mine"]
    score_all(w, a)
    consult(w, a)
    return services.conclude(w["fgw_reporter"], a, finding="favourable", conclusion="总体有利于儿童。")
