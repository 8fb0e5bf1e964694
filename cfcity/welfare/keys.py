"""The keyring the running site uses, read once from the settings (cfcity.welfare.crypto)."""
from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import crypto


def _text() -> str:
    configured = getattr(settings, "ENCRYPTION_KEYS", None)
    if configured:
        return str(configured)
    return crypto.load_or_create_keyfile(settings.ENCRYPTION_KEY_FILE)


@functools.lru_cache(maxsize=1)
def _cached(text: str, cipher: str) -> crypto.Keyring:
    try:
        return crypto.parse_keys(text, cipher)
    except crypto.KeyError_ as e:
        raise ImproperlyConfigured(f"个人信息加密密钥配置有误：{e}") from e


def ring() -> crypto.Keyring:
    # keyed on the settings' values, so a test (or `keys rotate`) that changes them is seen
    return _cached(_text(), getattr(settings, "CIPHER", "aes-256-gcm"))


def encrypt(value: str, field: str) -> str:
    return crypto.encrypt(ring(), value, field)


def decrypt(token: str, field: str) -> str:
    return crypto.decrypt(ring(), token, field)


def id_hash(number: str) -> str:
    return crypto.keyed_hash(ring(), number)


def id_search_hashes(number: str) -> list[str]:
    return crypto.search_hashes(ring(), number)
