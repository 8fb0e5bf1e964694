"""Accounts: creating users, resetting and changing passwords, moving a user to another unit
or role. Each write is one transaction with its audit entry (``log_action``); views, the
admin and the ``cfcity user`` command call these and nothing else.

Passwords set by someone else (a new account, a reset) are shown once to whoever set them and
must be changed by the user at the next login (``Profile.must_change_password``, enforced by
``middleware.PasswordChangeRequiredMiddleware``). Passwords never reach the audit log.
"""
from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit

from .models import Membership, Profile
from .roles import Role

# letters and digits an official can read off a screen and type without doubt (no 0/O, 1/l/I)
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_ALPHABET = _LOWER + _UPPER + _DIGITS


class AccountError(ValueError):
    """A request the accounts services refuse; the message is Chinese and meant for the user."""


def generate_password(groups: int = 3, size: int = 4) -> str:
    """A random password like ``Kq7m-Xp3z-Tb9w``: 12 characters from 56 (≈70 bits), with
    upper and lower case and a digit, grouped for reading aloud."""
    while True:
        chars = [secrets.choice(_ALPHABET) for _ in range(groups * size)]
        if (any(c in _LOWER for c in chars) and any(c in _UPPER for c in chars)
                and any(c in _DIGITS for c in chars)):
            return "-".join("".join(chars[i:i + size]) for i in range(0, len(chars), size))


def _checked_password(user) -> str:
    """A generated password that the configured validators accept for ``user``."""
    for _ in range(20):
        password = generate_password()
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise AccountError("无法生成符合密码规则的随机密码，请检查密码规则设置")


def role_value(role) -> str:
    """``role`` as a Role value; accepts the code (dept_reporter) or the Chinese label."""
    for r in Role:
        if role in (r.value, r.label):
            return r.value
    options = "、".join(f"{r.value}（{r.label}）" for r in Role)
    raise AccountError(f"没有角色“{role}”，可选：{options}")


def unit_path(unit: OrgUnit | None) -> str:
    """"桓台县/县教育体育局": the unit's names from the top of the tree down."""
    names = []
    node = unit
    while node is not None:
        names.append(node.name)
        node = node.parent
    return "/".join(reversed(names))


def find_unit(spec: str | int) -> OrgUnit:
    """The unit named by ``spec``: its id, its path from the top of the tree
    ("淄博市/桓台县/县教育体育局"), or a path from any unit whose name is unique
    ("桓台县/县教育体育局", or just "县妇儿工委办公室")."""
    text = str(spec).strip()
    if not text:
        raise AccountError("请给出单位（路径如“桓台县/县教育体育局”，或单位编号）")
    if text.isdigit():
        unit = OrgUnit.objects.filter(pk=int(text)).first()
        if unit is None:
            raise AccountError(f"没有编号为 {text} 的单位")
        return unit
    names = [part.strip() for part in text.replace("／", "/").split("/")]
    if not all(names):
        raise AccountError(f"单位路径“{text}”中有空的部分")
    unit = OrgUnit.objects.filter(parent=None, name=names[0]).first()
    if unit is None:
        starts = list(OrgUnit.objects.filter(name=names[0])[:2])
        if not starts:
            raise AccountError(f"没有名为“{names[0]}”的单位")
        if len(starts) > 1:
            raise AccountError(f"有多个单位名为“{names[0]}”，请从最上级单位写起完整路径，或使用单位编号")
        unit = starts[0]
    for i, name in enumerate(names[1:], start=2):
        child = OrgUnit.objects.filter(parent=unit, name=name).first()
        if child is None:
            raise AccountError(f"“{'/'.join(names[:i - 1])}”下没有名为“{name}”的单位")
        unit = child
    return unit


def find_user(username: str):
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise AccountError(f"没有用户名为“{username}”的用户") from None


def _membership_data(m: Membership | None) -> dict | None:
    if m is None:
        return None
    return {"org_unit_id": m.org_unit_id, "org_unit": unit_path(m.org_unit), "role": m.role}


def _set_must_change(user, must: bool):
    values = {"must_change_password": must}
    if not must:
        values["password_changed_at"] = timezone.now()
    Profile.objects.update_or_create(user=user, defaults=values)


