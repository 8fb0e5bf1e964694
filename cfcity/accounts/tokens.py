"""API tokens: made by ``cfcity token``, sent as ``Authorization: Bearer <token>``.

A token is 43 random URL-safe characters (256 bits). The database keeps only its SHA-256
hash and its first 8 characters (the prefix, shown in ``--list`` and used to revoke it), so a
copy of the database gives no working token. Creating and revoking are audit-logged.
"""
from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cfcity.audit.services import log_action

from .models import ApiToken

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token (not on every request)
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


class TokenError(Exception):
    """A user error about tokens; the message is Chinese and meant for the user as is."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _unit_of(user):
    m = getattr(user, "membership", None) if user is not None else None
    return m.org_unit if m is not None else None


@transaction.atomic
def create_token(user, *, name: str = "", expires_at: datetime.datetime | None = None,
                 actor=None) -> tuple[ApiToken, str]:
    """A new token for ``user``: (the stored row, the token itself — shown once, never stored)."""
    if not user.is_active:
        raise TokenError(f"用户“{user.get_username()}”已停用，不能为其创建令牌")
    name = (name or "").strip()
    max_name = ApiToken._meta.get_field("name").max_length
    if len(name) > max_name:
        raise TokenError(f"令牌名称过长（{len(name)} 字，最多 {max_name} 字）")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError("过期时间应晚于现在")
    while True:
        token = secrets.token_urlsafe(32)
        if token.startswith("-"):  # its prefix must read as a value after `cfcity token --revoke`
            continue
        digest = hash_token(token)
        if not ApiToken.objects.filter(key_hash=digest).exists():
            break
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:PREFIX_LENGTH],
                                  key_hash=digest, expires_at=expires_at)
    log_action("accounts.token.created", actor=actor, obj=row, org_unit=_unit_of(user),
               data={"user": user.get_username(), "name": name, "prefix": row.prefix,
                     "expires_at": expires_at.isoformat() if expires_at else None})
    return row, token


@transaction.atomic
def revoke_token(user, prefix: str, *, actor=None) -> ApiToken:
    """Revoke the live token of ``user`` whose prefix is ``prefix``."""
    prefix = (prefix or "").strip()
    if not prefix:
        raise TokenError("请给出要撤销的令牌前缀（见 --list）")
    rows = list(ApiToken.objects.select_for_update()
                .filter(user=user, prefix=prefix, revoked_at__isnull=True))
    if not rows:
        raise TokenError(f"用户“{user.get_username()}”没有前缀为“{prefix}”的有效令牌"
                         f"（可用 cfcity token {user.get_username()} --list 查看）")
    if len(rows) > 1:  # 48 random bits: practically never
        raise TokenError(f"前缀“{prefix}”对应多个令牌，请在后台管理中撤销")
    row = rows[0]
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    log_action("accounts.token.revoked", actor=actor, obj=row, org_unit=_unit_of(user),
               data={"user": user.get_username(), "name": row.name, "prefix": row.prefix})
    return row


def user_for_token(token: str):
    """The active user of a live token (not revoked, not expired), or None. Marks the token
    as used (at most once per ``LAST_USED_RESOLUTION``)."""
    if not token or len(token) > 200:
        return None
    row = (ApiToken.objects.select_related("user", "user__membership__org_unit")
           .filter(key_hash=hash_token(token)).first())
    if row is None or row.revoked_at is not None:
        return None
    now = timezone.now()
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    row.user.api_token = row  # which token authenticated this request
    return row.user


def state(row: ApiToken, now: datetime.datetime | None = None) -> str:
    """有效 / 已撤销 / 已过期, as shown by ``--list``."""
    now = now or timezone.now()
    if row.revoked_at is not None:
        return "已撤销"
    if row.expires_at is not None and row.expires_at <= now:
        return "已过期"
    return "有效"
