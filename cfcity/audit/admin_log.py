"""Changes made through Django's admin reach the audit log too.

The admin writes its own LogEntry rows through ``LogEntryManager.log_actions`` (one row with
``save()``, several — a bulk delete — with ``bulk_create``, which sends no signal), so that
method is wrapped: each LogEntry it writes is followed, in the same transaction, by an audit
entry ``admin.object.added|changed|deleted``."""
from __future__ import annotations

import json

ACTIONS = {1: "admin.object.added", 2: "admin.object.changed", 3: "admin.object.deleted"}


def unit_of(obj):
    """The org unit an object belongs to, for scoping the entry: the unit itself, its
    ``org_unit``, a plan's area, a user's unit."""
    from cfcity.orgs.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj
    for attr in ("org_unit", "area"):
        unit = getattr(obj, attr, None)
        if isinstance(unit, OrgUnit):
            return unit
    membership = getattr(obj, "membership", None) if hasattr(obj, "get_username") else None
    return getattr(membership, "org_unit", None)


def record(log_entry, obj) -> None:
    from .services import append

    try:
        change = json.loads(log_entry.change_message or "[]")
    except ValueError:
        change = log_entry.change_message
    try:
        unit = unit_of(obj)
    except Exception:  # a broken relation must not stop the admin's own write
        unit = None
    user = log_entry.user if log_entry.user_id else None
    append(action=ACTIONS.get(log_entry.action_flag, "admin.object.changed"),
           actor=user, actor_name=user.get_username() if user else "",
           object_type=obj._meta.label_lower, object_id=str(log_entry.object_id)[:64],
           object_repr=(log_entry.object_repr or "")[:300], org_unit=unit,
           data={"admin_log_id": log_entry.pk, "change": change})


def install() -> None:
    from django.contrib.admin.models import LogEntry, LogEntryManager

    original = LogEntryManager.log_actions
    if getattr(original, "cfcity_audited", False):
        return

    def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
        objects = list(queryset)  # before the admin deletes them
        written = original(self, user_id, objects, action_flag, change_message, single_object=single_object)
        for log_entry, obj in zip([written] if isinstance(written, LogEntry) else written, objects):
            record(log_entry, obj)
        return written

    log_actions.cfcity_audited = True
    LogEntryManager.log_actions = log_actions
