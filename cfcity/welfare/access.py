"""Who may do what with a child's record — the one place it is decided (Primero's lesson:
permissions by action and by a sensitive tier, not one "can see" flag).

Actions on a record:
    view_masked  the register's lists and a record with masked identity (张*明, 3703**…1234)
    view_full    the full identity, a deliberate step with a reason (services.view_full)
    sensitive    the health and disability tier (diagnosis, 适应症脑瘫)
    edit         change the record, add support and visits
    close        close the record (销档) and ask for its deletion
    export       ask for an export of personal records (the coordinator approves it)

Only roles with ``Rules.personal`` have any of these, for the units in their own scope: the
civil-affairs bureau's designated users (welfare_officer) for the whole area, a town's
supervisor for its town, a village's director for its village. A superuser, the system
administrator, the coordinator and leaders have none: they see counts (cfcity.welfare.stats).
"""
from __future__ import annotations

from django.http import Http404

from cfcity.accounts.access import _area_of, membership
from cfcity.accounts.roles import Role, rules_for
from cfcity.orgs.tree import descendant_ids

from .models import Child

VIEW_MASKED, VIEW_FULL, SENSITIVE, EDIT, CLOSE, EXPORT = (
    "view_masked", "view_full", "sensitive", "edit", "close", "export")
ACTIONS = (VIEW_MASKED, VIEW_FULL, SENSITIVE, EDIT, CLOSE, EXPORT)
ACTION_LABELS = {VIEW_MASKED: "查看（脱敏）", VIEW_FULL: "查看完整信息", SENSITIVE: "查看健康与残疾信息",
                 EDIT: "修改", CLOSE: "销档", EXPORT: "申请导出"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.WELFARE_OFFICER: frozenset(ACTIONS),
    Role.WELFARE_SUPERVISOR: frozenset({VIEW_MASKED, VIEW_FULL, SENSITIVE, EDIT, CLOSE}),
    Role.CHILD_DIRECTOR: frozenset({VIEW_MASKED, VIEW_FULL, EDIT}),
}


def actions_for(user) -> frozenset[str]:
    m = membership(user)
    if m is None or not user.is_active or not rules_for(m.role).personal:
        return frozenset()
    return PERMISSIONS.get(m.role, frozenset())


def may(user, action: str) -> bool:
    return action in actions_for(user)


def unit_ids(user) -> set[int]:
    """The units whose children ``user`` may see: never "everything", not even for a superuser."""
    m = membership(user)
    if m is None or not actions_for(user):
        return set()
    cache = getattr(user, "_cfcity_welfare_units", None)
    if cache is None:
        root = _area_of(m.org_unit) if rules_for(m.role).scope == "area" else m.org_unit
        cache = user._cfcity_welfare_units = descendant_ids([root.pk])
    return cache


def children_for(user, action: str = VIEW_MASKED, queryset=None):
    """The records ``user`` may ``action``; none for every other role."""
    qs = Child.objects.all() if queryset is None else queryset
    if not may(user, action):
        return qs.none()
    return qs.filter(village_id__in=unit_ids(user))


def get_child(user, pk, action: str = VIEW_MASKED) -> Child:
    """The record if ``user`` may ``action`` it; 404 otherwise (its existence is not revealed)."""
    try:
        return children_for(user, action).get(pk=pk)
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该记录，或您无权查看") from None


def may_on(user, action: str, child: Child) -> bool:
    return may(user, action) and child.village_id in unit_ids(user)


def in_scope_units(user, units):
    """Of ``units`` (towns/villages in a form), those ``user`` may register children in."""
    ids = unit_ids(user)
    return [u for u in units if u.pk in ids]


def may_approve_exports(user) -> bool:
    """The coordinator (``review``) approves exports and reads the alerts, for their area."""
    m = membership(user)
    return m is not None and user.is_active and rules_for(m.role).review


def area_of_user(user):
    m = membership(user)
    return _area_of(m.org_unit) if m else None
