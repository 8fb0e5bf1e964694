"""Raw lines → logical lines: page numbers out, hard line breaks mended, run-together
headings split.  Every raw line ends up in exactly one logical line or in ``dropped``
(page numbers), so nothing disappears unnoticed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markers import match_marker
from .meta import is_issuer
from .reader import RawLine
from .text import clean_line

PAGE_NUMBER = re.compile(
    r"^(?:[—–\-－―_]+\s*\d{1,4}\s*[—–\-－―_]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,3})$")

DEPT_LINE = re.compile(r"^[（(【\[]?\s*(牵头部门|牵头单位|责任单位|责任部门|主责单位|配合单位|配合部门|参与单位|协办单位)")
CLOSING = re.compile(r"^(抄送|主送|印发|附件|附表|报送)[：:]|^附件\d*$|^附件[：:]?")
DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号$")
DATE_LINE = re.compile(r"^(\d{4}|[二〇○零一三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日$")
# a line ending like this has finished its sentence
TERMINAL = tuple("。！？；：”’）)》」』】!?;:")
# a line ending like this cannot be the end of a paragraph
OPEN_END = tuple("，、（(“‘《「『【—到至和与及或在为对于将把从按向")
CONT_START = tuple("，、。；：）)”’》」』】%％年月日号个名所条处片张项次")


@dataclass
class Line:
    text: str
    numbers: list[int] = field(default_factory=list)  # raw line numbers it came from
    used: bool = False  # set by whoever stores its text in the plan

    @property
    def number(self) -> int:
        return self.numbers[0] if self.numbers else 0


def _width(lines: list[str]) -> int:
    """Typical width of a full line of wrapped text (PDF copies wrap at a fixed width)."""
    lens = sorted(len(s) for s in lines if len(s) >= 8)
    if not lens:
        return 10**6
    return lens[int(len(lens) * 0.9) - 1 if len(lens) > 1 else 0]


def _continues(prev: str, nxt: str, nxt_indented: bool, width: int, wrapped_doc: bool,
               indents_known: bool = False, last_numbers: dict | None = None,
               prev_first: str | None = None) -> bool:
    """Does physical line ``nxt`` continue the paragraph whose last physical line is
    ``prev`` (and whose first line is ``prev_first``)?"""
    if not prev or not nxt:
        return False
    first = prev_first if prev_first is not None else prev
    if prev.endswith(("（", "(", "【", "“", "《", "、")):
        return True  # an open bracket or list cannot end a paragraph
    mk = match_marker(nxt)
    if mk and wrapped_doc and not prev.endswith(TERMINAL) and last_numbers is not None:
        # "达到\n95.8%": a number that cannot be the next item of its style is wrapped text
        style, n = mk[0], mk[1]
        last = last_numbers.get(style)
        if n > 2 and (last is None or not (last - 1 <= n <= last + 2)):
            return True
    if mk or DEPT_LINE.match(nxt) or CLOSING.match(nxt) or DATE_LINE.match(nxt):
        return False
    if DATE_LINE.match(prev) or "\t" in prev or "\t" in nxt:
        return False
    if nxt_indented:
        return False
    if DOC_NUMBER_LINE.match(nxt) or DOC_NUMBER_LINE.match(prev):
        return False  # 文号 stands on a line of its own
    if prev.endswith(TERMINAL) and is_issuer(nxt):
        return False  # the signature under a notice
    if not prev.endswith(TERMINAL) and (len(nxt) <= 3 or (DEPT_LINE.match(first) and len(nxt) <= 12)):
        return True  # "区卫生健\n康局": the tail of a name or sentence, not a paragraph
    dept_note_ends = prev.endswith(("）", ")")) and bool(DEPT_LINE.search(first))
    if wrapped_doc and len(prev) >= width * (0.85 if indents_known else 0.95) and not dept_note_ends:
        # a full line followed by an unindented one runs on, even when a sentence happened
        # to end at the line's end (paragraphs start with an indent or a number)
        return True
    if prev.endswith(TERMINAL):
        # a department note or sentence ends here; only a closing bracket may be mid-sentence
        return prev.endswith(("）", ")")) and nxt.startswith(CONT_START) and not dept_note_ends
    if prev.endswith(OPEN_END) or nxt.startswith(CONT_START):
        return True
    # a line as long as the text's wrap width that did not end its sentence
    return wrapped_doc and len(prev) >= width * 0.85


def split_run_together(text: str) -> list[str]:
    """'1.实施…行动（1）加强…' → two lines: a short heading with a deeper item after it."""
    parts = [text]
    while True:
        cur = parts[-1]
        mk = match_marker(cur)
        if not mk:
            break
        rest_start = len(cur) - len(mk[3])
        found = None
        for n in re.finditer(r"[（(](?:\d{1,3}|[一二三四五六七八九十]+)[）)]|(?<![\d.])\d{1,2}[.．、](?!\d)", cur[rest_start:]):
            pos = rest_start + n.start()
            head = cur[rest_start:pos]
            if 2 <= len(head) <= 40 and not re.search(r"[。，；：,;:]", head) and n.group()[0] != cur[0] \
                    and not re.search(r"[（(]$", head):
                found = pos
            break
        if found is None:
            break
        parts[-1:] = [cur[:found], cur[found:]]
    return parts


def build(raw_lines: list[RawLine], *, wrapped_hint: bool = False) -> tuple[list[Line], list[Line]]:
    """Return (logical lines, dropped page-number lines)."""
    cleaned = [(rl.number, clean_line(rl.text) if "\t" not in rl.text else
                "\t".join(clean_line(c) for c in rl.text.split("\t")), rl.indented) for rl in raw_lines]
    dropped: list[Line] = []
    kept: list[tuple[int, str, bool]] = []
    for number, text, indented in cleaned:
        if not text.strip("\t "):
            kept.append((number, "", False))
        elif PAGE_NUMBER.match(text):
            dropped.append(Line(text, [number]))
            # blank lines around a page number belong to the page break, not the text
            while kept and not kept[-1][1]:
                kept.pop()
            kept.append((number, None, False))
        else:
            kept.append((number, text, indented))
    # drop blanks after a page break too, then the markers themselves
    tidy: list[tuple[int, str, bool]] = []
    after_break = False
    for number, text, indented in kept:
        if text is None:
            after_break = True
            continue
        if after_break and not text:
            continue
        after_break = False
        tidy.append((number, text, indented))
    texts = [t for _, t, _ in tidy]
    width = _width(texts)
    # PDFs and web copies wrap; a document of whole paragraphs has ragged line lengths
    wrapped_doc = wrapped_hint or _looks_wrapped(texts, width)
    indents_known = sum(1 for _, t, i in tidy if i and t) >= 3
    paragraphs: list[tuple[list[str], list[int]]] = []  # physical pieces and their numbers
    last_numbers: dict[str, int] = {}
    for number, text, indented in tidy:
        if not text:
            paragraphs.append(([], [number]))  # a blank line ends the paragraph
            continue
        prev = paragraphs[-1] if paragraphs and paragraphs[-1][0] else None
        if prev is not None and _continues(prev[0][-1], text, indented, width, wrapped_doc,
                                           indents_known, last_numbers, prev_first=prev[0][0]):
            prev[0].append(text)
            prev[1].append(number)
            continue
        mk = match_marker(text)
        if mk:
            last_numbers[mk[0]] = mk[1]
        paragraphs.append(([text], [number]))
    result: list[Line] = []
    for pieces, numbers in paragraphs:
        if not pieces:
            continue
        for piece in split_run_together("".join(pieces)):
            result.append(Line(piece, list(numbers)))
    return result, dropped


def _looks_wrapped(texts: list[str], width: int) -> bool:
    long = [t for t in texts if len(t) >= 12]
    if len(long) < 5:
        return False
    near = sum(1 for t in long if len(t) >= width * 0.85 and not t.endswith(TERMINAL))
    return near / len(long) > 0.2
