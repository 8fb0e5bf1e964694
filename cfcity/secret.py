"""The default SECRET_KEY: generated once, kept in <data dir>/secret_key (mode 0600).

Read lazily, so commands that never sign anything (``cfcity plan parse``) create no file.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.functional import lazy


def load_or_create(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    return key


def lazy_secret(path: Path):
    return lazy(load_or_create, str)(path)
