"""“What must hold” of issue 2 on the reference plan (桓政办字〔2022〕33号), in all four
forms: the .txt as published, a .docx made from it with python-docx, a PDF made from that
.docx by LibreOffice (committed: tests/fixtures/generated/reference.pdf) and the .txt in
GB18030.  The expected departments and targets below were written out by hand from the
document.
"""
from __future__ import annotations

import json

import pytest

from cfcity.plans.importer import parse_bytes, parse_file, to_dict

from importer_checks import (GENERATED, without_lines, REFERENCE, SHARED_REFERENCE, assert_every_line_lands,
                             check_targets)
from expected_helpers import T

# every task's lead departments, exactly as written (the reference names no co-operating units)
LEADS = {
    1: ["县发展改革局", "县妇儿工委办公室"],
    2: ["县自然资源局", "县住房城乡建设局", "县妇儿工委办公室", "县教育体育局", "县卫生健康局",
        "县综合执法局", "县文化和旅游局"],
    3: ["县妇儿工委办公室", "县发展改革局"],
    4: ["县妇联"],
    5: ["县妇儿工委办公室"],
    6: ["县卫生健康局"],
    7: ["县教育体育局"],
    8: ["县教育体育局", "县财政局"],
    9: ["县教育体育局"],
    10: ["县教育体育局"],
    11: ["县卫生健康局"],
    12: ["县卫生健康局", "县教育体育局"],
    13: ["县卫生健康局", "县教育体育局"],
    14: ["县卫生健康局", "县教育体育局"],
    15: ["县教育体育局"],
    16: ["县委宣传部", "县文化和旅游局", "县教育体育局"],
    17: ["县文化和旅游局", "县委宣传部", "县融媒体中心"],
    18: ["县民政局"],
    19: ["县民政局"],
    20: ["县民政局", "县行政审批服务局", "团县委", "县妇联"],
    21: ["市医保局桓台分局", "县民政局"],
    22: ["县民政局", "县财政局", "团县委"],
    23: ["县残联"],
    24: ["县妇儿工委办公室"],
    25: ["县妇儿工委办公室"],
    26: ["县教育体育局", "县公安局", "县交通运输局", "县综合执法局"],
    27: ["县卫生健康局"],
    28: ["县自然资源局", "县住房城乡建设局", "县公安局", "县交通运输局", "县综合执法局"],
    29: ["县综合执法局", "县住房城乡建设局"],
    30: ["县文化和旅游局", "县教育体育局", "县科协"],
    31: ["县妇联", "县委宣传部"],
    32: ["县妇联", "县教育体育局"],
    33: ["县委宣传部", "团县委", "县教育体育局"],
    34: ["县委宣传部"],
    35: ["市生态环境局桓台分局"],
    36: ["县总工会", "县工业和信息化局", "县科技局"],
    37: ["县融媒体中心", "县妇儿工委办公室"],
    38: ["县公安局", "县市场监管局", "县文化和旅游局", "县教育体育局"],
    39: ["县应急局"],
    40: ["县委宣传部", "县公安局"],
    41: ["县司法局", "县检察院", "县法院"],
    42: ["县公安局", "县检察院", "县法院"],
}

DOMAINS = [
    (1, "完善儿童友好社会政策", [1, 2]),
    (2, "提升儿童友好公共服务", [3, 4, 5, 6]),
    (3, "加强儿童友好权利保障", [7, 8]),
    (4, "拓展儿童友好成长空间", [9, 10]),
    (5, "优化儿童友好发展环境", [11, 12, 13]),
]
ACTIONS = {
    1: ("实施儿童友好政策设计行动", range(1, 4)),
    2: ("实施儿童参与实践行动", range(4, 6)),
    3: ("实施“幼有善育”促进行动", range(6, 8)),
    4: ("实施“学有优教”促进行动", range(8, 11)),
    5: ("实施儿童健康促进行动", range(11, 16)),
    6: ("实施儿童文体服务促进行动", range(16, 18)),
    7: ("实施儿童社会福利提升行动", range(18, 22)),
    8: ("实施困境儿童保障行动", range(22, 24)),
    9: ("实施儿童友好空间建设行动", range(24, 29)),
    10: ("实施儿童友好空间拓展行动", range(29, 31)),
    11: ("实施文明家庭建设行动", range(31, 33)),
    12: ("实施社会环境优化行动", range(33, 38)),
    13: ("实施儿童安全保护提升行动", range(38, 43)),
}

COVERAGE = dict(comparator=">=", value=100, unit="%")


def C(indicator, year, inferred=False, **kw):
    """A coverage target: 全覆盖 / 全部 / 应建尽建 / 普遍 (stored as ≥ 100 %)."""
    return T(indicator, ">=", 100, "%", year, "coverage", inferred=inferred, **kw)


