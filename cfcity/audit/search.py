"""Searching the audit log: who may, which entries they see, the filters. Plain functions;
the page (views.py) only renders.

Scope: an entry is shown when the unit it was recorded against (``org_unit_ref``, the id as
written, so emptying the link cannot hide it) is in the user's scope. Entries recorded against
no unit (an admin change to a model without a unit, a sheet import, …) may concern any
county of the deployment, so only a superuser sees them; area audit roles do not, whichever
area they are in."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.orgs.models import OrgUnit

from .models import AuditEntry
from .services import ACTION_LABELS, action_label

TEXT_FILTERS = ("action", "actor", "object_type", "object_id", "unit", "start", "end", "q")


def can_audit(user) -> bool:
    """May ``user`` search the audit log? The roles with ``Rules.audit`` (coordinator,
    auditor), in their scope; an active superuser, everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    m = access.membership(user)
    return m is not None and rules_for(m.role).audit


def visible_entries(user):
    ids = access.scope_ids(user)
    entries = AuditEntry.objects.all()
    return entries if ids is access.ALL else entries.filter(org_unit_ref__in=ids)


@dataclass
class Filters:
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.values)


def _day(text: str, what: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{what}“{text}”不是日期，应写成 2025-06-30 这样；已忽略。")
        return None


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _contains(term: str) -> Q:
    """Free text anywhere an official would look: the object, the person, the action code,
    the recorded data. The data is JSON text: SQLite keeps non-ASCII as \\uXXXX escapes,
    so the term is also looked for in that form."""
    escaped = json.dumps(term)[1:-1]
    codes = [code for code, label in ACTION_LABELS.items() if term in label]
    q = (Q(object_repr__icontains=term) | Q(actor_name__icontains=term) | Q(action__icontains=term)
         | Q(object_id=term) | Q(data_text__icontains=term) | Q(action__in=codes))
    return q | Q(data_text__icontains=escaped) if escaped != term else q


def apply(user, params) -> tuple:
    """(the entries ``user`` may see narrowed by ``params``, newest first; the Filters)."""
    f = Filters()
    values = {k: params.get(k, "").strip() for k in TEXT_FILTERS if params.get(k, "").strip()}
    entries = visible_entries(user).select_related("org_unit")
    if "action" in values:
        entries = entries.filter(action=values["action"])
    if "actor" in values:
        entries = entries.filter(actor_name__icontains=values["actor"])
    if "object_type" in values:
        entries = entries.filter(object_type=values["object_type"])
    if "object_id" in values:
        entries = entries.filter(object_id=values["object_id"])
    if "unit" in values:
        units = access.visible_to(user, OrgUnit.objects.filter(name__icontains=values["unit"]), field="pk")
        entries = entries.filter(org_unit_ref__in=units.values("pk"))
    if "start" in values and (day := _day(values["start"], "起始日期", f.problems)):
        entries = entries.filter(created_at__gte=_moment(day))
    if "end" in values and (day := _day(values["end"], "截止日期", f.problems)):
        entries = entries.filter(created_at__lt=_moment(day + timedelta(days=1)))
    if "q" in values:
        entries = entries.annotate(data_text=Cast("data", TextField())).filter(_contains(values["q"]))
    f.values = values
    return entries.order_by("-id"), f


def type_label(code: str) -> str:
    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):
        return code


def action_choices(user) -> list[tuple[str, str]]:
    codes = set(ACTION_LABELS) | set(visible_entries(user).order_by().values_list("action", flat=True).distinct())
    return sorted(((c, action_label(c)) for c in codes), key=lambda pair: pair[0])


def type_choices(user) -> list[tuple[str, str]]:
    codes = visible_entries(user).exclude(object_type="").order_by().values_list("object_type", flat=True).distinct()
    return sorted((c, type_label(c)) for c in set(codes))
