"""Checks shared by the importer's tests (plain pytest, no Django): paths of the reference
plan and the fixtures, a loader for the fixture modules, ``check_targets`` (parsed targets
against hand-written expectations) and ``assert_every_line_lands`` (the issue's rule that
every line of a document lands in the plan or in a warning).

Imported by the tests as ``import importer_checks`` (pytest puts tests/importer on the path).
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GENERATED = FIXTURES / "generated"
GENRE = FIXTURES / "genre"
BAD = FIXTURES / "bad"
REFERENCE = ROOT / "cfcity" / "data" / "huantai-2022-33-child-friendly-city-action-plan.txt"
SHARED_REFERENCE = ROOT.parent / "shared" / "reference" / REFERENCE.name

if str(GENRE) not in sys.path:  # the expectations use `from expected_helpers import T, task`
    sys.path.insert(0, str(GENRE))


def without_lines(d):
    """A plan's dict form without line numbers: what must agree across formats."""
    if isinstance(d, dict):
        return {k: without_lines(v) for k, v in d.items() if k != "line"}
    if isinstance(d, list):
        return [without_lines(x) for x in d]
    return d


def load_module(path: Path, name: str | None = None):
    """Import a module from a file (the fixtures are not a package)."""
    name = name or f"_cfcity_fixture_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))  # for `from expected_helpers import …`
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --- targets -------------------------------------------------------------------------

def _as_tuple(v):
    return v if isinstance(v, tuple) else (v,)


def target_problems(got, exp: dict) -> list[str]:
    """What differs between a parsed Target and an expectation dict (see
    tests/fixtures/genre/expected_helpers.py); empty when they agree."""
    problems = []
    phrases = _as_tuple(exp["indicator"])
    for ph in phrases:
        if ph not in got.indicator:
            problems.append(f"indicator {got.indicator!r} lacks {ph!r}")
    for ph in exp.get("indicator_not", ()):
        if ph in got.indicator:
            problems.append(f"indicator {got.indicator!r} should not contain {ph!r}")
    if got.comparator not in _as_tuple(exp["comparator"]):
        problems.append(f"comparator {got.comparator!r}, expected {exp['comparator']!r}")
    for key in ("value", "value_max"):
        want, have = exp[key], getattr(got, key)
        if want is None:
            if have is not None:
                problems.append(f"{key} {have!r}, expected none")
        elif have is None or abs(float(have) - float(want)) > 1e-9:
            problems.append(f"{key} {have!r}, expected {want!r}")
    if (got.unit or None) != exp["unit"]:
        problems.append(f"unit {got.unit!r}, expected {exp['unit']!r}")
    if got.year != exp["year"]:
        problems.append(f"year {got.year!r}, expected {exp['year']!r}")
    if exp["year_inferred"] is not None and bool(got.year_inferred) != bool(exp["year_inferred"]):
        problems.append(f"year_inferred {got.year_inferred!r}, expected {exp['year_inferred']!r}")
    if got.kind not in _as_tuple(exp["kind"]):
        problems.append(f"kind {got.kind!r}, expected {exp['kind']!r}")
    if exp.get("per") is not None and got.per != exp["per"]:
        problems.append(f"per {got.per!r}, expected {exp['per']!r}")
    if exp.get("direction") is not None and got.direction != exp["direction"]:
        problems.append(f"direction {got.direction!r}, expected {exp['direction']!r}")
    if exp.get("baseline") is not None:
        value, year = exp["baseline"]
        b = got.baseline
        if b is None or b.value is None or abs(b.value - value) > 1e-9 or b.year != year:
            problems.append(f"baseline {b!r}, expected value {value} year {year}")
    if exp.get("attribute") is not None and got.attribute != exp["attribute"]:
        problems.append(f"attribute {got.attribute!r}, expected {exp['attribute']!r}")
    if exp.get("responsible") is not None and list(got.responsible) != list(exp["responsible"]):
        problems.append(f"responsible {got.responsible!r}, expected {exp['responsible']!r}")
    if not got.source:
        problems.append("source is empty")
    return problems


def describe(t) -> str:
    return (f"[{t.kind}] {t.indicator} {t.comparator} {t.value}"
            f"{'–' + str(t.value_max) if t.value_max is not None else ''} {t.unit} "
            f"{t.year}{'?' if t.year_inferred else ''}")


