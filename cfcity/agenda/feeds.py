"""The per-user iCalendar feed: its secret address (hashed like API tokens in
cfcity/accounts/tokens.py) and the RFC 5545 text, written by hand (a few properties)."""
from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cfcity.audit.services import log_action

from .display import kind_label
from .models import CalendarFeed
from .registry import Deadline

PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
# what a feed holds: a year back (overdue items stay visible) and two years ahead
PAST_DAYS, FUTURE_DAYS = 366, 731


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _unit_of(user):
    m = getattr(user, "membership", None)
    return m.org_unit if m is not None else None


def live_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def create_feed(user) -> tuple[CalendarFeed, str]:
    """A new secret address for ``user`` (the old one, if any, stops working): (row, token
    — shown once, never stored)."""
    _revoke_all(user, reason="replaced")
    while True:
        token = secrets.token_urlsafe(32)
        digest = hash_token(token)
        if not CalendarFeed.objects.filter(key_hash=digest).exists():
            break
    row = CalendarFeed.objects.create(user=user, prefix=token[:PREFIX_LENGTH], key_hash=digest)
    log_action("agenda.feed.created", actor=user, obj=row, org_unit=_unit_of(user),
               data={"user": user.get_username(), "prefix": row.prefix})
    return row, token


def _revoke_all(user, *, reason: str) -> int:
    rows = list(CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    now = timezone.now()
    for row in rows:
        row.revoked_at = now
        row.save(update_fields=["revoked_at"])
        log_action("agenda.feed.revoked", actor=user, obj=row, org_unit=_unit_of(user),
                   data={"user": user.get_username(), "prefix": row.prefix, "reason": reason})
    return len(rows)


@transaction.atomic
def revoke_feed(user) -> int:
    """Stop the user's feed address; returns how many were live (0 or 1)."""
    return _revoke_all(user, reason="revoked")


def user_for_feed(token: str):
    """The active user of a live feed token, or None."""
    if not token or len(token) > 200:
        return None
    row = CalendarFeed.objects.select_related("user").filter(key_hash=hash_token(token)).first()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        CalendarFeed.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


# --- RFC 5545 -------------------------------------------------------------------------------

def escape(text: str) -> str:
    """TEXT values (3.3.11): backslash, semicolon, comma escaped; newlines as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Content lines longer than 75 octets folded (3.1), never inside a UTF-8 character."""
    out, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size = [" "], 1  # a continuation line starts with one space
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out)


def _uid(d: Deadline, host: str) -> str:
    return hashlib.sha256(d.uid.encode("utf-8")).hexdigest()[:32] + "@" + host


def render(deadlines: list[Deadline], *, base_url: str, host: str, now: datetime.datetime,
           name: str = "儿童友好城市建设日程") -> bytes:
    """A VCALENDAR of all-day events, one per deadline, as UTF-8 bytes with CRLF lines."""
    stamp = now.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cfcity//agenda//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    for d in deadlines:
        state = "（已逾期）" if d.overdue else ("（已完成）" if d.done else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(d, host)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(d.date + datetime.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape(f'【{kind_label(d.kind)}】{d.title}{state}')}",
            f"CATEGORIES:{escape(kind_label(d.kind))}",
            f"URL:{base_url.rstrip('/')}{d.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
