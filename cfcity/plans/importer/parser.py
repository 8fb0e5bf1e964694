"""Put the stages together: bytes → lines → outline → typed Plan with warnings."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import lines as lines_mod
from . import meta, outline, tables
from .departments import find_note
from .errors import PlanDocumentError
from .lines import CLOSING, DATE_LINE, Line
from .model import Action, Domain, Period, Plan, Section, Task, Warning
from .reader import RawLine, read_document
from .targets import YEAR_RE, extract

TASK_PART = re.compile(r"重点任务|主要任务|重点行动|行动任务|建设任务|工作任务|主要举措|重点工作|具体任务|任务措施|行动内容|重点领域|主要行动|建设内容")
SECTION_PART = re.compile(r"总体要求|指导思想|基本原则|工作目标|主要目标|发展目标|总体目标|目标任务|保障措施|组织实施|"
                          r"工作要求|实施步骤|工作步骤|组织保障|进度安排|工作机制|监测评估|附则|实施保障|工作安排")
STRUCTURED_SUFFIXES = {".json", ".yaml", ".yml"}
LEVEL_NAMES = {"domain": "领域", "action": "行动", "task": "任务"}


def heading(text: str) -> str:
    """A task's title: its first sentence when that is a short heading, else its first clause."""
    t = text.strip()
    m = re.match(r"^(.{2,40}?)[。：:]", t)
    if m and not re.search(r"[，,]", m.group(1)):
        return m.group(1)
    m = re.match(r"^(.{2,40}?)[，,。；;]", t)
    if m:
        return m.group(1)
    return t if len(t) <= 40 else t[:38] + "…"


def _title_candidate(text: str) -> bool:
    """A piece of a title: short, no sentence punctuation, not a signature, date or 文号;
    bracketed only when it gives the period, as in （2023—2025年）."""
    if not meta.is_title_piece(text) or meta.is_issuer(text) or meta.find_doc_number(text):
        return False
    if re.fullmatch(r"[（(].*[）)]", text):
        return bool(meta.PERIOD_RANGE.search(text))
    return not text.endswith("通知")


