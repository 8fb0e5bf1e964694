"""Three more plans of the genre, written for these tests, each with conventions the
reference does not use (see the docstring of each *_expected.py in tests/fixtures/genre/).
The expectations were written by hand from reading the documents, not from the parser.

    a  Markdown; 一、 is the domain (no 重点任务 part); （牵头单位：X；配合单位：Y） in full- and
       half-width; 3～5 / 3-5; ％ and ‰; ① sub-items; 保障措施 as a section; a 落款.
    b  a messy web/PDF copy in GBK: hard breaks inside sentences, years and names, page
       numbers, stray spaces, heading and task on one line, notes on lines of their own.
    c  （X牵头，Y配合）; 1、/(1)/①; many targets per sentence and several years per task; an
       indicator annex (TAB text, and a Word table in the .docx); a declared count that is
       wrong on purpose.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfcity.plans.importer import parse_bytes, parse_file, to_dict

from importer_checks import GENERATED, GENRE, assert_every_line_lands, check_targets, load_module


def _expected(stem: str) -> dict:
    return load_module(GENRE / f"{stem}_expected.py").EXPECTED


DOCS = {
    "a-md": (GENRE / "a_yunxi_county_2023.md", "a_yunxi_county_2023"),
    "b-web-gbk": (GENRE / "b_qingfeng_district_2023_web.txt", "b_qingfeng_district_2023_web"),
    "c-txt-tab-table": (GENRE / "c_qifeng_county_2023.txt", "c_qifeng_county_2023"),
    "c-docx-word-table": (GENERATED / "genre-c-docx.docx", "c_qifeng_county_2023"),
}
_PLANS: dict = {}


def plan_of(doc: str):
    if doc not in _PLANS:
        path, _ = DOCS[doc]
        _PLANS[doc] = parse_file(str(path))
    return _PLANS[doc]


def expected_of(doc: str) -> dict:
    return _expected(DOCS[doc][1])


def source_lines(doc: str) -> list[str]:
    """The document's lines as written (the .docx is built line for line from the .txt)."""
    path, stem = DOCS[doc]
    if path.suffix == ".docx":
        path = GENRE / (stem + ".txt")
    raw = path.read_bytes()
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc).splitlines()
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot decode {path}")


def _task_cases():
    for doc in DOCS:
        for d in expected_of(doc)["domains"]:
            for a in d["actions"]:
                for t in a["tasks"]:
                    yield pytest.param(doc, d["number"], a["number"], t, id=f"{doc}-{d['number']}.{a['number']}.{t['number']}")


def _find_task(plan, dnum, anum, tnum):
    for d in plan.domains:
        if d.number != dnum:
            continue
        for a in d.actions:
            if a.number != anum:
                continue
            for t in a.tasks:
                if t.number == tnum:
                    return t
    raise AssertionError(f"no task {dnum}.{anum}.{tnum}; structure: "
                         + str([(d.number, [(a.number, [t.number for t in a.tasks]) for a in d.actions]) for d in plan.domains]))


@pytest.mark.parametrize("doc", DOCS)
def test_meta(doc):
    plan, exp = plan_of(doc), expected_of(doc)
    assert plan.title == exp["title"]
    assert plan.issuer == exp["issuer"]
    assert plan.doc_number == exp["doc_number"]
    assert plan.date == exp["date"]
    assert (plan.period.start, plan.period.end) == exp["period"]


@pytest.mark.parametrize("doc", DOCS)
def test_encoding_detected(doc):
    exp = expected_of(doc)
    if "encoding" in exp and DOCS[doc][0].suffix != ".docx":
        assert plan_of(doc).source["encoding"] in exp["encoding"]


@pytest.mark.parametrize("doc", DOCS)
def test_structure(doc):
    plan, exp = plan_of(doc), expected_of(doc)
    counts = {"domains": len(plan.domains), "actions": len(plan.actions()), "tasks": len(plan.tasks())}
    assert counts == exp["counts"]
    got = [(d.number, d.title, [(a.number, a.title, [t.number for t in a.tasks]) for a in d.actions])
           for d in plan.domains]
    want = [(d["number"], d["title"], [(a["number"], a["title"], [t["number"] for t in a["tasks"]])
                                       for a in d["actions"]]) for d in exp["domains"]]
    assert got == want


@pytest.mark.parametrize("doc", DOCS)
def test_sections(doc):
    plan, exp = plan_of(doc), expected_of(doc)
    titles = [s.title for s in plan.sections]
    for want in exp["sections"]:
        assert any(want in t for t in titles), (want, titles)
    # closing parts are sections, never domains
    assert not any(w in d.title for d in plan.domains for w in ("保障措施", "组织实施", "总体要求"))


