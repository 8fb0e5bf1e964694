"""Does a message suggest that a child is in danger? Plain word lists (``DangerRule``, edited
by the coordinator), matched on the text NFKC-normalised, lower-cased, with spaces and common
separators removed — so “想 死”, “想-死” and full-width letters are found too. No regular
expressions: a rule cannot be written that hangs the server."""
from __future__ import annotations

import re
import unicodedata

MAX_WORD = 30  # characters in one word of a rule
MAX_WORDS = 200  # words in one rule
_GAPS = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\-_.,，。、·~!！?？…*\"'“”‘’]+")

# seeded by the migration 0002; the coordinator edits them at /voice/rules/
DEFAULTS = {
    "abuse": ["打我", "被打", "虐待", "不让我吃饭", "不给我饭吃", "摸我", "性侵", "脱我衣服", "关起来",
              "用烟烫", "不让我上学", "不让我回家", "没人管我", "被拐", "强迫我"],
    "self_harm": ["自杀", "不想活", "想死", "割腕", "跳楼", "伤害自己", "活着没意思", "结束生命", "吃药死",
                  "消失算了"],
    "violence": ["欺负我", "霸凌", "勒索", "威胁我", "打架", "拿刀", "要钱不给就打", "围殴", "扇我", "踢我"],
    "other": ["离家出走", "陌生人跟着", "跟踪我", "救救我", "救命"],
}


def normalise(text: str) -> str:
    return _GAPS.sub("", unicodedata.normalize("NFKC", text or "").lower())


def clean_words(raw: str) -> list[str]:
    """The words of a rule as the coordinator typed them (one per line, also split at commas):
    stripped, de-duplicated, each at most MAX_WORD characters. Raises ValueError."""
    words, seen = [], set()
    for line in re.split(r"[\n,，、;；]", raw or ""):
        w = line.strip()
        if not w:
            continue
        if len(w) > MAX_WORD:
            raise ValueError(f"“{w[:10]}…”太长：每个词不超过 {MAX_WORD} 个字")
        if "\x00" in w or any(unicodedata.category(c) == "Cc" for c in w):
            raise ValueError("词语中有不可见的控制字符")
        if len(normalise(w)) < 2:
            raise ValueError(f"“{w}”太短：每个词至少 2 个字，否则几乎每条留言都会被标记")
        if w not in seen:
            seen.add(w)
            words.append(w)
    if not words:
        raise ValueError("请至少填写一个词")
    if len(words) > MAX_WORDS:
        raise ValueError(f"一条规则最多 {MAX_WORDS} 个词")
    return words


def rules_for_area(area_id: int | None):
    from django.db.models import Q

    from .models import DangerRule
    return DangerRule.objects.filter(Q(area__isnull=True) | Q(area_id=area_id), active=True)


def ensure_defaults() -> int:
    """The shared default rules (DEFAULTS), for each category that has none — as migration
    0002 seeds them; for a database emptied since (the demo, tests). Returns how many were made."""
    from .models import DangerRule
    made = 0
    for category, words in DEFAULTS.items():
        if not DangerRule.objects.filter(area__isnull=True, category=category).exists():
            DangerRule.objects.create(category=category, words="\n".join(words), active=True)
            made += 1
    return made


def _word_lists(area_id: int | None) -> list[tuple[str, list[str]]]:
    """(category, words) of the rules in force. With no rule at all in the database (a
    database emptied and not migrated again) the defaults apply: a message that suggests
    danger is never let through unflagged for want of rules. Rules the coordinator switched
    off stay off."""
    from .models import DangerRule
    rules = [(r.category, r.word_list()) for r in rules_for_area(area_id)]
    if not rules and not DangerRule.objects.exists():
        return list(DEFAULTS.items())
    return rules


def match(text: str, area_id: int | None = None) -> list[str]:
    """The categories (in rule order, no repeats) whose words occur in ``text``."""
    norm = normalise(text)
    found: list[str] = []
    for category, words in _word_lists(area_id):
        if category in found:
            continue
        if any(normalise(w) in norm for w in words):
            found.append(category)
    return found