# every target of every task; tasks not listed have none (their wording sets no measurable
# or dated goal).  Where two readings are honest, a tuple lists both.
TARGETS = {
    4: [T("三级儿童议事会", None, None, None, 2025, "milestone")],
    6: [T("托位数", ">=", 4.5, "个", 2025, "level")],
    7: [T("普惠性幼儿园覆盖率", ">", 90, "%", 2025, "level"),
        T("公办幼儿园在园幼儿占比", ">=", 65, "%", 2025, "level"),
        T("省级一类以上幼儿园", ">=", 60, "%", 2025, "level")],
    # 完成…4所, no 以上: “at least” and “exactly” are both honest readings of a build target
    8: [T("新建改扩建中小学", (">=", "=="), 4, "所", 2025, "cumulative")],
    9: [C("课后服务", 2025, inferred=True)],
    10: [T("本科及以上学历专任老师比例", ">=", 95.8, "%", 2025, "level", inferred=True)],
    11: [T(("每千名儿童", "儿科"), ">=", 0.85, "名", 2025, "level", indicator_not=("床位",)),
         T(("每千名儿童", "床位"), ">=", 2.2, "张", 2025, "level")],
    12: [T("近视率", ">=", 1, "个百分点", 2025, "annual_change", inferred=True, direction="decrease")],
    13: [C("口腔", 2025, inferred=True),
         T("12岁儿童龋患率", "<=", 30, "%", 2025, "level")],
    14: [C("心理辅导室", 2025, inferred=True),
         C("心理健康咨询服务", 2025, inferred=True)],
    15: [T("体育活动时间", ">=", 1, "小时", 2025, "frequency", inferred=True, per="天"),
         T("运动技能", "between", 1, "项", 2025, "level", value_max=2, inferred=True),
         T("优良率", ">=", 55, "%", 2025, "level", indicator_not=("合格",)),
         T("合格率", ">=", 95, "%", 2025, "level", indicator_not=("优良",))],
    19: [T("儿童督导员", (">=", "=="), 1, "名", 2025, "per_unit", inferred=True, per="镇（街道）"),
         T("儿童主任", (">=", "=="), 1, "名", 2025, "per_unit", inferred=True, per="村（社区）")],
    22: [C("希望小屋", 2023)],
    23: [C("脑瘫儿童", 2024)],
    24: [T("儿童友好街区", "between", 3, "处", 2025, "cumulative", value_max=5)],
    25: [C("儿童友好社区", 2025)],
    26: [C("儿童友好学校", 2025)],
    27: [C("儿童友好医院", 2025)],
    28: [T("儿童友好出行道路", ">=", 3, "条", 2025, "cumulative")],
    29: [T("儿童友好主题公园", ">=", 2, "个", 2025, "cumulative")],
    30: [T("多功能运动场地", (">=", "=="), 8, "片", 2023, "cumulative"),
         T("公共阅读空间", ">=", 5, "个", 2025, "cumulative")],
    32: [T("家庭教育指导活动", ">=", 2, "次", 2025, "frequency", inferred=True, per="学期")],
}

FORMATS = ["txt", "docx-built-now", "docx-committed", "pdf-libreoffice", "txt-gb18030"]
_PLANS: dict = {}


