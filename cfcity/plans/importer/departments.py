"""Department notes after a task: （牵头部门：A、B）, (牵头单位:A;配合单位:B), 【责任单位】A,
（A牵头，B配合）, or a line of its own after the task.  Lead and co-operating units apart."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import unify_punct

LEAD_LABELS = ("牵头部门", "牵头单位", "责任单位", "责任部门", "主责单位", "主责部门", "牵头", "责任")
COOP_LABELS = ("配合单位", "配合部门", "参与单位", "参与部门", "协办单位", "协同单位", "协作单位", "配合")
_LABEL = "|".join(sorted(LEAD_LABELS[:-2] + COOP_LABELS[:-1], key=len, reverse=True))
# a labelled note: optional opening bracket, label, optional colon
NOTE_START = re.compile(rf"[（(【\[]\s*(?:{_LABEL})\s*[：:】\]]?|(?<![^\s，。；;,])(?:{_LABEL})\s*[：:】]")
SUFFIX_NOTE = re.compile(r"[（(]([^（()）]{2,200}?(?:牵头|负责|配合|参与)[^（()）]*)[）)]\s*$")
OPENERS, CLOSERS = "（(【[", "）)】]"


@dataclass
class Note:
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    start: int = 0  # where the note starts in the text it was cut from
    closed: bool = True


def split_names(s: str) -> list[str]:
    """'县教育体育局、县委宣传部（县文明办）,团县委' → names; brackets inside a name kept."""
    names, depth, cur = [], 0, []
    for c in s:
        if c in "（(":
            depth += 1
        elif c in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and c in "、，,；;/ 　":
            names.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    names.append("".join(cur))
    out = []
    for n in names:
        n = unify_punct(n).strip("。：:、，")
        n = re.sub(r"^(等|各)$", "", n)
        n = re.sub(r"等$", "", n) if len(n) > 3 else n
        if n and n not in out:
            out.append(n)
    return out


def _parse_labelled(body: str) -> Note:
    note = Note()
    # split into labelled parts: 牵头单位：A；配合单位：B
    parts = re.split(rf"(?:^|[；;。，,\s]+)(?=(?:{_LABEL})\s*[：:】\]]?)", body)
    has_lead_label = bool(re.search(r"牵头(?:部门|单位)", body))
    for part in parts:
        part = part.strip(" ；;，,。")
        if not part:
            continue
        m = re.match(rf"({_LABEL})\s*[：:】\]]?\s*(.*)$", part, re.S)
        if not m:
            note.lead += [n for n in split_names(part) if n not in note.lead]
            continue
        label, names = m.group(1), split_names(m.group(2))
        # 牵头单位 beside 责任单位: the responsible units are the co-operating ones
        responsible_cooperate = label.startswith("责任") and has_lead_label
        target = note.cooperating if (label in COOP_LABELS or label.startswith(("配合", "参与", "协"))
                                      or responsible_cooperate) else note.lead
        target += [n for n in names if n not in target]
    return note


def _parse_suffix_style(body: str) -> Note | None:
    """'县教育体育局牵头，县财政局、县住建局配合' (and 负责 / 参与)."""
    note = Note()
    ok = False
    for part in re.split(r"[；;，,]", body):
        part = part.strip()
        m = re.match(r"^(.+?)(牵头|负责|配合|参与|协助)$", part)
        if not m:
            return None
        ok = True
        (note.lead if m.group(2) in ("牵头", "负责") else note.cooperating).extend(split_names(m.group(1)))
    return note if ok else None


def find_note(text: str) -> Note | None:
    """The department note in a task's text, if any; ``start`` marks where to cut."""
    m = None
    for m in NOTE_START.finditer(text):
        pass  # the last labelled note wins: the note comes after the task's wording
    if m is not None:
        # back up to the first label of a run (牵头单位：…；配合单位：… is one note)
        first = None
        for cand in NOTE_START.finditer(text):
            bracketed = cand.group()[0] in OPENERS
            tail_before = text[:cand.start()]
            if bracketed or not first or not re.search(r"[。]", text[first.start():cand.start()]):
                if first is None or re.search(r"[。]\s*$", tail_before) or bracketed:
                    first = cand
        start = first.start() if first else m.start()
        rest = text[start:]
        opener = rest[0] if rest[0] in OPENERS else None
        if opener:
            close = {"（": "）", "(": ")", "【": "】", "[": "]"}[opener]
            depth, end = 0, None
            for i, c in enumerate(rest):
                if c in "（(" and opener in "（(":
                    depth += 1
                elif c in "）)" and opener in "（(":
                    depth -= 1
                    if depth == 0:
                        end = i
                        break
                elif c == close and opener in "【[":
                    end = i
                    break
            if opener in "【[":
                # 【牵头单位】A、B — the label is bracketed, the names follow to the end
                body = rest[1:].replace(close, "：", 1)
                note = _parse_labelled(body)
                note.start = start
                return note
            if end is None:
                note = _parse_labelled(rest[1:])
                note.start, note.closed = start, False
                return note
            note = _parse_labelled(rest[1:end])
            note.start = start
            if rest[end + 1:].strip(" 。；;"):
                # text after the note: keep the note only if it ends the task
                return None if len(rest[end + 1:].strip()) > 2 else note
            return note
        note = _parse_labelled(rest)
        note.start = start
        return note
    m = SUFFIX_NOTE.search(text)
    if m:
        note = _parse_suffix_style(m.group(1))
        if note:
            note.start = m.start()
            return note
    return None
