"""The request id: one per request (or the one nginx sent), in every log line written while
the request is served — and in the Celery tasks it queued — and in the X-Request-ID header."""
from __future__ import annotations

import contextvars
import logging
import re
import uuid

_current: contextvars.ContextVar[str] = contextvars.ContextVar("cfcity_request_id", default="")
# what we accept from a proxy: short, plain characters (it goes into logs and a header)
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new() -> str:
    return uuid.uuid4().hex


def accept(incoming: str | None) -> str:
    """The proxy's id when it looks like one, else a new id."""
    return incoming if incoming and _SANE.match(incoming) else new()


def get() -> str:
    return _current.get()


def set(value: str):  # noqa: A001 — mirrors ContextVar.set
    return _current.set(value)


def reset(token) -> None:
    _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current.get()
        return True