@pytest.mark.parametrize("doc", DOCS)
def test_declared_counts(doc):
    assert plan_of(doc).declared == expected_of(doc)["declared"]


@pytest.mark.parametrize("doc", DOCS)
def test_warnings_are_exactly_the_expected_ones(doc):
    plan, exp = plan_of(doc), expected_of(doc)
    wanted = list(exp["warnings"])
    unexpected = []
    for w in plan.warnings:
        match = next((e for e in wanted if e[0] == w.line and all(p in w.message for p in e[1])), None)
        if match:
            wanted.remove(match)
        else:
            unexpected.append((w.line, w.message))
    assert not unexpected, f"unexpected warnings: {unexpected}"
    assert not wanted, f"missing warnings (line, phrases): {wanted}; got {[(w.line, w.message) for w in plan.warnings]}"


@pytest.mark.parametrize("doc,dnum,anum,exp_task", list(_task_cases()))
def test_task_departments(doc, dnum, anum, exp_task):
    t = _find_task(plan_of(doc), dnum, anum, exp_task["number"])
    assert (t.lead_departments, t.cooperating_departments) == (exp_task["lead"], exp_task["coop"])


@pytest.mark.parametrize("doc,dnum,anum,exp_task", list(_task_cases()))
def test_task_text(doc, dnum, anum, exp_task):
    t = _find_task(plan_of(doc), dnum, anum, exp_task["number"])
    assert t.text and t.title
    for label in ("牵头单位", "配合单位", "责任单位", "牵头部门", "牵头，", "牵头,", "配合）", "配合)", "负责）"):
        assert label not in t.text, f"department note left in the text: {t.text!r}"
    assert t.text == t.text.strip(), f"stray whitespace around the text: {t.text!r}"
    assert " " not in t.text, t.text
    for i, c in enumerate(t.text):  # a line break only before a sub-item (①…)
        assert c != "\n" or t.text[i + 1:i + 2] in "①②③④⑤⑥⑦⑧⑨⑩", f"line break inside the text: {t.text!r}"
    if exp_task["starts"]:
        assert t.text.startswith(exp_task["starts"]), t.text


@pytest.mark.parametrize("doc,dnum,anum,exp_task", list(_task_cases()))
def test_task_targets(doc, dnum, anum, exp_task):
    t = _find_task(plan_of(doc), dnum, anum, exp_task["number"])
    check_targets(t.targets, exp_task["targets"], f"{doc} task {dnum}.{anum}.{exp_task['number']}")


@pytest.mark.parametrize("doc", DOCS)
def test_plan_level_targets_from_the_indicator_table(doc):
    plan, exp = plan_of(doc), expected_of(doc)
    check_targets(plan.targets, exp.get("plan_targets", []), f"{doc} plan-level targets")


@pytest.mark.parametrize("doc", DOCS)
def test_every_line_lands_in_the_plan_or_a_warning(doc):
    assert_every_line_lands(source_lines(doc), plan_of(doc))


def _comparable(d):
    if isinstance(d, dict):
        return {k: _comparable(v) for k, v in d.items() if k not in ("line", "source")}
    if isinstance(d, list):
        return [_comparable(x) for x in d]
    return d


def test_word_table_and_tab_text_give_the_same_plan():
    txt, docx = to_dict(plan_of("c-txt-tab-table")), to_dict(plan_of("c-docx-word-table"))
    for key in txt:
        if key in ("source", "warnings"):
            continue
        assert json.dumps(_comparable(txt[key]), ensure_ascii=False) == \
            json.dumps(_comparable(docx[key]), ensure_ascii=False), key
    assert [w.message for w in plan_of("c-txt-tab-table").warnings] == \
        [w.message for w in plan_of("c-docx-word-table").warnings]


def test_docx_built_now_matches_the_committed_one(builders, tmp_path):
    """The committed .docx is what the builder makes (python-docx, at test time)."""
    fresh = builders.build_genre_docx(GENRE / "c_qifeng_county_2023.txt", tmp_path / "c.docx")
    a = _comparable(to_dict(parse_file(str(fresh))))
    b = _comparable(to_dict(plan_of("c-docx-word-table")))
    a.pop("warnings"), b.pop("warnings")
    assert a == b


def test_gbk_copy_also_reads_as_utf8_and_gb18030():
    """The same web copy in other encodings gives the same plan."""
    raw = DOCS["b-web-gbk"][0].read_bytes()
    text = raw.decode("gbk")
    base = _comparable(to_dict(plan_of("b-web-gbk")))
    for enc in ("utf-8", "utf-8-sig", "gb18030"):
        other = _comparable(to_dict(parse_bytes(text.encode(enc), "copy.txt")))
        assert other == base, enc
