"""The one list of deadline providers the calendar, reminders and feed read.

Each app appends a function ``f(user, start, end) -> list[Deadline]`` to
``PROVIDERS`` (in its AppConfig.ready()). A provider scopes by the user itself
through cfcity/accounts/access.py; this module scopes nothing, it only collects
and sorts. Providers may return plain dicts with the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
import logging

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deadline:
    date: date
    title: str
    kind: str
    url: str
    org_unit_id: int | None
    overdue: bool = False
    done: bool = False

    @property
    def uid(self) -> str:
        """Stable identity for the feed and for "sent once" bookkeeping."""
        return f"{self.kind}:{self.url}:{self.date.isoformat()}:{self.org_unit_id or 0}"


PROVIDERS: list = []

_FIELDS = {f.name for f in fields(Deadline)}


def _normalise(item) -> Deadline:
    if isinstance(item, Deadline):
        return item
    if isinstance(item, dict):
        return Deadline(**{k: v for k, v in item.items() if k in _FIELDS})
    raise TypeError(f"provider returned {type(item).__name__}, not Deadline or dict")


def register(provider):
    """Append once (ready() may run twice in tests); usable as a decorator."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def deadlines_for(user, start: date, end: date) -> list[Deadline]:
    """Every deadline between start and end (inclusive) the user may see, sorted."""
    out: list[Deadline] = []
    for provider in list(PROVIDERS):
        for item in provider(user, start, end) or ():
            d = _normalise(item)
            if start <= d.date <= end:
                out.append(d)
    out.sort(key=lambda d: (d.date, d.kind, d.title, d.url))
    return out