def must_change_password(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Profile.objects.filter(user_id=user.pk, must_change_password=True).exists()


def create_user(username: str, full_name: str, org_unit: OrgUnit, role: str, *, actor):
    """Create ``username`` in ``org_unit`` with ``role`` and a random password, which is
    returned (show it once) and must be changed at the first login: ``(user, password)``."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise AccountError("请给出用户名")
    try:
        User.username_validator(username)
    except ValidationError:
        raise AccountError(f"用户名“{username}”无效：只能包含字母、数字和 @ . + - _ 符号") from None
    if len(username) > User._meta.get_field("username").max_length:
        raise AccountError(f"用户名“{username}”太长")
    role = role_value(role)
    full_name = (full_name or "").strip()
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise AccountError(f"用户名“{username}”已被使用")
        user = User(username=username, first_name=full_name[:150])
        password = _checked_password(user)
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, org_unit=org_unit, role=role)
        _set_must_change(user, True)
        log_action("accounts.user.created", actor=actor, obj=user, org_unit=org_unit,
                   data={"username": username, "full_name": full_name,
                         "org_unit": unit_path(org_unit), "role": role})
    return user, password


def reset_password(user, *, actor) -> str:
    """Give ``user`` a new random password (returned: show it once), to be changed at the
    next login; lifts a login lock on the username and ends the user's sessions."""
    from axes.utils import reset as axes_reset

    with transaction.atomic():
        password = _checked_password(user)
        user.set_password(password)  # a new hash: the user's open sessions are no longer valid
        user.save(update_fields=["password"])
        _set_must_change(user, True)
        axes_reset(username=user.get_username())
        m = Membership.objects.filter(user=user).select_related("org_unit").first()
        log_action("accounts.user.password_reset", actor=actor, obj=user,
                   org_unit=m.org_unit if m else None, data={"username": user.get_username()})
    return password


def change_password(user, new_password: str, *, actor=None):
    """``user`` sets their own password (already checked by the form and the validators)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _set_must_change(user, False)
        m = Membership.objects.filter(user=user).select_related("org_unit").first()
        log_action("accounts.user.password_changed", actor=actor or user, obj=user,
                   org_unit=m.org_unit if m else None, data={"username": user.get_username()})


def change_membership(user, org_unit: OrgUnit, role: str, *, actor) -> Membership:
    """Put ``user`` in ``org_unit`` with ``role`` (creating the membership if there is none)."""
    role = role_value(role)
    with transaction.atomic():
        before = Membership.objects.select_for_update().filter(user=user).select_related("org_unit").first()
        before_data = _membership_data(before)
        if before is None:
            m = Membership.objects.create(user=user, org_unit=org_unit, role=role)
        else:
            before.org_unit, before.role = org_unit, role
            before.save()
            m = before
        log_action("accounts.membership.changed", actor=actor, obj=m, org_unit=org_unit,
                   data={"username": user.get_username(), "before": before_data,
                         "after": _membership_data(m)})
    # the access layer caches a user's scope on the object for a request
    if hasattr(user, "_cfcity_scope"):
        del user._cfcity_scope
    return m


def record_admin_membership(user, before: dict | None, m: Membership | None, *, actor):
    """The admin changed ``user``'s membership through its inline form: record it."""
    after = _membership_data(m)
    if before == after:
        return
    log_action("accounts.membership.changed", actor=actor, obj=m or user,
               org_unit=m.org_unit if m else None,
               data={"username": user.get_username(), "before": before, "after": after})


def record_admin_user_created(user, *, actor):
    """The admin created ``user`` with a password they typed: it must be changed at the
    first login, like one from ``create_user``."""
    _set_must_change(user, True)
    m = Membership.objects.filter(user=user).select_related("org_unit").first()
    log_action("accounts.user.created", actor=actor, obj=user, org_unit=m.org_unit if m else None,
               data={"username": user.get_username(), "full_name": user.get_full_name(),
                     "membership": _membership_data(m), "via": "admin"})


def record_admin_password_set(user, *, actor):
    """The admin typed a new password for ``user`` (the admin's password form): a reset."""
    from axes.utils import reset as axes_reset

    _set_must_change(user, True)
    axes_reset(username=user.get_username())
    m = Membership.objects.filter(user=user).select_related("org_unit").first()
    log_action("accounts.user.password_reset", actor=actor, obj=user,
               org_unit=m.org_unit if m else None,
               data={"username": user.get_username(), "via": "admin"})


def membership_data(user) -> dict | None:
    return _membership_data(Membership.objects.filter(user=user).select_related("org_unit").first())
