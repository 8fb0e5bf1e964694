"""Archiving: entries past the retention period are written to a gzip JSON-lines file with
their hashes, and stay in the database ("archived, not deleted").

Each run archives the next stretch of the chain: from the entry after the last archived one
up to the first entry not yet past the retention period, so archives are consecutive pieces
of one chain and each file can be checked on its own (``verify_file``). File layout, one JSON
object a line: a header (``format``, ``prev_hash`` the first entry links to, the cut-off),
one line per entry (``id``, the hashed fields, ``entry_hash``), a footer (``count``,
``last_hash``) so that a file cut short is noticed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import chain
from .models import AuditEntry

ACTION = "audit.archive.created"
FORMAT = "cfcity-audit-archive"
COLUMNS = ("id", *chain.FIELDS, "entry_hash")


class ArchiveError(Exception):
    pass


@dataclass
class Archived:
    path: Path | None
    count: int = 0
    first_id: int | None = None
    last_id: int | None = None
    sha256: str = ""


def retention_days() -> int:
    return settings.CFCITY_AUDIT_RETENTION_DAYS


def default_directory() -> Path:
    return Path(settings.DATA_DIR) / "audit-archive"


def last_archived_id() -> int:
    done = AuditEntry.objects.filter(action=ACTION).order_by("-id").values_list("data", flat=True).first()
    return int(done["last_id"]) if done else 0


def pending(now=None):
    """The entries the next run archives (a queryset in chain order) and the cut-off."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    after = last_archived_id()
    rows = AuditEntry.objects.filter(id__gt=after)
    boundary = rows.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    if boundary is not None:
        rows = rows.filter(id__lt=boundary)
    return rows.order_by("id"), cutoff


def _line(row: dict) -> str:
    out = {name: row[name] for name in COLUMNS}
    out["created_at"] = chain.timestamp(row["created_at"])
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def run(*, output: Path | None = None, actor=None, now=None, progress=None) -> Archived:
    """Write the pending entries to ``output`` (default: ``<data dir>/audit-archive/``) and
    record the run in the log. Nothing pending: no file, no entry."""
    rows, cutoff = pending(now)
    first = rows.values_list("id", flat=True).first()
    if first is None:
        return Archived(path=None)
    last = rows.order_by("-id").values_list("id", flat=True).first()
    path = Path(output) if output else default_directory() / f"audit-{first:08d}-{last:08d}.jsonl.gz"
    if path.exists():
        raise ArchiveError(f"文件已存在，不会覆盖：{path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    result = Archived(path=path, first_id=first, last_id=last)
    prev_hash = rows.values_list("prev_hash", flat=True).first()
    try:
        with gzip.open(partial, "wt", encoding="utf-8") as f:
            f.write(json.dumps({"format": FORMAT, "version": chain.FORMAT, "prev_hash": prev_hash,
                                "cutoff": chain.timestamp(cutoff), "made_at": chain.timestamp(timezone.now()),
                                "retention_days": retention_days()}, ensure_ascii=False) + "\n")
            last_hash = prev_hash
            for row in rows.filter(id__lte=last).values(*COLUMNS).iterator(chunk_size=2000):
                f.write(_line(row) + "\n")
                result.count += 1
                last_hash = row["entry_hash"]
                if progress:
                    progress()
            f.write(json.dumps({"end": True, "count": result.count, "last_hash": last_hash}) + "\n")
        result.sha256 = hashlib.sha256(partial.read_bytes()).hexdigest()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    from .services import log_action  # the run itself is recorded (services imports models only)

    with transaction.atomic():
        log_action(ACTION, actor=actor, data={
            "file": path.name, "first_id": first, "last_id": last, "count": result.count,
            "sha256": result.sha256, "prev_hash": prev_hash, "last_hash": last_hash,
            "cutoff": chain.timestamp(cutoff), "retention_days": retention_days()})
    return result


def read(path: Path):
    """Header, an iterator over the entry rows, and a holder the footer lands in."""
    try:
        f = gzip.open(path, "rt", encoding="utf-8")
        header = json.loads(f.readline())
    except (OSError, EOFError, ValueError) as e:
        raise ArchiveError(f"无法读取归档文件 {path}：{e}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        f.close()
        raise ArchiveError(f"{path} 不是操作记录归档文件")
    footer = {}

    def rows():
        with f:
            number = 1
            try:
                for number, line in enumerate(f, start=2):
                    item = json.loads(line)
                    if item.get("end"):
                        footer.update(item)
                        if f.readline():
                            raise ArchiveError(f"{path} 第 {number} 行之后还有内容")
                        return
                    yield item
            except (OSError, EOFError, ValueError) as e:  # a cut-off gzip stream, a broken line
                footer["damaged"] = f"第 {number} 行之后无法读取（文件不完整或已损坏：{e}）"
    return header, rows(), footer


def verify_file(path: Path, *, on_row=None) -> tuple[dict, chain.Result]:
    """Check an archive on its own: every entry's hash, the links between them, and the
    footer (nothing cut off the end)."""
    header, rows, footer = read(path)
    result = chain.check(rows, prev=header.get("prev_hash", chain.GENESIS), on_row=on_row)
    if result.ok:
        if "damaged" in footer:
            result.problem = chain.Problem(None, footer["damaged"])
        elif not footer:
            result.problem = chain.Problem(None, "文件结尾缺失（文件被截断）")
        elif footer.get("count") != result.checked or footer.get("last_hash") != result.last_hash:
            result.problem = chain.Problem(None, f"文件结尾记载 {footer.get('count')} 条记录，"
                                                 f"实际核验 {result.checked} 条（记录被删除或截断）")
    return header, result