@dataclass
class _Numbered:
    number: int
    line: int


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.plan = Plan()
        self.warn_list: list[Warning] = []

    def warn(self, line: int | None, message: str):
        self.warn_list.append(Warning(line, message))

    # --- preamble: notice, title, introduction ---------------------------------------
    def preamble(self, pre: list[Line]):
        """Lines before the first numbered item: the covering notice (issuer, 文号, date),
        the plan's own title, and its introduction."""
        plan = self.plan
        texts = [ln.text for ln in pre]
        # the introduction: the paragraphs after the last title-like line
        intro_start = len(pre)
        while intro_start > 0 and not _title_candidate(texts[intro_start - 1]):
            intro_start -= 1
        if intro_start == 0:
            intro_start = len(pre)
        # the title: the run of short lines just above it, read together
        title_start = intro_start
        while title_start > 0 and _title_candidate(texts[title_start - 1]):
            title_start -= 1
        title = "".join(texts[title_start:intro_start])
        if not meta.TITLE_END.search(title):
            title_start, title = intro_start, ""
        notice, title_lines, intro = pre[:title_start], pre[title_start:intro_start], pre[intro_start:]
        for ln in title_lines:
            ln.used = True
        notice_text = "\n".join(ln.text for ln in notice)
        plan.doc_number = meta.find_doc_number(notice_text) or ""
        plan.date = meta.parse_date(notice_text)
        plan.issuer = next((ln.text for ln in notice if meta.is_issuer(ln.text)), "")
        if not title:  # fall back on the notice: 关于印发《…》的通知
            m = meta.NOTICE.search(notice_text.replace("\n", ""))
            title = m.group(1).strip("《》") if m else ""
        plan.title = title
        if notice:
            self.section("印发通知", notice, number=None)
        if intro:
            self.section("前言", intro, number=None)

    def section(self, title: str, body: list[Line], number: str | None):
        for ln in body:
            ln.used = True
        text = "\n".join(ln.text for ln in body)
        self.plan.sections.append(Section(title=title, text=text, number=number,
                                          line=body[0].number if body else None))

    def node_section(self, node: outline.Node):
        node.mark_used()
        title = node.title()
        rest = node.text[len(title):].lstrip("。：: ") if node.text.startswith(title) else node.text
        parts = [rest] + [b.text for b in node.body] + [c.full_text(with_marker=True) for c in node.children]
        number = re.sub(r"[、．.（）()]", "", node.marker)
        self.plan.sections.append(Section(title=title, text="\n".join(p for p in parts if p),
                                          number=number, line=node.lineno))

    # --- the task structure ------------------------------------------------------------
    def domain(self, node: outline.Node) -> Domain:
        node.line.used = True
        dom = Domain(number=node.number, title=node.title(), line=node.lineno)
        dom.text, default_note = self._intro(node)
        if any(c.children for c in node.children):
            for c in node.children:
                c.line.used = True
                act = Action(number=c.number, title=c.title(), line=c.lineno)
                act.text, note = self._intro(c)
                note = note or default_note
                if not c.children:
                    self.warn(c.lineno, f"行动“{act.title}”下没有任务")
                for t in c.children:
                    act.tasks.append(self.task(t, note))
                dom.actions.append(act)
        else:
            self.warn(node.lineno, f"“{dom.title}”下只有一级条目，已把它们作为同名行动下的任务")
            act = Action(number=node.number, title=dom.title, line=node.lineno)
            for t in node.children:
                act.tasks.append(self.task(t, default_note))
            dom.actions.append(act)
        return dom

    @staticmethod
    def _intro(node: outline.Node):
        """Words under a domain/action heading before its items, and the department note
        among them, which applies to every item beneath that has none of its own."""
        title = node.title()
        extra = node.text[len(title):].strip("。：: ") if node.text.startswith(title) else ""
        parts = ([extra] if extra else []) + [b.text for b in node.body]
        for b in node.body:
            b.used = True
        text = "\n".join(parts)
        note = find_note(text) if text else None
        if note:
            text = text[:note.start].rstrip(" \n")
        return text, note

    def task(self, node: outline.Node, default_note) -> Task:
        node.mark_used()
        parts = [(node.text, node.lineno)] + [(b.text, b.number) for b in node.body] + \
                [(c.full_text(with_marker=True), c.lineno) for c in node.children]
        # the note ends the task's wording, or a line of it when sub-items (①…) follow
        note, at = None, None
        for i in range(len(parts) - 1, -1, -1):
            note = find_note(parts[i][0])
            if note:
                at = i
                break
        lead, coop = [], []
        if note:
            text_i, line_i = parts[at]
            if not note.closed:
                self.warn(line_i, "部门注释缺少右括号，已读到任务末尾为止")
            if not note.lead and not note.cooperating:
                self.warn(line_i, "部门注释中没有识别出单位名称")
            parts[at] = (text_i[:note.start].rstrip(" \n"), line_i)
            lead, coop = note.lead, note.cooperating
        elif default_note:
            lead, coop = list(default_note.lead), list(default_note.cooperating)
        else:
            self.warn(node.lineno, f"任务（{node.number}）没有注明牵头部门")
        if note and not lead and coop:
            self.warn(node.lineno, f"任务（{node.number}）只注明了配合单位，没有牵头单位")
        text = "\n".join(p for p, _ in parts if p)
        task = Task(number=node.number, title=heading(text), text=text, lead_departments=lead,
                    cooperating_departments=coop, line=node.lineno)
        task._parts = parts  # for target line numbers
        return task

    @staticmethod
    def _line_at(parts, offset: int) -> int:
        pos = 0
        for text, line in parts:
            if not text:
                continue
            if offset <= pos + len(text):
                return line
            pos += len(text) + 1
        return parts[-1][1]

    # --- checks ------------------------------------------------------------------------
    def check_numbering(self, groups: list[list], level: str):
        """Numbers either run across the plan or restart under each parent; both are fine,
        a skipped or repeated number is not."""
        flat = [x for g in groups for x in g]
        if not flat:
            return
        restarts = len(groups) > 1 and all(g and g[0].number == 1 for g in groups)
        seqs = groups if restarts else [flat]
        name = LEVEL_NAMES[level]
        for seq in seqs:
            expected = seq[0].number if seq else 1
            if seq and seq[0].number != 1 and seq is seqs[0]:
                self.warn(seq[0].line, f"{name}编号从 {seq[0].number} 开始，不是从 1 开始")
            seen = set()
            for x in seq:
                if x.number in seen:
                    self.warn(x.line, f"{name}编号 {x.number} 重复")
                elif x.number > expected:
                    missing = "、".join(str(n) for n in range(expected, x.number))
                    self.warn(x.line, f"{name}编号跳过了 {missing}")
                elif x.number < expected:
                    self.warn(x.line, f"{name}编号 {x.number} 顺序错乱（应为 {expected}）")
                seen.add(x.number)
                expected = max(expected, x.number + 1)


