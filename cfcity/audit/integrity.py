"""Checking the audit log in the database: the whole chain, its head, an outside anchor."""
from __future__ import annotations

from . import chain
from .models import AuditEntry, ChainHead

COLUMNS = ("id", *chain.FIELDS, "entry_hash", "actor_id", "org_unit_id")


def parse_anchor(text: str) -> tuple[int, str]:
    """``ID:HASH`` as printed by ``cfcity audit verify``."""
    ident, _, digest = text.partition(":")
    if not ident.strip().lstrip("#").isdigit() or len(digest.strip()) != 64:
        raise ValueError(f"锚点应写成“记录编号:哈希”（cfcity audit verify 最后一行所示），现为“{text}”")
    return int(ident.strip().lstrip("#")), digest.strip().lower()


def verify_database(*, anchor: tuple[int, str] | None = None, on_row=None) -> chain.Result:
    """Walk every entry in id order (streamed), then hold the end of the chain against the
    head row (entries removed from the end) and, if given, an anchor kept outside the
    database (an entry known earlier: still there, still the same)."""
    rows = AuditEntry.objects.order_by("id").values(*COLUMNS).iterator(chunk_size=2000)
    result = chain.check(rows, on_row=on_row)
    if not result.ok:
        return result
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and result.checked:
        result.problem = chain.Problem(None, "链尾记录缺失（日志被改动）")
    elif head is not None and (head.last_id, head.last_hash, head.count) != (
            result.last_id, result.last_hash, result.checked):
        result.problem = chain.Problem(
            None, f"链尾应为记录 #{head.last_id}（共 {head.count} 条），实际最后一条是 "
                  f"#{result.last_id}（共 {result.checked} 条）：日志末尾的记录被删除")
    elif anchor is not None:
        ident, digest = anchor
        found = AuditEntry.objects.filter(pk=ident).values_list("entry_hash", flat=True).first()
        if found is None:
            result.problem = chain.Problem(ident, "锚点记录已不在日志中（日志末尾被截断或记录被删除）")
        elif found != digest:
            result.problem = chain.Problem(ident, "锚点记录的哈希与记下的不同（日志被改写）")
    return result
