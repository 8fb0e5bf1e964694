"""Department notes after a task: （牵头部门：A、B）, (牵头单位:A;配合单位:B), 【责任单位】A,
（A牵头，B配合）, or a line of its own after the task.  Lead and co-operating units apart."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import split_outside_brackets, unify_punct

LEAD_LABELS = ("牵头部门", "牵头单位", "责任单位", "责任部门", "主责单位", "主责部门", "牵头", "责任")
COOP_LABELS = ("配合单位", "配合部门", "参与单位", "参与部门", "协办单位", "协同单位", "协作单位", "配合")
_LABEL = "|".join(sorted(LEAD_LABELS[:-2] + COOP_LABELS[:-1], key=len, reverse=True)) + \
    r"|牵头(?=\s*[：:])|配合(?=\s*[：:])|责任(?=\s*[：:])"  # short labels only with a colon
# a labelled note: optional opening bracket, label, optional colon
NOTE_START = re.compile(rf"[（(【\[]\s*(?:{_LABEL})\s*[：:】\]]?|(?<![^\s，。；;,])(?:{_LABEL})\s*[：:】]")
BRACKETED_LABEL = re.compile(rf"[【\[]\s*({_LABEL.split('|牵头(?=')[0]})\s*[】\]]")
SUFFIX_NOTE = re.compile(r"[（(]([^（()）]{2,200}?(?:牵头|负责|配合|参与)[^（()）]*)[）)]\s*$")


@dataclass
class Note:
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    start: int = 0  # where the note starts in the text it was cut from
    closed: bool = True


def split_names(s: str) -> list[str]:
    """'县教育体育局、县委宣传部（县文明办）,团县委' → names; brackets inside a name kept."""
    names = split_outside_brackets(s, "、，,；;/ 　")
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
    has_lead_label = bool(re.search(r"牵头(?:部门|单位)?\s*[：:]", body))
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
        target = note.cooperating if (label.startswith(("配合", "参与", "协"))
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
    # 【牵头单位】A【配合单位】B reads as ；牵头单位：A；配合单位：B — same length, same offsets
    norm = BRACKETED_LABEL.sub(lambda m: "；" + m.group(1) + "：", text)
    matches = list(NOTE_START.finditer(norm))
    if matches:
        # the note is the run of labels at the end: back up while no sentence ends between
        i = len(matches) - 1
        while i > 0 and not re.search(r"[。]", norm[matches[i - 1].end():matches[i].start()]):
            i -= 1
        start = matches[i].start()
        if start > 0 and text[start - 1] in "【[":
            start -= 1  # cut at the bracket of 【牵头单位】
        rest = norm[start:]
        if rest[0] in "（(":
            depth, end = 0, None
            for j, c in enumerate(rest):
                if c in "（(":
                    depth += 1
                elif c in "）)":
                    depth -= 1
                    if depth == 0:
                        end = j
                        break
            if end is None:
                note = _parse_labelled(rest[1:])
                note.start, note.closed = start, False
                return note
            if len(rest[end + 1:].strip(" 。；;")) > 2:
                return None  # words after the bracket: not a note that ends the task
            note = _parse_labelled(rest[1:end])
            note.start = start
            return note
        note = _parse_labelled(rest.lstrip("；【["))
        note.start = start
        return note
    m = SUFFIX_NOTE.search(text)
    if m:
        note = _parse_suffix_style(m.group(1))
        if note:
            note.start = m.start()
            return note
    return None
