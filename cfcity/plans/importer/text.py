"""Character-level clean-up shared by every stage: spaces, punctuation widths, numerals."""
from __future__ import annotations

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK characters and full-width punctuation: a space next to one of these is an artefact
_WIDE = _CJK + r"\u3000-\u303f\uff00-\uffef\u2014\u2015\u2018-\u201f\u2026\u00b7"
_SPACE_NEAR_WIDE = re.compile(rf"(?<=[{_WIDE}])[ \u00a0\u3000]+|[ \u00a0\u3000]+(?=[{_WIDE}])")
_ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\{\\[^}]*\}")
_MULTISPACE = re.compile(r"[ \u00a0\u3000]{2,}")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ \u00a0]+(?=[.%\d])|(?<=\d\.)[ \u00a0]+(?=\d)")

HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！"})
FULL_TO_HALF_DIGITS = str.maketrans("０１２３４５６７８９．％～－", "0123456789.%~-")

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def clean_line(s: str) -> str:
    """Remove conversion artefacts, spaces inside Chinese text, and unify digits."""
    s = _ARTEFACTS.sub("", s)
    s = s.replace("\ufeff", "").replace("\u200b", "").replace("\r", "")
    s = s.translate(FULL_TO_HALF_DIGITS)
    s = _SPACE_NEAR_WIDE.sub("", s.strip())
    s = _SPACE_IN_NUMBER.sub("", s)
    return _MULTISPACE.sub(" ", s)


def unify_punct(s: str) -> str:
    """Full-width brackets, colons, commas and semicolons; no spaces (department names)."""
    return re.sub(r"\s+", "", s.translate(HALF_TO_FULL))


def cn_number(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; Arabic digits pass through."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in CN_DIGITS for c in s):  # 二〇二二 (a year)
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def is_cjk(c: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", c))


def split_outside_brackets(text: str, separators: str, *, keep: bool = False) -> list[str]:
    """Split at separators that stand outside （）() and “” — 各区（市、县） stays whole.
    With ``keep`` each piece ends with its separator."""
    out, cur, depth = [], [], 0
    for c in text:
        if c in "（(“":
            depth += 1
        elif c in "）)”":
            depth = max(0, depth - 1)
        if c in separators and depth == 0:
            if keep:
                cur.append(c)
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return out
