"""The header's menu: which links a user sees, decided in one place (base.html renders it).

Links are grouped so the header fits a laptop's width however many apps there are: a link
stands alone when everyone signed in uses it daily (行动方案, 监测看板), the rest sit in groups
(填报审核, 推进落实, 儿童参与, 儿童友好空间). A link is shown only to users the page lets
in — ``tests/test_nav.py`` opens every link as every role and expects the page, not a 403/404.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from .roles import Role

# the roles that run the plan (as opposed to the personal-data, audit and admin roles)
WORK_ROLES = {Role.COORDINATOR, Role.DEPT_REPORTER, Role.DEPT_APPROVER, Role.TOWN_REPORTER, Role.LEADER,
              Role.INSPECTOR, Role.EVALUATOR}


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Group:
    label: str
    links: list[Link] = field(default_factory=list)


def _role(user) -> str | None:
    m = getattr(user, "membership", None)
    return m.role if m is not None else None


def _voice(user, role) -> list[Link]:
    if role == Role.COORDINATOR:
        return [Link("儿童心声审核", reverse("voice:inbox"))]
    if role == Role.SAFEGUARDING:
        return [Link("儿童安全留言", reverse("voice:team")), Link("留言转介", reverse("voice:referrals"))]
    if role == Role.WELFARE_OFFICER:
        return [Link("儿童留言转介", reverse("voice:referrals"))]
    if role in WORK_ROLES:
        return [Link("儿童心声", reverse("voice:approved"))]
    return []


def menu(user) -> list[Link | Group]:
    """What ``user`` sees in the header, in order; empty groups are left out."""
    from cfcity.audit.search import can_audit
    from cfcity.campaigns.services import managed_plans
    from cfcity.evaluation.services import can_view as can_view_evaluation
    from cfcity.supervision.services import may_use as may_use_supervision
    from cfcity.welfare.templatetags.welfare_nav import welfare_nav

    items: list[Link | Group] = [Link("行动方案", reverse("plans:list"))]
    if not getattr(user, "is_authenticated", False):
        return items
    role = _role(user)
    work = role in WORK_ROLES
    items.append(Link("监测看板", reverse("monitoring:index")))
    items.append(Group("填报审核", [Link("我的填报", reverse("reporting:my")), Link("待审核", reverse("reporting:review")),
                                Link("填报情况", reverse("reporting:status"))]))
    running = Group("推进落实", [Link("工作计划", reverse("workplans:index")),
                              Link("工作日程", reverse("agenda:calendar"))])
    if may_use_supervision(user):
        running.links.append(Link("督查整改", reverse("supervision:index")))
    if can_view_evaluation(user):
        running.links.append(Link("第三方评估", reverse("evaluation:index")))
    running.links.append(Link("优秀案例", reverse("cases:list")))
    items.append(running)
    children = Group("儿童参与")
    if work:
        children.links.append(Link("儿童议事会", reverse("councils:index")))
    children.links += _voice(user, role)
    if managed_plans(user):
        children.links.append(Link("作品征集", reverse("campaigns:manage")))
    if work:
        children.links.append(Link("儿童影响评价", reverse("assessments:list")))
    spaces = Group("儿童友好空间")
    if work:
        spaces.links += [Link("空间台账", reverse("spaces:list")), Link("空间地图", reverse("spaces:map")),
                         Link("15分钟生活圈", reverse("lifecircle:summary"))]
    items += [g for g in (children, spaces) if g.links]
    if welfare_nav(user):
        items.append(Link("困境儿童", reverse("welfare:index")))
    if can_audit(user):
        items.append(Link("操作记录", reverse("audit:search")))
    if user.is_staff:
        items.append(Link("后台管理", reverse("admin:index")))
    return items