def _split_closing(lines: list[Line]) -> tuple[list[Line], list[list[Line]]]:
    """Closing parts (抄送、附件…) start at such a line after the first numbered item."""
    first_marker = next((i for i, ln in enumerate(lines) if outline.match_marker(ln.text)), None)
    if first_marker is None:
        return lines, []
    for i in range(first_marker + 1, len(lines)):
        if CLOSING.match(lines[i].text):
            main, rest = lines[:i], lines[i:]
            groups: list[list[Line]] = []
            for ln in rest:
                if CLOSING.match(ln.text) or not groups:
                    groups.append([ln])
                else:
                    groups[-1].append(ln)
            return main, groups
    return lines, []


def parse_lines(raw_lines: list[RawLine], *, name: str = "", wrapped: bool = False) -> Plan:
    logical, dropped = lines_mod.build(raw_lines, wrapped_hint=wrapped)
    if not logical:
        raise PlanDocumentError("文件中没有文字内容", file=name)
    b = _Builder(name)
    plan = b.plan
    if dropped:
        nums = "、".join(str(d.number) for d in dropped[:10]) + ("等" if len(dropped) > 10 else "")
        b.warn(dropped[0].number, f"已忽略 {len(dropped)} 行页码（第{nums}行）")
    main, closing = _split_closing(logical)
    # a signature and date closing a document that has no covering notice
    signature: list[Line] = []
    if len(main) >= 2 and DATE_LINE.match(main[-1].text):
        signature = [main.pop()]
        if main and meta.is_issuer(main[-1].text):
            signature.insert(0, main.pop())
    ind_tables = tables.find_tables(logical)
    ol = outline.build(main)
    if not ol.roots:
        raise PlanDocumentError("没有找到编号结构（如“一、”“（一）”“1.”“（1）”），无法识别为行动方案", file=name,
                                line=logical[0].number)
    b.preamble(ol.preamble)
    # which top-level items hold the tasks
    containers = [r for r in ol.roots if TASK_PART.search(r.title()) and r.children]
    if containers:
        domain_nodes = [c for r in containers for c in r.children]
        for r in containers:
            r.line.used = True
            if r.body:
                b.warn(r.lineno, f"“{r.title()}”标题后的说明文字未归入任务：{r.body[0].text[:60]}")
                for ln in r.body:
                    ln.used = True
    else:
        domain_nodes = [r for r in ol.roots if not SECTION_PART.search(r.title()) and r.children]
    b.domains_are_roots, b.roots = not containers, ol.roots
    if not domain_nodes:
        raise PlanDocumentError("没有找到任务结构（领域、行动和任务的分级编号），无法识别为行动方案", file=name,
                                line=ol.roots[0].lineno)
    # everything else at the top level is a section, in document order
    for r in ol.roots:
        if r in containers:
            continue
        if r in domain_nodes:
            continue
        b.node_section(r)
    plan.domains = [b.domain(n) for n in domain_nodes]
    for group in closing:
        head = group[0]
        label = re.match(r"^([^：:]{1,12})[：:]?", head.text).group(1)
        b.section(label, [ln for ln in group if "\t" not in ln.text], None)  # rows: tables.py
        numbered = [ln for ln in group[1:] if outline.match_marker(ln.text)]
        if len(numbered) >= 3:
            b.warn(numbered[0].number, f"“{label}”之后还有 {len(numbered)} 行带编号的内容，已作为该部分的文字保存，"
                                       f"没有导入为任务；如果这是方案正文，请检查文件")
    if signature:
        if not plan.issuer and meta.is_issuer(signature[0].text):
            plan.issuer = signature[0].text
        if not plan.date:
            plan.date = meta.parse_date(signature[-1].text)
        b.section("落款", signature, None)
    _finish(b, ind_tables, logical)
    return plan


