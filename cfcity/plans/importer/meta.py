"""Document facts outside the task structure: title, issuer, 文号, date, period, and the
counts the document declares for itself (“着力实施13大行动，落实42项任务”)."""
from __future__ import annotations

import re

from .text import cn_number

DOC_NUMBER = re.compile(r"((?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,8}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号)")
DATE = re.compile(r"((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月\s*([\d一二三四五六七八九十]{1,3})\s*日")
ISSUER_END = re.compile(r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|工作委员会|领导小组|管理委员会|局|委)$")
TITLE_END = re.compile(r"(方案|规划|计划|意见|纲要|要点|办法|措施|细则)(（[^（）]*）)?$")
NOTICE = re.compile(r"关于印发(.+?)的通知")
PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—–\-－~～至到]+\s*((?:19|20)\d{2})\s*年")
FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030), "十六五": (2031, 2035)}
# 13大行动, 42项任务, 五大领域, 22项具体任务, 11项重点行动
DECLARED = re.compile(r"(?<![\d.])(\d{1,4}|[一二三四五六七八九十]{1,3})\s*(?:大|个|项|类|方面)\s*[^\d\s年，。；、]{0,3}?(领域|行动|任务)")
DECLARED_KEYS = {"领域": "domains", "行动": "actions", "任务": "tasks"}


def normalise_doc_number(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    return re.sub(r"[\[［(（【](\d{4})[\]］)）】]", r"〔\1〕", s)


def find_doc_number(text: str) -> str | None:
    text = re.sub(r"^.*(通知|决定|意见|函)", "", text, flags=re.M)  # 文号 follows the notice title
    m = DOC_NUMBER.search(text)
    return normalise_doc_number(m.group(1)) if m else None


def parse_date(text: str) -> str | None:
    m = DATE.search(text)
    if not m:
        return None
    y, mo, d = (cn_number(g) for g in m.groups())
    if not (y and mo and d) or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def is_issuer(text: str) -> bool:
    return len(text) <= 30 and bool(ISSUER_END.search(text)) and not re.search(r"[，。：:]", text)


def is_title_piece(text: str) -> bool:
    return len(text) <= 45 and not re.search(r"[，。；：:]", text) and not DATE.search(text)


def period_from_title(title: str) -> tuple[int, int] | None:
    m = PERIOD_RANGE.search(title)
    if m:
        return int(m.group(1)), int(m.group(2))
    for k, v in FIVE_YEAR.items():
        if k in title:
            return v
    return None


def declared_phrases(text: str) -> dict[str, tuple[int, str]]:
    """{"tasks": (42, "42项任务"), …}: the first statement of each count."""
    out: dict[str, tuple[int, str]] = {}
    for m in DECLARED.finditer(text):
        key = DECLARED_KEYS[m.group(2)]
        n = cn_number(m.group(1))
        if n and key not in out:
            out[key] = (n, m.group(0))
    return out


def declared_counts(text: str) -> dict[str, int]:
    return {k: n for k, (n, _) in declared_phrases(text).items()}
