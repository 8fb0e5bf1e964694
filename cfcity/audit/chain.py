"""The hash chain of the audit log: how an entry is hashed, how it is appended, how the
chain is checked.

Each entry stores ``prev_hash`` (the ``entry_hash`` of the entry before it; ``GENESIS`` for
the first) and ``entry_hash`` = SHA-256 over a canonical JSON of its own fields and
``prev_hash``. Changing, removing or inserting a row breaks the link at that row. The format
is fixed forever (``v`` 1): archives and old rows are checked with this same function.
Plain functions over plain dicts, so the data migration and the archive use them too.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
FORMAT = 1
# the hashed fields, in the order of the archive's lines (``id`` is not hashed: the chain
# orders the rows, and a renumbered row still breaks its neighbours' links)
FIELDS = ("action", "actor_ref", "actor_name", "object_type", "object_id", "object_repr",
          "org_unit_ref", "data", "created_at", "prev_hash")
# one key for the whole log: every append in PostgreSQL takes it for the rest of its transaction
PG_LOCK_KEY = 0x63666369_74794155  # "cfcityAU"


def normal_data(data) -> dict:
    """``data`` as it reads back from the database (JSON round trip: tuples become lists,
    integer keys strings), so the hash written equals the hash recomputed."""
    return json.loads(json.dumps(data or {}))


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict) -> bytes:
    body = {name: fields[name] for name in FIELDS}
    body["created_at"] = (timestamp(body["created_at"]) if isinstance(body["created_at"], datetime)
                          else body["created_at"])
    body["v"] = FORMAT
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def lock(connection) -> None:
    """Serialise appends: in PostgreSQL an advisory lock held to the end of the caller's
    transaction, so the next writer reads this entry as its predecessor only after it is
    committed (two writers never link to the same entry). SQLite needs nothing: its
    transactions here are IMMEDIATE, one writer at a time for the whole database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])


# --- checking -------------------------------------------------------------------------------

@dataclass
class Problem:
    id: int | None
    reason: str
    row: dict | None = None

    def __str__(self):
        where = f"记录 #{self.id}" if self.id is not None else "结尾处"
        if self.row:
            when = self.row["created_at"]
            when = timestamp(when) if isinstance(when, datetime) else when
            where += f"（{when}，{self.row['action']}）"
        return f"{where}：{self.reason}"


@dataclass
class Result:
    checked: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = GENESIS
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(rows, *, prev: str = GENESIS, on_row=None) -> Result:
    """Walk ``rows`` (dicts with ``id``, FIELDS and ``entry_hash``, in chain order) and stop
    at the first that does not hold. ``prev``: the hash the first row must link to."""
    result = Result(last_hash=prev)
    for row in rows:
        if row["prev_hash"] != result.last_hash:
            why = ("与前一条记录的哈希不衔接（前一条记录被删除、插入或改动）" if result.checked
                   else "不是日志的第一条，它之前的记录缺失")
            result.problem = Problem(row["id"], why, row)
            return result
        if entry_hash(row) != row["entry_hash"]:
            result.problem = Problem(row["id"], "内容与其哈希不符（记录被改动）", row)
            return result
        # the foreign keys may only have been emptied by deleting the user or unit
        for fk, ref in (("actor_id", "actor_ref"), ("org_unit_id", "org_unit_ref")):
            if fk in row and row[fk] is not None and row[fk] != row[ref]:
                result.problem = Problem(row["id"], f"{fk} 与记录时不同（记录被改动）", row)
                return result
        result.checked += 1
        result.first_id = result.first_id if result.first_id is not None else row["id"]
        result.last_id, result.last_hash = row["id"], row["entry_hash"]
        if on_row:
            on_row()
    return result