def _finish(b: _Builder, ind_tables, logical: list[Line]):
    plan = b.plan
    tasks = plan.tasks()
    # the plan's period: from its title (十四五, 2023—2025年), else from the years it names
    period = meta.period_from_title(plan.title)
    years = [int(y) for t in tasks for y in YEAR_RE.findall(t.text)]
    if period:
        plan.period = Period(*period)
    else:
        start = int(plan.date[:4]) if plan.date else (min(years) if years else None)
        plan.period = Period(start, max(years) if years else None)
        if not years:
            b.warn(None, "无法确定方案的实施期限（标题和任务中都没有年份），请在导出文件中补充 period")
    for task in tasks:
        task.targets = extract(task.text, task.line, plan.period.end)
        for t in task.targets:
            t.line = next((ln for text, ln in task._parts if t.source[:12] in text), task.line)
        del task._parts
    # indicator tables: pair each row with the task target that states it
    for table in ind_tables:
        for row in table.rows:
            row.line.used = True
            target, problem = tables.row_target(table, row, plan.period.end)
            if problem:
                b.warn(row.line.number, problem)
                continue
            best, score = None, 0.0
            for task in tasks:
                for t in task.targets:
                    s = tables.similarity(target.indicator, t.indicator)
                    if t.value == target.value and s > score:
                        best, score = t, s
            if best is not None and score >= 0.4:
                best.baseline = target.baseline
                best.attribute = target.attribute
                best.responsible = target.responsible
                if target.unit and best.unit and target.unit != best.unit and target.unit.startswith(best.unit):
                    best.unit = target.unit  # the table's 元/人·月 is more precise than the text's 元
                if best.year_inferred and not target.year_inferred:
                    best.year, best.year_inferred = target.year, False
            else:
                plan.targets.append(target)
                b.warn(row.line.number, f"指标表中的“{target.indicator}”没有找到陈述同一目标的任务，已作为方案级指标导入")
    # the counts the document declares for itself
    phrases = meta.declared_phrases("\n".join(s.text for s in plan.sections))
    plan.declared = {k: n for k, (n, _) in phrases.items()}
    actual = {"domains": len(plan.domains), "actions": len(plan.actions()), "tasks": len(tasks)}
    for key, (n, phrase) in phrases.items():
        if actual[key] != n:
            at = next((ln.number for ln in logical if phrase in ln.text), None)
            b.warn(at,
                   f"文件声明有 {n} 项{LEVEL_NAMES[key[:-1]]}，实际识别出 {actual[key]} 项")
    if b.domains_are_roots:
        # 一、总体要求 二、…友好: the domains share their numbering with the sections
        b.check_numbering([[_Numbered(r.number, r.lineno) for r in b.roots]], "domain")
    else:
        b.check_numbering([plan.domains], "domain")
    b.check_numbering([d.actions for d in plan.domains], "action")
    b.check_numbering([a.tasks for a in plan.actions()], "task")
    if not plan.title:
        b.warn(None, "没有找到方案标题，请在导出文件中补充 title")
    if not plan.issuer:
        b.warn(None, "没有识别出发文单位，请在导出文件中补充 issuer")
    for t in tasks:
        if not t.text.strip():
            b.warn(t.line, f"任务（{t.number}）没有内容")
    # nothing dropped silently: any line not stored anywhere becomes a warning
    for ln in logical:
        if not ln.used:
            b.warn(ln.number, f"此行未能归入方案结构：{ln.text[:80]}")
    plan.warnings = sorted(b.warn_list, key=lambda w: (w.line is None, w.line or 0))


def parse_bytes(raw: bytes, name: str) -> Plan:
    path = Path(name)
    if path.suffix.lower() in STRUCTURED_SUFFIXES:
        from .serialize import load_structured

        return load_structured(path, raw)
    doc = read_document(raw, name)
    plan = parse_lines(doc.lines, name=name, wrapped=doc.format == "pdf")
    plan.source = {"file": path.name, "format": doc.format, "encoding": doc.encoding,
                   "sha256": hashlib.sha256(raw).hexdigest(), "lines": len(doc.lines)}
    return plan


def parse_file(path) -> Plan:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PlanDocumentError("文件不存在", file=str(p))
    except IsADirectoryError:
        raise PlanDocumentError("这是一个文件夹，不是文件", file=str(p))
    except PermissionError:
        raise PlanDocumentError("没有读取该文件的权限", file=str(p))
    return parse_bytes(raw, str(p))
