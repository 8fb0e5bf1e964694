"""The roles of DESIGN.md and what each may do, as plain data.

``scope`` says which org units a role sees: ``area`` — the whole area (county or city) its
unit belongs to; ``unit`` — its own unit and the units below it (a town and its villages).
``write`` — may enter and change reports of units in scope; the other flags name the
steps of later workflows (approve, review, supervise, evaluate).

``personal`` — may open the register of children in difficulty (cfcity.welfare): the
civil-affairs bureau's designated users for the whole area, a town's child welfare
supervisor and a village's children's director for their own unit. No other role — not a
superuser, not the administrator — sees a child's record; they see counts only.
``audit`` — may search the audit log. ``safeguard`` — the small restricted team that reads
children's messages flagged as suggesting danger, before their personal details are scrubbed,
and answers them (cfcity.voice). Roles with ``personal`` or ``safeguard`` must sign in with a
second factor (TOTP).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "协调员（妇儿工委办）"
    DEPT_REPORTER = "dept_reporter", "部门填报员"
    DEPT_APPROVER = "dept_approver", "部门审核人"
    TOWN_REPORTER = "town_reporter", "镇街填报员"
    LEADER = "leader", "领导（只读）"
    INSPECTOR = "inspector", "督查人员"
    EVALUATOR = "evaluator", "第三方评估人员"
    ADMIN = "admin", "系统管理员"
    WELFARE_OFFICER = "welfare_officer", "民政台账管理员"
    WELFARE_SUPERVISOR = "welfare_supervisor", "儿童督导员"
    CHILD_DIRECTOR = "child_director", "儿童主任"
    AUDITOR = "auditor", "安全审计员"
    SAFEGUARDING = "safeguarding", "儿童安全保护专员"


@dataclass(frozen=True)
class Rules:
    scope: str  # "area" or "unit"
    write: bool = False
    approve: bool = False  # sign a unit's report off before it goes up
    review: bool = False  # accept or return reports; own the plan
    supervise: bool = False  # inspections and findings
    evaluate: bool = False  # third-party scoring
    manage_users: bool = False
    personal: bool = False  # children's personal records, in scope
    audit: bool = False  # read the audit log
    safeguard: bool = False  # children's messages that suggest danger, unscrubbed (cfcity.voice)


RULES: dict[str, Rules] = {
    Role.COORDINATOR: Rules("area", write=True, review=True, supervise=True, audit=True),
    Role.DEPT_REPORTER: Rules("unit", write=True),
    Role.DEPT_APPROVER: Rules("unit", write=True, approve=True),
    Role.TOWN_REPORTER: Rules("unit", write=True),
    Role.LEADER: Rules("area"),
    Role.INSPECTOR: Rules("area", supervise=True),
    Role.EVALUATOR: Rules("area", evaluate=True),
    Role.ADMIN: Rules("area", manage_users=True),
    Role.WELFARE_OFFICER: Rules("area", personal=True),
    Role.WELFARE_SUPERVISOR: Rules("unit", personal=True),
    Role.CHILD_DIRECTOR: Rules("unit", personal=True),
    Role.AUDITOR: Rules("area", audit=True),
    Role.SAFEGUARDING: Rules("area", safeguard=True),
}


def rules_for(role: str) -> Rules:
    return RULES[Role(role)]


def needs_second_factor(user) -> bool:
    """Whoever may see children's personal records signs in with a TOTP code as well."""
    m = getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None
    if m is None:
        return False
    rules = rules_for(m.role)
    return rules.personal or rules.safeguard
