"""Unit tests of the importer's rules, one convention at a time (no Django, no files)."""
import pytest

from cfcity.plans.importer.departments import find_note, split_names
from cfcity.plans.importer.lines import build, split_run_together
from cfcity.plans.importer.markers import match_marker
from cfcity.plans.importer.meta import declared_counts, find_doc_number, parse_date, period_from_title
from cfcity.plans.importer.reader import RawLine
from cfcity.plans.importer.targets import extract
from cfcity.plans.importer.text import clean_line, cn_number, unify_punct


@pytest.mark.parametrize("text,style,number", [
    ("一、总体要求", "cn", 1), ("十二、其他", "cn", 12), ("（三）行动", "pcn", 3), ("(三)行动", "pcn", 3),
    ("1.实施", "num", 1), ("13、实施", "num", 13), ("2．实施", "num", 2), ("（42）加强", "pnum", 42),
    ("(7)加强", "pnum", 7), ("③完善", "circ", 3), ("第二章 重点任务", "chapter", 2), ("第十条 附则", "article", 10),
    ("4)做事", "rnum", 4),
])
def test_markers(text, style, number):
    mk = match_marker(text)
    assert mk is not None and mk[0] == style and mk[1] == number


@pytest.mark.parametrize("text", ["4.5个托位", "2025年，建成", "95.8%。", "三级儿童议事会", "（此件公开发布）", "12岁儿童"])
def test_not_markers(text):
    assert match_marker(text) is None


def test_cn_numbers():
    assert [cn_number(s) for s in ["一", "十", "十三", "二十", "二十三", "一百零五", "二〇二二", "42"]] == \
        [1, 10, 13, 20, 23, 105, 2022, 42]
    assert cn_number("甲") is None


def test_clean_line_removes_artefacts_and_stray_spaces():
    assert clean_line("[bookmark: _GoBack]桓政办字〔2022〕33号") == "桓政办字〔2022〕33号"
    assert clean_line("　　县卫生 健康局、县 教育体育局") == "县卫生健康局、县教育体育局"
    assert clean_line("达到95. 8％以上") == "达到95.8%以上"
    assert clean_line("２０２５年") == "2025年"


def test_unify_punct():
    assert unify_punct("县委宣传部(县文明办)") == "县委宣传部（县文明办）"
    assert unify_punct("县 教育局") == "县教育局"


@pytest.mark.parametrize("text,lead,coop", [
    ("做事。（牵头部门：县发展改革局、县妇儿工委办公室）", ["县发展改革局", "县妇儿工委办公室"], []),
    ("做事。(牵头单位:县教育局;配合单位:县财政局、县住建局)", ["县教育局"], ["县财政局", "县住建局"]),
    ("做事。（牵头单位县教育局）", ["县教育局"], []),
    ("做事。\n牵头单位：县教育局；配合单位：县财政局", ["县教育局"], ["县财政局"]),
    ("做事（县教育体育局牵头，县财政局、县住建局配合）", ["县教育体育局"], ["县财政局", "县住建局"]),
    ("做事。【责任单位】县民政局、团县委", ["县民政局", "团县委"], []),
    ("做事。（责任单位：县委宣传部（县文明办）、县公安局）", ["县委宣传部（县文明办）", "县公安局"], []),
    ("做事。（牵头部门：县文化和旅游局、市医保局桓台分局）", ["县文化和旅游局", "市医保局桓台分局"], []),
])
def test_department_notes(text, lead, coop):
    note = find_note(text)
    assert note is not None
    assert (note.lead, note.cooperating) == (lead, coop)
    assert text[:note.start].rstrip("\n") in ("做事。", "做事")


def test_unclosed_note_is_reported_open():
    note = find_note("做事。（牵头部门：县民政局、县财政局")
    assert note.lead == ["县民政局", "县财政局"] and not note.closed


def test_no_note_in_ordinary_brackets():
    assert find_note("建设儿童友好主题公园（口袋公园）") is None
    assert find_note("每千名儿童拥有儿科执业（助理）医生0.85名") is None


def test_split_names_keeps_inner_brackets_and_drops_duplicates():
    assert split_names("县委宣传部（县文明办、县网信办）、县公安局、县公安局") == ["县委宣传部（县文明办、县网信办）", "县公安局"]


def _t(text, end=2025):
    return [(t.kind, t.indicator, t.comparator, t.value, t.value_max, t.unit, t.year, t.year_inferred)
            for t in extract(text, 1, end)]


