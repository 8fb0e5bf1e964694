"""Encryption of personal fields at rest, and the keyed hash that finds a record by ID number.

Keys live outside the database: ``CFCITY_ENCRYPTION_KEYS`` (or ``…_FILE``), one key per line
or comma-separated, each ``<key id>:<32 random bytes in base64>``; the first is the active
key, the others are kept to read what older keys wrote until ``cfcity keys rotate`` has
re-encrypted it. Without the setting (the embedded default) a key file is generated once at
``<data dir>/encryption.keys`` (mode 0600) — move it off the machine's disk for production.

``CFCITY_CIPHER`` chooses the algorithms: ``aes-256-gcm`` (default; keyed hash HMAC-SHA-256)
or ``sm4-gcm`` (GB/T 39786 national commercial cryptography: SM4-GCM, keyed hash HMAC-SM3,
sub-keys derived with HKDF-SM3). A stored value says which cipher and key wrote it:
``cf1$<a|s>$<key id>$<base64url(nonce‖ciphertext‖tag)>``, so a change of cipher or key is
read correctly and ``cfcity keys rotate`` moves everything to the current ones.

Each value is bound to the field it belongs to (the field name is the AEAD's associated
data): a ciphertext copied into another column does not decrypt.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hmac as std_hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "cf1$"
CIPHERS = {"aes-256-gcm": "a", "sm4-gcm": "s"}
_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyError_(Exception):
    """The key configuration cannot be used (message in Chinese, for the operator)."""


class DecryptionError(Exception):
    """A stored value cannot be decrypted: unknown key, wrong field, or altered."""


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]  # (key id, 32-byte master key); the first is active
    cipher: str = "aes-256-gcm"

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    @property
    def alg(self) -> str:
        return CIPHERS[self.cipher]

    def master(self, kid: str) -> bytes:
        for k, v in self.keys:
            if k == kid:
                return v
        raise DecryptionError(f"密钥 {kid} 不在当前密钥配置中（CFCITY_ENCRYPTION_KEYS）")


def parse_keys(text: str, cipher: str = "aes-256-gcm") -> Keyring:
    if cipher not in CIPHERS:
        raise KeyError_(f"CFCITY_CIPHER 应为 {' 或 '.join(CIPHERS)}，现为 {cipher!r}")
    keys: list[tuple[str, bytes]] = []
    for n, part in enumerate(re.split(r"[,\n]", text or ""), 1):
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        kid, sep, b64 = part.partition(":")
        if not sep or not _KID.match(kid):
            raise KeyError_(f"第 {n} 个密钥格式应为 <密钥编号>:<base64>，密钥编号只含字母、数字、-、_")
        try:
            raw = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyError_(f"密钥 {kid} 不是有效的 base64") from None
        if len(raw) != 32:
            raise KeyError_(f"密钥 {kid} 应为 32 字节（256 位），现为 {len(raw)} 字节")
        if any(k == kid for k, _ in keys):
            raise KeyError_(f"密钥编号 {kid} 重复")
        keys.append((kid, raw))
    if not keys:
        raise KeyError_("没有配置加密密钥（CFCITY_ENCRYPTION_KEYS）")
    return Keyring(tuple(keys), cipher)


def new_key_line(kid: str) -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def load_or_create_keyfile(path: Path) -> str:
    """The embedded default: a key file made once, readable by its owner only."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8")
    line = new_key_line("k1")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# cfcity 个人信息加密密钥：第一行为当前密钥。丢失则加密数据无法恢复，请另行安全备份。\n")
        f.write(line + "\n")
    return path.read_text(encoding="utf-8")


# --- sub-keys --------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _subkey(master: bytes, alg: str, purpose: bytes) -> bytes:
    h = hashes.SM3() if alg == "s" else hashes.SHA256()
    length = 16 if (alg == "s" and purpose == b"field") else 32
    return HKDF(algorithm=h, length=length, salt=b"cfcity", info=b"cfcity " + purpose).derive(master)


def _sm4_gcm(key: bytes, nonce: bytes, data: bytes, aad: bytes, *, encrypt: bool, tag: bytes = b"") -> bytes:
    if encrypt:
        e = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        e.authenticate_additional_data(aad)
        ct = e.update(data) + e.finalize()
        return ct + e.tag
    d = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    d.authenticate_additional_data(aad)
    return d.update(data) + d.finalize()


# --- values ------------------------------------------------------------------------------

def is_token(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def token_key(token: str) -> tuple[str, str]:
    """(cipher letter, key id) of a stored value, read without decrypting it."""
    parts = token.split("$", 3)
    if len(parts) != 4 or parts[0] + "$" != PREFIX:
        raise DecryptionError("不是加密值")
    return parts[1], parts[2]


def encrypt(ring: Keyring, plaintext: str, field: str) -> str:
    kid = ring.active_id
    key = _subkey(ring.master(kid), ring.alg, b"field")
    nonce = secrets.token_bytes(12)
    aad = field.encode()
    data = plaintext.encode("utf-8")
    if ring.alg == "a":
        ct = AESGCM(key).encrypt(nonce, data, aad)
    else:
        ct = _sm4_gcm(key, nonce, data, aad, encrypt=True)
    return f"{PREFIX}{ring.alg}${kid}${base64.urlsafe_b64encode(nonce + ct).decode().rstrip('=')}"


def decrypt(ring: Keyring, token: str, field: str) -> str:
    alg, kid = token_key(token)
    if alg not in CIPHERS.values():
        raise DecryptionError(f"未知的加密算法 {alg!r}")
    body = token.split("$", 3)[3]
    try:
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("加密值已损坏") from None
    nonce, ct = blob[:12], blob[12:]
    key = _subkey(ring.master(kid), alg, b"field")
    try:
        if alg == "a":
            data = AESGCM(key).decrypt(nonce, ct, field.encode())
        else:
            data = _sm4_gcm(key, nonce, ct[:-16], field.encode(), encrypt=False, tag=ct[-16:])
    except (InvalidTag, ValueError):
        raise DecryptionError("加密值无法解密：密钥不符、字段不符或数据被改动") from None
    return data.decode("utf-8")


def keyed_hash(ring: Keyring, value: str, *, kid: str | None = None, alg: str | None = None) -> str:
    """HMAC of a normalised value (SHA-256 or SM3 by the cipher), prefixed with the key id so
    a search can try every key in the ring while a rotation is under way."""
    kid = kid or ring.active_id
    alg = alg or ring.alg
    key = _subkey(ring.master(kid), alg, b"index")
    h = hmac.HMAC(key, hashes.SM3() if alg == "s" else hashes.SHA256())
    h.update(value.encode("utf-8"))
    return f"{alg}{kid}:{h.finalize().hex()}"


def search_hashes(ring: Keyring, value: str) -> list[str]:
    """Every hash ``value`` may be stored under: each key in the ring, each cipher."""
    return [keyed_hash(ring, value, kid=k, alg=a) for k, _ in ring.keys for a in CIPHERS.values()]


def hash_is_current(ring: Keyring, stored: str) -> bool:
    return stored.startswith(f"{ring.alg}{ring.active_id}:")


def same(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode(), b.encode())
