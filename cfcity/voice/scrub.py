"""Personal details out of a child's message: phone and ID numbers, e-mail, QQ/微信 ids,
addresses, names where recognisable — each replaced by a placeholder such as 〔电话〕.

Rules, not a language model: the text is read NFKC-normalised (full-width digits and letters
become ordinary ones) and digits may be split by spaces, dashes or dots (“138 1234 5678”). The
parts that hold no personal detail come back exactly as the child wrote them (full-width
punctuation kept). The rules err on the side of removing too much: a seven-digit number is
taken for a phone number, a string of nine or more digits for some number (〔号码〕).

Names are recognised only where a sentence says so (我叫…, 妈妈叫…, 同学…) or before a word
like 同学/老师/叔叔/阿姨 when they begin with a common surname (``surnames``). A name written
any other way stays — which is why only the restricted safeguarding team ever sees the original
and everyone else sees the scrubbed text after a person has read it (moderation).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .surnames import BEFORE_ROLE, COMPOUND, SINGLE

PHONE = "〔电话〕"
ID_NUMBER = "〔身份证号〕"
NUMBER = "〔号码〕"
EMAIL = "〔邮箱〕"
CHAT = "〔QQ/微信〕"
ADDRESS = "〔地址〕"
NAME = "〔姓名〕"

LABELS = {PHONE: "电话", ID_NUMBER: "身份证号", NUMBER: "号码", EMAIL: "邮箱", CHAT: "QQ/微信",
          ADDRESS: "地址", NAME: "姓名"}

_MASK = "\ue000"  # a private-use character: no rule matches it, so found parts are not re-found
_HAN = "\u4e00-\u9fff"
_SEP = r"[ \t\-–—.·_~/]"  # what may split the digits of one number (after NFKC)
_CN_NUM = "0-9一二三四五六七八九十百零〇两"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CHAT = re.compile(
    r"(?:QQ|qq|Qq|扣扣|企鹅|微信|威信|weixin|WeChat|wechat|VX|vx|Vx|WX|wx|V信|v信)"
    r"(?:号码|号|帐号|账号|ID|id)?\s*(?:是|为|:|：)?\s*"
    r"([A-Za-z][A-Za-z0-9_\-]{4,19}|\d(?:" + _SEP + r"?\d){4,11})")
# one run of digits, possibly split by separators, possibly ending with the X of an ID number
_DIGITS = re.compile(r"\d(?:" + _SEP + r"?\d)*(?:" + _SEP + r"?[Xx](?![A-Za-z]))?")
_ID18 = re.compile(r"[1-9]\d{16}[\dXx]")
_ID15 = re.compile(r"[1-9]\d{14}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")

# a place name: 1–8 Chinese characters or digits, but not a verb or word that a sentence puts
# before an address (我家住在 / 从 / 到 …), so that only the address itself is replaced
_NOT_PLACE = "我你他她它们住在是的从到去往走过经和跟给了就也都还每天对面旁边门口附近"
_PLACE = r"(?:(?![" + _NOT_PLACE + r"])[" + _HAN + r"A-Za-z0-9]){1,8}"
_N = r"[" + _CN_NUM + r"]+"
_UNIT = r"(?:号楼|栋|幢|座|号院|号|单元|室|楼|层|户|门)"
_ADDRESSES = [
    # 人民路18号(3栋2单元501室)
    re.compile(_PLACE + r"(?:路|街|大街|大道|巷|弄|胡同|里|道)" + _N + r"号(?:" + _N + _UNIT + r"|" + _N + r")*"),
    # 幸福小区3号楼2单元501(室)
    re.compile(_PLACE + r"(?:小区|花园|公寓|家园|新村|大厦|苑|村|社区|院|城|湾|府|庭)(?:" + _N + _UNIT + r")+"
               + r"(?:" + _N + r")?"),
    # 3号楼2单元501室, 5栋302 — without the estate's name
    re.compile(_N + r"(?:号楼|栋|幢)" + _N + r"(?:单元|层|楼)(?:" + _N + r"(?:室|号|户)?)?"),
    # 李家村3组, 红星村五组
    re.compile(_PLACE + r"村" + _N + r"(?:组|队|社)"),
]

_SURNAME = "(?:" + "|".join(COMPOUND) + "|[" + SINGLE + "])"
_GIVEN_STOP = ("的了们个位些年级班是和跟在给说都也还就被把让很太又不没有这那我你他她它"
               "老总经常一再最先已要会能打踢骂说抢欺推拿偷叫问找骗摸逼吓拉扯咬掐揍砸扔")
_ROLE = "同学|老师|叔叔|阿姨|校长|医生|哥哥|姐姐|爷爷|奶奶|伯伯|婶婶|舅舅|教练|主任"
_GIVEN = r"(?:(?!" + _ROLE + r")(?![" + _GIVEN_STOP + r"])[" + _HAN + r"]){1,2}"
_SURNAME_SAFE = "(?:" + "|".join(COMPOUND) + "|[" + BEFORE_ROLE + "])"
# after a word that says a name follows (我叫 / 我的名字是 / 妈妈叫 …): any common surname
_NAME_AFTER = re.compile(
    r"(?:我的名字(?:叫|是)|名字(?:叫|是)|我叫|名叫|叫做|他叫|她叫|"
    r"(?:爸爸|妈妈|爷爷|奶奶|外公|外婆|姥姥|姥爷|哥哥|姐姐|弟弟|妹妹|老师|同学|朋友|同桌|班主任|校长)"
    r"(?:的名字)?(?:叫|是))\s*"
    r"(" + _SURNAME + _GIVEN + r")")
# after a word a name often but not always follows (我是 / 同学 / 叫): only surnames that are
# rarely the start of an ordinary word (我是班长, 我是单亲家庭 stay)
_NAME_AFTER_WEAK = re.compile(r"(?:我是|他是|她是|同学|同桌|叫)\s*(" + _SURNAME_SAFE + _GIVEN + r")")
# before 同学/老师/…: 王小明同学, 张伟老师 (a common surname and one or two more characters)
_NAME_BEFORE = re.compile(
    r"((?:" + "|".join(COMPOUND) + "|[" + BEFORE_ROLE + r"])" + _GIVEN + r")(?=" + _ROLE + ")")


@dataclass
class Scrubbed:
    text: str
    found: dict[str, int] = field(default_factory=dict)  # placeholder -> how many

    @property
    def changed(self) -> bool:
        return bool(self.found)

    def summary(self) -> str:
        """“电话 1、姓名 2” — what was removed, without what it was."""
        return "、".join(f"{LABELS[k]} {n}" for k, n in self.found.items())


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character; ``starts[i]`` is where original character i begins in the result
    (with one extra entry at the end)."""
    parts, starts, pos = [], [], 0
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        if ch in "〔〕":  # keep placeholders' brackets whatever NFKC does with them
            n = ch
        if n == "\u3000":
            n = " "
        starts.append(pos)
        parts.append(n)
        pos += len(n)
    starts.append(pos)
    return "".join(parts), starts