def test_targets_comparators():
    assert _t("到2025年，县普惠性幼儿园覆盖率超过90%，公办幼儿园在园幼儿占比达到65%以上。") == [
        ("level", "县普惠性幼儿园覆盖率", ">", 90, None, "%", 2025, False),
        ("level", "公办幼儿园在园幼儿占比", ">=", 65, None, "%", 2025, False)]
    assert _t("到2025年，12岁儿童龋患率控制在30%以内。")[0][2:4] == ("<=", 30)
    assert _t("新生儿死亡率低于3‰。")[0][2:6] == ("<", 3, None, "‰")
    assert _t("儿童交通事故死亡率不超过1.5‰。")[0][2:4] == ("<=", 1.5)


def test_targets_ranges_and_counts():
    assert _t("到2025年，推动建设3—5处儿童友好街区。") == [
        ("cumulative", "建设儿童友好街区", "between", 3, 5, "处", 2025, False)]
    assert _t("建设3～5所儿童友好学校。")[0][2:6] == ("between", 3, 5, "所")
    assert _t("新建普惠性托育机构3-5个。")[0][2:6] == ("between", 3, 5, "个")
    assert _t("到2025年，完成新建改扩建中小学4所。")[0][:4] == ("cumulative", "新建改扩建中小学", ">=", 4)


def test_targets_not_descriptions():
    # numbers that describe, not measure
    assert _t("打造15分钟儿童社区生活圈，服务3岁以下婴幼儿和12岁儿童。") == []


def test_two_targets_in_one_sentence_and_per_capita_context():
    got = _t("到2025年，每千名儿童拥有儿科执业（助理）医生0.85名、床位增至2.2张。")
    assert got == [("level", "每千名儿童儿科执业（助理）医生数", ">=", 0.85, None, "名", 2025, False),
                   ("level", "每千名儿童床位数", ">=", 2.2, None, "张", 2025, False)]
    got = _t("到2025年，学生体质健康测试优良率、合格率达到55%、95%以上。")
    assert [g[1:4] for g in got] == [("学生体质健康测试优良率", ">=", 55), ("学生体质健康测试合格率", ">=", 95)]


def test_several_years_in_one_task():
    got = _t("到2023年，新建、改建8片多功能运动场地；到2025年，全县至少建设5个儿童友好新型公共阅读空间。")
    assert [(g[3], g[5], g[6]) for g in got] == [(8, "片", 2023), (5, "个", 2025)]


def test_annual_change_frequency_per_unit_coverage_milestone():
    t = extract("力争儿童总体近视率平均每年降低1个百分点以上。", 1, 2025)[0]
    assert (t.kind, t.indicator, t.comparator, t.value, t.unit, t.direction, t.year_inferred) == \
        ("annual_change", "儿童总体近视率", ">=", 1, "个百分点", "decrease", True)
    t = extract("中小学、幼儿园每学期至少组织2次家庭教育指导活动。", 1, 2025)[0]
    assert (t.kind, t.per, t.value, t.unit) == ("frequency", "学期", 2, "次")
    t = extract("保障学生在校期间每天校园体育活动时间不少于1小时。", 1, 2025)[0]
    assert (t.kind, t.per, t.value, t.unit) == ("frequency", "天", 1, "小时")
    got = extract("镇（街道）配备1名儿童督导员，村（社区）配备1名儿童主任。", 1, 2025)
    assert [(g.kind, g.per) for g in got] == [("per_unit", "镇（街道）"), ("per_unit", "村（社区）")]
    t = extract("组织实施“希望小屋”儿童关爱项目，2023年完成应建尽建。", 1, 2025)[0]
    assert (t.kind, t.year, t.value, t.unit) == ("coverage", 2023, 100, "%") and "希望小屋" in t.indicator
    t = extract("落实义务教育学校课后服务全覆盖。", 1, 2025)[0]
    assert (t.kind, t.indicator) == ("coverage", "义务教育学校课后服务覆盖率")
    t = extract("到2025年，三级儿童议事会体系基本形成。", 1, 2025)[0]
    assert (t.kind, t.comparator, t.value, t.year) == ("milestone", None, None, 2025)


def test_no_target_without_measure_or_year():
    assert extract("加强儿童防灾、减灾安全教育，提升儿童防范各类自然灾害的意识。", 1, 2025) == []


