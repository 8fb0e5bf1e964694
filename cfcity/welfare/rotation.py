"""``cfcity keys rotate``: move every encrypted value, and every ID-number hash, to the
active key and cipher (the first key of CFCITY_ENCRYPTION_KEYS, CFCITY_CIPHER).

Every ``EncryptedTextField`` of every installed model is found through the app registry, so a
new encrypted column is rotated without changes here. Values are read as stored (raw SQL: the
stored value tells its cipher and key without decrypting, ``crypto.token_key``) and only those
on another key or cipher are re-encrypted. The work goes table by table in batches by primary
key; each batch is one transaction that also saves the position reached in ``KeyRotation``,
so after a crash (or Ctrl+C) the same command goes on where it stopped and nothing is done
twice or lost. The site can stay up: what it writes meanwhile is already on the active key.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from cfcity.audit.services import log_action

from . import crypto, keys
from .fields import EncryptedTextField
from .models import KeyRotation

# a keyed-hash column and the encrypted column it is the hash of
HASHED = {"welfare.child": ("id_hash", "id_number")}


class RotationError(Exception):
    """Rotation cannot start (message in Chinese, for the operator)."""


@dataclass
class Table:
    label: str  # app_label.model_name
    table: str
    pk: str
    columns: list[tuple[str, str]]  # (column, associated data)
    hashed: tuple[str, str] | None = None  # (hash column, column of the value hashed)

    def select(self) -> list[str]:
        cols = [self.pk] + [c for c, _ in self.columns]
        if self.hashed:
            cols.append(self.hashed[0])
        return cols


def tables() -> list[Table]:
    out = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        cols = [(f.column, f._aad()) for f in meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not cols:
            continue
        hashed = HASHED.get(meta.label_lower)
        out.append(Table(meta.label_lower, meta.db_table, meta.pk.column, cols, hashed))
    return sorted(out, key=lambda t: t.label)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _batches(t: Table, after, size: int, *, lock: bool = False):
    """Rows of ``t`` by primary key from after ``after``, ``size`` at a time (raw values)."""
    sql = (f"SELECT {', '.join(_q(c) for c in t.select())} FROM {_q(t.table)} "
           f"WHERE {_q(t.pk)} > %s ORDER BY {_q(t.pk)} LIMIT %s")
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cur:
        cur.execute(sql, [after, size])
        return cur.fetchall()


def _all_rows(t: Table, size: int = 1000):
    after = 0
    while True:
        rows = _batches(t, after, size)
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def _hash_is_keyed(stored: str) -> bool:
    return bool(stored) and not stored.startswith("anon:")


@dataclass
class Census:
    values: Counter = field(default_factory=Counter)  # (cipher letter, key id) → encrypted values
    hashes: Counter = field(default_factory=Counter)  # (cipher letter, key id) → ID-number hashes
    plain: int = 0  # non-empty values stored unencrypted (written before encryption, or by hand)
    stale: int = 0  # values and hashes not on the active key and cipher


def census(ring: crypto.Keyring) -> Census:
    """What is stored under which key, read without decrypting anything."""
    c = Census()
    for t in tables():
        n = len(t.columns)
        for r in _all_rows(t):
            for v in r[1:1 + n]:
                if v in (None, ""):
                    continue
                if not crypto.is_token(v):
                    c.plain += 1
                    c.stale += 1
                    continue
                alg, kid = crypto.token_key(v)
                c.values[(alg, kid)] += 1
                c.stale += (alg, kid) != (ring.alg, ring.active_id)
            if t.hashed and _hash_is_keyed(r[-1]):
                head = r[-1].split(":", 1)[0]  # "<cipher letter><key id>"
                c.hashes[(head[:1], head[1:])] += 1
                c.stale += not crypto.hash_is_current(ring, r[-1])
    return c


def missing_keys(ring: crypto.Keyring, c: Census) -> list[str]:
    have = {k for k, _ in ring.keys}
    return sorted({kid for _, kid in c.values} - have)


@dataclass
class Outcome:
    changed: int = 0  # values re-encrypted (or encrypted for the first time)
    rehashed: int = 0
    batches: int = 0
    resumed: bool = False
    rotation: KeyRotation | None = None


def _rotate_row(ring: crypto.Keyring, t: Table, r) -> tuple[dict[str, str], int, int]:
    """The new values of one row's columns that need it; (updates, re-encrypted, re-hashed)."""
    updates: dict[str, str] = {}
    n = len(t.columns)
    plain_of: dict[str, str] = {}
    for (col, aad), v in zip(t.columns, r[1:1 + n]):
        if v in (None, ""):
            continue
        if crypto.is_token(v):
            if crypto.token_key(v) == (ring.alg, ring.active_id):
                continue
            plain = crypto.decrypt(ring, v, aad)
        else:
            plain = v
        plain_of[col] = plain
        updates[col] = crypto.encrypt(ring, plain, aad)
    changed, rehashed = len(updates), 0
    if t.hashed:
        hash_col, of_col = t.hashed
        stored = r[-1]
        if _hash_is_keyed(stored) and not crypto.hash_is_current(ring, stored):
            if of_col not in plain_of:
                raw = r[1 + [c for c, _ in t.columns].index(of_col)]
                aad = dict(t.columns)[of_col]
                plain_of[of_col] = crypto.decrypt(ring, raw, aad) if crypto.is_token(raw) else raw
            updates[hash_col] = crypto.keyed_hash(ring, plain_of[of_col])
            rehashed = 1
    return updates, changed, rehashed


