"""Writes to the org tree that callers other than the Excel import make."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from cfcity.audit.services import log_action

from .models import OrgUnit


class UnitInvalid(Exception):
    """Every rule a new unit breaks: ``errors`` maps a field to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


def create_unit(parent: OrgUnit, *, name: str, kind: str, short_name: str = "", code: str = "",
                order: int = 0, actor, via: str = "") -> OrgUnit:
    """Add a unit under ``parent``, checked against the codes and tree rules; audit-logged."""
    name, code = name.strip(), code.strip()
    unit = OrgUnit(parent=parent, name=name, kind=kind, short_name=short_name.strip(), code=code, order=order)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "不能为空"
    elif OrgUnit.objects.filter(parent=parent, name=name).exists():
        errors["name"] = f"“{parent.name}”下已有名为“{name}”的单位"
    if code and OrgUnit.objects.filter(code=code).exists():
        errors["code"] = f"代码 {code} 已被其他单位使用"
    try:
        unit.full_clean(validate_unique=False, validate_constraints=False)  # codes, tree rules
    except DjangoValidationError as e:
        for field, messages in e.message_dict.items():
            key = {"parent": "parent_id", "__all__": "（请求）"}.get(field, field)
            errors.setdefault(key, "；".join(messages))
    if errors:
        raise UnitInvalid(errors)
    try:
        with transaction.atomic():
            unit.save()
            log_action("orgs.unit.created", actor=actor, obj=unit, org_unit=unit,
                       data={"via": via, "parent_id": parent.pk, "parent": parent.name,
                             "name": unit.name, "kind": unit.kind, "code": unit.code})
    except IntegrityError:  # a twin saved between the check and the insert
        raise UnitInvalid({"name": f"“{parent.name}”下已有同名单位，或代码已被使用"}) from None
    return unit