def test_meta():
    assert find_doc_number("[x]桓政办字[2022]33号") == "桓政办字〔2022〕33号"
    assert find_doc_number("关于印发方案的通知淄政办字（2022）33 号") == "淄政办字〔2022〕33号"
    assert parse_date("2022年10月19日") == "2022-10-19"
    assert parse_date("二〇二二年十月十九日") == "2022-10-19"
    assert parse_date("2022年13月40日") is None
    assert period_from_title("某县“十四五”时期方案") == (2021, 2025)
    assert period_from_title("某市儿童友好城市建设行动计划（2023—2025年）") == (2023, 2025)
    assert declared_counts("围绕五大领域，着力实施13大行动，落实42项任务") == {"domains": 5, "actions": 13, "tasks": 42}


def _lines(*texts):
    return [RawLine(i + 1, t) for i, t in enumerate(texts)]


def test_wrapped_lines_are_mended_and_page_numbers_dropped():
    raw = _lines("（1）加强儿童友好顶层设计。推动将建设儿童友好城市纳入经济社会发",
                 "— 3 —",
                 "展规划，到",
                 "2025年，建成（牵头部门：县发",
                 "展改革局）",
                 "（2）城市规划建设体现儿童视角。")
    lines, dropped = build(raw, wrapped_hint=True)
    assert [ln.text for ln in lines] == [
        "（1）加强儿童友好顶层设计。推动将建设儿童友好城市纳入经济社会发展规划，到2025年，建成（牵头部门：县发展改革局）",
        "（2）城市规划建设体现儿童视角。"]
    assert [d.number for d in dropped] == [2]
    assert lines[0].numbers == [1, 3, 4, 5]


def test_run_together_heading_and_task_are_split():
    assert split_run_together("1.实施儿童友好政策设计行动（1）加强儿童友好顶层设计。推动…") == [
        "1.实施儿童友好政策设计行动", "（1）加强儿童友好顶层设计。推动…"]
    assert split_run_together("（一）完善儿童友好社会政策1.实施儿童参与实践行动") == [
        "（一）完善儿童友好社会政策", "1.实施儿童参与实践行动"]
    assert split_run_together("（1）加强，到2025年达到4.5个。") == ["（1）加强，到2025年达到4.5个。"]


def test_importer_is_a_plain_library_without_django():
    import subprocess
    import sys
    code = ("import sys; from cfcity.plans.importer import parse_file; "
            "parse_file(sys.argv[1]); print(any(m.split('.')[0] == 'django' for m in sys.modules))")
    ref = __import__("pathlib").Path(__file__).resolve().parents[2] / "cfcity/data/huantai-2022-33-child-friendly-city-action-plan.txt"
    root = ref.parents[2]
    out = subprocess.run([sys.executable, "-c", code, str(ref)], capture_output=True, text=True, cwd=root,
                         env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False"


def test_responsible_units_beside_a_lead_unit_cooperate():
    note = find_note("做事。（牵头单位：市发展改革委、市妇儿工委办公室；责任单位：市级有关部门，各区（市）县政府）")
    assert note.lead == ["市发展改革委", "市妇儿工委办公室"]
    assert note.cooperating == ["市级有关部门", "各区（市）县政府"]
    assert find_note("做事。（责任单位：市教育局、市财政局）").lead == ["市教育局", "市财政局"]


def test_amounts_in_ten_thousands():
    t = extract("新建、改扩建中小学幼儿园50所，新增学位5万个。", 1, 2026)
    assert [(g.value, g.unit) for g in t] == [(50, "所"), (5, "万个")]


@pytest.mark.parametrize("text,lead,coop", [
    ("做事。【牵头单位】县教育局【配合单位】县财政局、县住建局", ["县教育局"], ["县财政局", "县住建局"]),
    ("做事。[牵头单位]县教育局", ["县教育局"], []),
    ("做事。（牵头单位：县教育局，配合单位：县财政局）", ["县教育局"], ["县财政局"]),
    ("做事。（牵头：县教育局；配合：县财政局）", ["县教育局"], ["县财政局"]),
])
def test_more_department_note_styles(text, lead, coop):
    note = find_note(text)
    assert (note.lead, note.cooperating, text[:note.start]) == (lead, coop, "做事。")


def test_label_words_in_the_wording_are_not_a_note():
    text = "压实牵头单位责任，推进工作。（牵头单位：县教育局）"
    note = find_note(text)
    assert note.lead == ["县教育局"] and text[:note.start] == "压实牵头单位责任，推进工作。"
