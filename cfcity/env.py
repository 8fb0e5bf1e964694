"""Typed access to CFCITY_* environment variables.

Every helper fails loudly (ImproperlyConfigured) on a value it cannot read, so a typo in
a deployment shows up at start, not as odd behaviour later.  ``NAME_FILE`` may name a file
holding the value (for secrets mounted by Docker/systemd), as in ``CFCITY_SECRET_KEY_FILE``.
"""
from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

PREFIX = "CFCITY_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    key = PREFIX + name
    file_key = key + "_FILE"
    if key in os.environ and file_key in os.environ:
        raise ImproperlyConfigured(f"{key} 与 {file_key} 只能设置一个")
    if file_key in os.environ:
        path = os.environ[file_key]
        try:
            with open(path, encoding="utf-8") as f:
                return f.read().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{file_key}={path!r} 无法读取：{e.strerror}") from e
    return os.environ.get(key)


def envstr(name: str, default: str | None = None) -> str | None:
    v = _raw(name)
    return default if v is None else v


def envbool(name: str, default: bool = False) -> bool:
    v = _raw(name)
    if v is None:
        return default
    low = v.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} 应为 true/false（或 1/0），现为 {v!r}")


def envint(name: str, default: int | None = None) -> int | None:
    v = _raw(name)
    if v is None:
        return default
    try:
        return int(v.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} 应为整数，现为 {v!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    v = _raw(name)
    if v is None:
        return list(default)
    return [part.strip() for part in v.split(",") if part.strip()]