def scrub(text: str) -> Scrubbed:
    """``text`` with personal details replaced by placeholders, and what was found."""
    if not text:
        return Scrubbed(text or "")
    norm, starts = _normalise(text)
    work = norm
    spans: list[tuple[int, int, str]] = []

    def take(start: int, end: int, kind: str):
        nonlocal work
        if start >= end:
            return
        spans.append((start, end, kind))
        work = work[:start] + _MASK * (end - start) + work[end:]

    for m in list(_EMAIL.finditer(work)):
        take(m.start(), m.end(), EMAIL)
    for m in list(_CHAT.finditer(work)):
        take(m.start(1), m.end(1), CHAT)
    for rx in _ADDRESSES:
        for m in list(rx.finditer(work)):
            take(m.start(), m.end(), ADDRESS)
    for m in list(_DIGITS.finditer(work)):
        _numbers(m, take)
    for rx in (_NAME_AFTER, _NAME_AFTER_WEAK):
        for m in list(rx.finditer(work)):
            take(m.start(1), m.end(1), NAME)
    for m in list(_NAME_BEFORE.finditer(work)):
        take(m.start(1), m.end(1), NAME)

    if not spans:
        return Scrubbed(text)
    # back to the original characters: a span covers every character whose normalised form
    # it touches
    spans.sort()
    out, found = [], {}
    index = 0
    for start, end, kind in spans:
        first = _char_at(starts, start)
        last = _char_at(starts, end - 1) + 1
        if first < index:  # overlaps the span before (one character normalised into two)
            first = index
        if first >= last:
            continue
        out.append(text[index:first])
        out.append(kind)
        found[kind] = found.get(kind, 0) + 1
        index = last
    out.append(text[index:])
    return Scrubbed("".join(out), found)


def _char_at(starts: list[int], pos: int) -> int:
    """The original character whose normalised form holds position ``pos``."""
    lo, hi = 0, len(starts) - 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _numbers(m: re.Match, take) -> None:
    """Classify one run of digits: an ID number, mobile, landline, or some other long number.
    Short numbers (an age, a class, a year) stay."""
    raw = m.group(0)
    # the digits without separators, and where each sits in ``raw``
    compact, where = [], []
    for i, ch in enumerate(raw):
        if ch.isdigit() or ch in "Xx":
            compact.append(ch)
            where.append(i)
    digits = "".join(compact)
    base = m.start()

    def span(a: int, b: int, kind: str):
        take(base + where[a], base + where[b - 1] + 1, kind)

    n = len(digits)
    if n < 7:
        return
    if n == 18 and _ID18.fullmatch(digits) or n == 15 and _ID15.fullmatch(digits):
        span(0, n, ID_NUMBER)
        return
    rest = [(0, n)]
    found_any = False
    for rx, kind in ((_ID18, ID_NUMBER), (_MOBILE, PHONE), (_LANDLINE, PHONE)):
        nxt = []
        for a, b in rest:
            pos = a
            for hit in rx.finditer(digits, a, b):
                if rx is _ID18 and (hit.end() - hit.start()) != 18:
                    continue
                span(hit.start(), hit.end(), kind)
                found_any = True
                if hit.start() > pos:
                    nxt.append((pos, hit.start()))
                pos = hit.end()
            if pos < b:
                nxt.append((pos, b))
        rest = nxt
    for a, b in rest:
        length = b - a
        if length >= 9 or (length >= 7 and not found_any):
            span(a, b, NUMBER if length >= 9 else PHONE)
        elif length >= 7:
            span(a, b, PHONE)


def scrub_text(text: str) -> str:
    """``text`` with personal details replaced by placeholders (〔电话〕〔姓名〕…)."""
    return scrub(text).text