def _rotate_rows(ring: crypto.Keyring, t: Table, after, size: int, *, dry_run: bool):
    """One batch; returns (last primary key or None when the table is done, changed, rehashed)."""
    rows = _batches(t, after, size, lock=not dry_run)
    if not rows:
        return None, 0, 0
    changed = rehashed = 0
    with connection.cursor() as cur:
        for r in rows:
            updates, c, h = _rotate_row(ring, t, r)
            changed, rehashed = changed + c, rehashed + h
            if updates and not dry_run:
                sets = ", ".join(f"{_q(col)} = %s" for col in updates)
                cur.execute(f"UPDATE {_q(t.table)} SET {sets} WHERE {_q(t.pk)} = %s", [*updates.values(), r[0]])
    return rows[-1][0], changed, rehashed


def _resume_or_start(ring: crypto.Keyring) -> tuple[KeyRotation, bool]:
    open_ = (KeyRotation.objects.filter(key_id=ring.active_id, cipher=ring.cipher, finished_at__isnull=True)
             .order_by("-started_at", "-pk").first())
    if open_ is not None:
        return open_, True
    return KeyRotation.objects.create(key_id=ring.active_id, cipher=ring.cipher, position={}), False


def rotate(ring: crypto.Keyring | None = None, *, batch_size: int = 200, dry_run: bool = False,
           progress=None) -> Outcome:
    """Re-encrypt and re-hash everything not on the active key and cipher.

    ``progress``: a tqdm-like object (``total``, ``update``) or None. ``dry_run`` counts what
    would change and writes nothing (not even the progress record)."""
    ring = ring or keys.ring()
    before = census(ring)
    gone = missing_keys(ring, before)
    if gone:
        raise RotationError(f"有数据由密钥 {'、'.join(gone)} 加密，但该密钥不在 CFCITY_ENCRYPTION_KEYS 中；"
                            f"请把它加回密钥配置（放在新密钥之后）再轮换，否则这些数据将无法解密。")
    if progress is not None:
        progress.total = before.stale
        progress.refresh()
    out = Outcome()
    if dry_run:
        rot, position = None, {}
    else:
        rot, out.resumed = _resume_or_start(ring)
        position = dict(rot.position)
    out.rotation = rot
    for t in tables():
        after = position.get(t.label, 0)
        if after == "done":
            continue
        while True:
            with transaction.atomic():
                last, changed, rehashed = _rotate_rows(ring, t, after, batch_size, dry_run=dry_run)
                position[t.label] = "done" if last is None else last
                if rot is not None:
                    rot.position = position
                    rot.changed += changed + rehashed
                    rot.save(update_fields=["position", "changed"])
            out.changed += changed
            out.rehashed += rehashed
            if progress is not None and (changed or rehashed):
                progress.update(changed + rehashed)
            if last is None:
                break
            out.batches += 1
            after = last
    if rot is not None:
        with transaction.atomic():
            rot.finished_at = timezone.now()
            rot.save(update_fields=["finished_at"])
            log_action("welfare.keys.rotated", obj=rot, data={
                "key": ring.active_id, "cipher": ring.cipher, "changed": rot.changed,
                "resumed": out.resumed})
    return out