def check_targets(got: list, expected: list[dict], where: str):
    """Every expected target is matched by exactly one parsed target (by indicator phrase,
    then all fields), and nothing else was parsed."""
    remaining = list(got)
    errors = []
    for exp in expected:
        candidates = [t for t in remaining if all(p in t.indicator for p in _as_tuple(exp["indicator"]))
                      and not any(p in t.indicator for p in exp.get("indicator_not", ()))]
        exact = [t for t in candidates if not target_problems(t, exp)]
        if exact:
            remaining.remove(exact[0])
            continue
        if candidates:
            errors.append(f"{where}: target {exp['indicator']!r}: " + "; ".join(target_problems(candidates[0], exp)))
            remaining.remove(candidates[0])
        else:
            errors.append(f"{where}: no target with indicator containing {exp['indicator']!r} "
                          f"(parsed: {[describe(t) for t in got]})")
    for t in remaining:
        errors.append(f"{where}: unexpected target {describe(t)} from {t.source!r}")
    assert not errors, "\n".join(errors)


# --- every line lands somewhere ----------------------------------------------------------

_MARKER = re.compile(r"第[一二三四五六七八九十百零〇\d]+(?:章|部分|条|节)|[一二三四五六七八九十]+[、．]|"
                     r"[（(][一二三四五六七八九十\d]{1,3}[）)]|(?<![\d.])\d{1,3}[.．、](?!\d)|[①-⑳]")
# headings that only wrap the task structure: they are structure, not content
STRUCTURAL = {"重点任务", "主要任务", "重点行动", "行动任务", "建设任务", "工作任务", "主要举措", "重点工作", "具体任务"}
_LABELS = re.compile(r"牵头部门|牵头单位|责任单位|责任部门|配合单位|配合部门|参与单位|牵头|配合|负责")

_PAGE_NUMBER = re.compile(r"^(?:[—–\-－]\s*\d{1,4}\s*[—–\-－]|第\s*\d{1,4}\s*页)$")
_LABELS_ACROSS = re.compile("|".join("\x00?".join(label) for label in sorted(
    _LABELS.pattern.split("|"), key=len, reverse=True)))


def norm(s: str) -> str:
    """Only the letters, CJK characters and digits of a text, label words dropped."""
    s = s.replace("[bookmark: _GoBack]", "")
    s = _LABELS.sub("", s)
    return "".join(c for c in s if c.isalnum())


def plan_haystack(plan) -> str:
    parts = [plan.title, plan.issuer, plan.doc_number, plan.date or ""]
    def target_parts(g):
        b = g.baseline
        return [g.indicator, g.source, g.unit or "", str(g.value), str(g.value_max),
                str(b.value) if b else "", g.attribute or "", "".join(g.responsible)]
    for d in plan.domains:
        parts += [d.title, d.text]
        for a in d.actions:
            parts += [a.title, a.text]
            for t in a.tasks:
                parts += [t.title, t.text + "".join(t.lead_departments) + "".join(t.cooperating_departments)]
                for g in t.targets:
                    parts += target_parts(g)
    for g in plan.targets:
        parts += target_parts(g)
    for s in plan.sections:
        parts += [s.title, s.text]
    for w in plan.warnings:
        parts.append(w.message)
    return "\n".join(norm(p) for p in parts)


def _num(s: str) -> str:
    """'4.5' and '4.50' both → '45'; '92' stays '92'."""
    try:
        f = float(s)
    except ValueError:
        return norm(s)
    return norm(str(int(f)) if f.is_integer() else repr(f))


def assert_every_line_lands(lines: list[str], plan, *, header_row=("指标", "目标值")):
    """Each non-blank line — each fragment of it between numbering markers, each cell of a
    table row — can be found in the plan or its warnings."""
    hay = plan_haystack(plan)
    missing = []
    # department labels broken over two lines (“（牵头部\n门：”, even with a page number
    # between) are dropped across the break; page-number lines are checked on their own
    pages = {i: ln for i, ln in enumerate(lines) if _PAGE_NUMBER.match(ln.strip())}
    body = [i for i in range(len(lines)) if i not in pages]
    joined = "\x00".join(lines[i] for i in body)
    joined = _LABELS_ACROSS.sub(lambda m: "\x00" * m.group().count("\x00"), joined)
    lines = list(lines)
    for i, text in zip(body, joined.split("\x00")):
        lines[i] = text
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if all(h in line for h in header_row):
                continue  # a table's header: it is structure, not content
            pieces = [_num(c) for c in cells[1:] if c]  # cell 0 is the row's 序号
        else:
            text = re.sub(r"^\s*#{1,6}\s*", "", line)  # Markdown heading marks
            pieces = [norm(p) for p in _MARKER.split(text)]
        for piece in pieces:
            if piece and piece not in hay and piece not in STRUCTURAL:
                missing.append(f"line {i}: {piece!r} (from {line.strip()[:60]!r})")
    assert not missing, "lines that landed nowhere:\n" + "\n".join(missing)
