"""The one place that decides which org units a user may see and change.

Every org-scoped query goes through ``visible_to``; every view that fetches one object by id
goes through ``get_for_user``: an object outside the user's scope is a 404 (its existence is
not revealed), one the user may see but not change is a 403.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids

from .roles import rules_for

ALL = None  # scope of a superuser: every unit


def _area_of(unit: OrgUnit) -> OrgUnit:
    """The nearest unit of kind area above (or at) ``unit``; the top of the tree if none."""
    node = unit
    while node.kind != OrgUnit.Kind.AREA and node.parent_id is not None:
        node = node.parent
    return node


def membership(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "membership", None)


def scope_ids(user) -> set[int] | None:
    """Ids of the units ``user`` may see; ``ALL`` for a superuser; empty for no membership."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ALL
    cache = getattr(user, "_cfcity_scope", False)
    if cache is not False:
        return cache
    m = membership(user)
    if m is None or not user.is_active:
        ids: set[int] = set()
    else:
        root = _area_of(m.org_unit) if rules_for(m.role).scope == "area" else m.org_unit
        ids = descendant_ids([root.pk])
    user._cfcity_scope = ids  # per request: the user object lives as long as the request
    return ids


def can_read(user, unit_id: int | None) -> bool:
    ids = scope_ids(user)
    return ids is ALL or (unit_id is not None and unit_id in ids)


def can_write(user, unit_id: int | None) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m = membership(user)
    return m is not None and rules_for(m.role).write and can_read(user, unit_id)


def can_manage_units(user, unit_id: int | None) -> bool:
    """May ``user`` change the org tree at ``unit_id`` (add a unit under it)? The roles that
    own the plan (coordinator: ``review``) or the accounts (system admin: ``manage_users``),
    within their scope; a superuser anywhere."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m = membership(user)
    if m is None:
        return False
    rules = rules_for(m.role)
    return (rules.review or rules.manage_users) and can_read(user, unit_id)


def can_review_plan(user, plan) -> bool:
    """May ``user`` run ``plan`` — set its reporting periods up, assign its tasks? The roles
    that own a plan (coordinator: ``review``) whose scope holds the plan's area; a
    superuser any plan."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m = membership(user)
    return m is not None and rules_for(m.role).review and can_read(user, plan.area_id)


def area_ids(user) -> set[int] | None:
    """Ids of the areas whose plans ``user`` works under: every area above their unit, and
    every area inside their scope (a city coordinator's counties). ``ALL`` for a superuser."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ALL
    m = membership(user)
    if m is None or not user.is_active:
        return set()
    # areas sit only under areas (orgs.tree): walk down through them from the scope's root
    # instead of sending every unit id in scope back to the database (a province: 36,000)
    root = _area_of(m.org_unit) if rules_for(m.role).scope == "area" else m.org_unit
    found: set[int] = set()
    level = [root.pk] if root.kind == OrgUnit.Kind.AREA else []
    while level:
        found.update(level)
        level = [i for i in OrgUnit.objects.filter(parent_id__in=level, kind=OrgUnit.Kind.AREA)
                 .values_list("pk", flat=True) if i not in found]
    node = m.org_unit
    while node is not None:
        if node.kind == OrgUnit.Kind.AREA:
            found.add(node.pk)
        node = node.parent
    return found


def visible_plans(user, queryset):
    """Plans (anything with an ``area``) that ``user`` works under."""
    ids = area_ids(user)
    return queryset if ids is ALL else queryset.filter(area_id__in=ids)


def visible_to(user, queryset, field: str = "org_unit"):
    """``queryset`` narrowed to the rows whose ``field`` (an OrgUnit relation) is in scope."""
    ids = scope_ids(user)
    if ids is ALL:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def get_for_user(user, queryset, *, field: str = "org_unit", write: bool = False, **lookup):
    """The object for ``lookup`` if ``user`` may see it (404 otherwise) and, with ``write``,
    change it (403 otherwise)."""
    try:
        obj = visible_to(user, queryset, field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("没有找到，或您无权查看")
    if write:
        if not can_write(user, _unit_id(obj, field)):
            raise PermissionDenied("您没有修改权限")
    return obj


def _unit_id(obj, field: str):
    target = obj
    parts = field.split("__")
    for part in parts[:-1]:
        target = getattr(target, part)
    return getattr(target, parts[-1] + "_id", None) if parts[-1] != "pk" else target.pk