@pytest.fixture(scope="module")
def paths(builders, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reference")
    return {
        "txt": REFERENCE,
        "docx-built-now": builders.build_reference_docx(tmp / "reference.docx"),
        "docx-committed": GENERATED / "reference.docx",
        "pdf-libreoffice": GENERATED / "reference.pdf",
        "txt-gb18030": builders.build_gb18030(tmp / "reference-gb18030.txt"),
    }


@pytest.fixture(params=FORMATS)
def plan(request, paths):
    fmt = request.param
    if fmt not in _PLANS:
        _PLANS[fmt] = parse_file(str(paths[fmt]))
    return _PLANS[fmt]


def test_the_shipped_copy_is_the_reference():
    if SHARED_REFERENCE.exists():
        assert REFERENCE.read_bytes() == SHARED_REFERENCE.read_bytes()


def test_committed_fixtures_exist():
    for name in ("reference.pdf", "reference.docx", "reference-gb18030.txt", "genre-c-docx.docx"):
        assert (GENERATED / name).stat().st_size > 1000, name
    assert (GENERATED / "reference.pdf").read_bytes().startswith(b"%PDF")


def test_counts(plan):
    assert len(plan.domains) == 5
    assert len(plan.actions()) == 13
    assert len(plan.tasks()) == 42
    assert [t.number for t in plan.tasks()] == list(range(1, 43))
    assert len(plan.lead_departments()) == 29


def test_expected_leads_are_29_distinct():
    assert len({n for names in LEADS.values() for n in names}) == 29


def test_structure(plan):
    got = [(d.number, d.title, [a.number for a in d.actions]) for d in plan.domains]
    assert got == DOMAINS
    for a in plan.actions():
        title, tasks = ACTIONS[a.number]
        assert a.title == title
        assert [t.number for t in a.tasks] == list(tasks)


def test_departments_exactly_as_written(plan):
    got = {t.number: t.lead_departments for t in plan.tasks()}
    assert got == LEADS
    assert all(t.cooperating_departments == [] for t in plan.tasks())


def test_task_texts(plan):
    t1 = plan.task(1)
    assert t1.title == "加强儿童友好顶层设计"
    assert t1.text == ("加强儿童友好顶层设计。推动将建设儿童友好城市纳入经济社会发展规划、专项规划、区域规划，"
                       "在城市发展重大规划、政策、项目决策中引入儿童影响评价，推进公共资源配置优先满足儿童需要。")
    for t in plan.tasks():
        assert "牵头部门" not in t.text and t.text == t.text.strip() and "\n" not in t.text


@pytest.mark.parametrize("number", range(1, 43))
def test_targets(plan, number):
    check_targets(plan.task(number).targets, TARGETS.get(number, []), f"task {number}")


def test_no_plan_level_targets(plan):
    assert plan.targets == []


def test_meta(plan):
    assert plan.doc_number == "桓政办字〔2022〕33号"
    assert plan.date == "2022-10-19"
    assert plan.issuer == "桓台县人民政府办公室"
    assert plan.title == "桓台县“十四五”时期加快推进儿童友好城市建设行动方案"
    assert (plan.period.start, plan.period.end) == (2021, 2025)


def test_sections(plan):
    titles = [s.title for s in plan.sections]
    assert "总体要求" in titles and "组织实施" in titles
    general = next(s for s in plan.sections if s.title == "总体要求")
    assert "着力实施13大行动，落实42项任务" in general.text
    org = next(s for s in plan.sections if s.title == "组织实施")
    assert "（四）加强宣传推广" in org.text


def test_declared_counts_match(plan):
    assert plan.declared == {"actions": 13, "tasks": 42}
    assert not [w for w in plan.warnings if "声明" in w.message]


def test_warnings(plan):
    """The clean forms give no warning; the PDF only the one that lists its page numbers."""
    if plan.source["format"] == "pdf":
        assert len(plan.warnings) == 1 and "页码" in plan.warnings[0].message
    else:
        assert plan.warnings == []



@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_same_plan_from_every_format(paths, fmt):
    """Everything but line numbers, the file's own facts (``source``) and the PDF's page
    number warning is identical: every number, title, text, department, target and its
    source sentence, every section."""
    base = to_dict(parse_file(str(paths["txt"])))
    other = to_dict(parse_file(str(paths[fmt])))
    for key in base:
        if key in ("source", "warnings"):
            continue
        assert json.dumps(without_lines(other[key]), ensure_ascii=False, indent=1) == \
            json.dumps(without_lines(base[key]), ensure_ascii=False, indent=1), key


def test_gb18030_is_detected(paths):
    plan = parse_file(str(paths["txt-gb18030"]))
    assert plan.source["encoding"] in ("gb18030", "gbk")


def test_pdf_page_numbers_are_reported_with_their_lines():
    from pypdf import PdfReader

    pdf = GENERATED / "reference.pdf"
    plan = parse_file(str(pdf))
    pages = len(PdfReader(str(pdf)).pages)
    w = plan.warnings[0]
    assert f"{pages} 行页码" in w.message  # one “— N —” footer per page
    assert w.line is not None and w.line > 1


def _source_lines(fmt, paths):
    path = paths[fmt]
    if fmt.startswith("docx"):
        import docx

        return [p.text for p in docx.Document(str(path)).paragraphs]
    raw = path.read_bytes()
    return raw.decode("gb18030" if fmt == "txt-gb18030" else "utf-8").splitlines()


@pytest.mark.parametrize("fmt", ["txt", "docx-built-now", "txt-gb18030"])
def test_every_line_lands_in_the_plan_or_a_warning(paths, fmt):
    plan = parse_file(str(paths[fmt]))
    assert_every_line_lands(_source_lines(fmt, paths), plan)


def test_every_pdf_line_lands_in_the_plan_or_a_warning(paths):
    """The PDF's text layer, line by line as pdfminer gives it (page numbers included)."""
    from cfcity.plans.importer.reader import read_document

    pdf = paths["pdf-libreoffice"]
    lines = [rl.text for rl in read_document(pdf.read_bytes(), pdf.name).lines]
    assert len(lines) > 200  # hard-wrapped: many more lines than the 83 paragraphs
    assert_every_line_lands(lines, parse_file(str(pdf)))


def test_a_line_that_lands_nowhere_is_caught_by_the_check():
    """The line check itself: an extra line that the plan does not keep must be found."""
    text = REFERENCE.read_text(encoding="utf-8")
    plan = parse_bytes(text.encode("utf-8"), "ref.txt")
    with pytest.raises(AssertionError):
        assert_every_line_lands(text.splitlines() + ["这一行不在文件里"], plan)
