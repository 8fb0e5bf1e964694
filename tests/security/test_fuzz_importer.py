"""Property-based tests of the plan importer (no Django): whatever the bytes, the importer
returns a Plan or raises its own PlanDocumentError — never anything else, never a traceback
the user would see. Text documents are generated from the genre's own parts (outline markers,
departments notes, targets with every kind of numeral), mutated copies of the reference plan,
raw bytes in every encoding we detect, and structured (JSON/YAML) input for ``from_dict``."""
from __future__ import annotations

import io
import json
import re
import zipfile

from hypothesis import assume, example, given
from hypothesis import strategies as st

from cfcity.data import REFERENCE_PLAN
from cfcity.plans.importer import Plan, PlanDocumentError, from_dict, parse_bytes, to_dict

from .fuzzing import CONTROL, FIELD_TEXT, NUMERALS, fuzz, zip_bomb

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
REFERENCE_TEXT = REFERENCE_PLAN.read_text("utf-8")
REFERENCE_LINES = REFERENCE_TEXT.splitlines()


def outcome(raw: bytes, name: str):
    """parse_bytes' result: a Plan, or the importer's own error (checked for a Chinese message
    naming the file); any other exception fails the test with its traceback."""
    try:
        plan = parse_bytes(raw, name)
    except PlanDocumentError as e:
        assert CJK_RE.search(e.message), f"the message should be in Chinese: {e.message!r}"
        assert "Traceback" not in str(e)
        return e
    assert isinstance(plan, Plan)
    # every plan read is also one that can be written out (the export/correct/re-import loop)
    json.dumps(to_dict(plan), ensure_ascii=False)
    return plan


# --- plan-shaped text --------------------------------------------------------------------

MARKERS = st.sampled_from(["一、", "二、", "十三、", "（一）", "（二）", "(三)", "1.", "2．", "12、", "（1）", "(2)",
                           "⑴", "①", "第一章", "第二条", "一是", "# ", "## ", "- ", "", "  ", "\u3000\u3000"])
DEPARTMENTS = st.sampled_from(["（牵头部门：县卫生健康局）", "（牵头部门：县教育体育局、县妇儿工委办公室；配合单位：各镇（街道））",
                               "牵头单位：", "（责任单位：）", "（牵头部门：" + "县" * 300 + "）", "（配合单位：县民政局", ""])
TARGETS = st.builds(lambda year, verb, num, unit: f"到{year}年，某项指标{verb}{num}{unit}。",
                    NUMERALS | st.integers(-10 ** 30, 10 ** 30).map(str),
                    st.sampled_from(["达到", "不低于", "超过", "控制在", "降低", "提高到", "保持", "增至", "—"]),
                    NUMERALS | st.floats(allow_nan=True, allow_infinity=True).map(str) | st.just("3—5"),
                    st.sampled_from(["%", "％", "个", "所", "个百分点", "张", "以上", "以内", "", "万人"]))
LINE = st.builds(lambda m, body, extra: m + body + extra, MARKERS, FIELD_TEXT,
                 DEPARTMENTS | TARGETS | st.just("") | CONTROL)
TABLE_ROW = st.lists(FIELD_TEXT | NUMERALS, min_size=1, max_size=8).map("\t".join)
DOCUMENT = st.lists(LINE | TABLE_ROW | st.just("") | st.just("主要指标") | st.sampled_from(REFERENCE_LINES),
                    min_size=0, max_size=60).map("\n".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5", "latin-1"])
NAMES = st.sampled_from(["方案.txt", "方案.md", "plan", "方案.TXT", "x.markdown", "方案.docx", "方案.pdf",
                         "方案.json", "方案.yaml", "方案.yml", "方案.xlsx", "../../etc/passwd", "a\x00b.txt"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace") if encoding in ("big5", "latin-1") else \
        text.encode(encoding, errors="surrogatepass") if encoding.startswith("utf-16") else \
        text.encode(encoding, errors="replace")


@fuzz(60)
@given(DOCUMENT, ENCODINGS, st.sampled_from(["方案.txt", "方案.md", "plan"]))
def test_plan_shaped_text_gives_a_plan_or_a_chinese_error(text, encoding, name):
    outcome(encode(text, encoding), name)


@fuzz(30)
@given(st.binary(max_size=4096), NAMES)
@example(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "方案.docx")
@example(b"%PDF-1.7\n" + b"\x00" * 50, "方案.pdf")
@example(b"PK\x03\x04" + b"\x00" * 50, "方案.docx")
@example("一、\n（一）\n（1）".encode("gb18030") + b"\x81\x30\x81\x30\xfe\x39\xfe\x39", "方案.txt")
@example(b"\xff\xfe" + "一、总体要求\n（一）目标\n（1）任务".encode("utf-16-le"), "方案.txt")
@example(b"\x81", "方案.txt")
@example(b"\x00" * 10, "方案.txt")
@example(b"[" * 5000, "方案.json")
@example(b"&a [*a, *a, *a]\n" * 3, "方案.yaml")
@example(b"!!python/object/apply:os.system ['echo pwned']", "方案.yaml")
def test_any_bytes_under_any_name(raw, name):
    outcome(raw, name)


@st.composite
def mutated_reference(draw):
    """The reference plan with lines dropped, doubled, swapped, cut or salted with control
    characters and other numerals — what a careless copy-paste produces."""
    lines = list(REFERENCE_LINES)
    for _ in range(draw(st.integers(1, 12))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "double", "swap", "cut", "salt", "numeral", "join"]))
        if op == "drop":
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut" and lines[i]:
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
        elif op == "salt":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(CONTROL) + lines[i][at:]
        elif op == "numeral":
            lines[i] = re.sub(r"\d", lambda m: draw(NUMERALS), lines[i], count=3)
        elif op == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + lines[i + 1]]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@fuzz(25)
@given(mutated_reference(), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mutated_reference_plan(text, encoding):
    outcome(encode(text, encoding), "方案.txt")


def test_huge_and_pathological_text_is_bounded():
    """Far beyond a real plan: a one-line 5 MB document, 200 000 outline markers, a line of
    nothing but brackets (the department and target patterns' backtracking)."""
    for text in ("儿" * 5_000_000,
                 "\n".join(f"（{i}）任务{i}。到2025年，指标达到{i}%。" for i in range(200_000)),
                 "（牵头部门：" + "（" * 50_000 + "）",
                 "到" + "2025年" * 20_000 + "达到",
                 "一、" + "\u3000" * 100_000 + "\n（一）x\n（1）y"):
        outcome(text.encode("utf-8"), "大文件.txt")
    assert isinstance(outcome(b"x" * (50 * 1024 * 1024 + 1), "过大.txt"), PlanDocumentError)


# --- .docx containers --------------------------------------------------------------------

def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX_PARTS = st.dictionaries(
    st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                     "word/styles.xml", "../evil.txt", "/abs.xml", "word/media/a.png"]),
    st.binary(max_size=300) | st.sampled_from([b"<w:document/>", b"<?xml version='1.0'?><a>", b"", b"<!DOCTYPE x ["
                                               b"<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]><x>&b;</x>"]),
    max_size=6)


@fuzz(30)
@given(DOCX_PARTS)
def test_random_docx_containers(members):
    assert isinstance(outcome(_zip(members), "方案.docx"), PlanDocumentError)


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated():
    """20 KB on disk, 1 GB declared: refused from the zip directory, never unpacked."""
    bomb = zip_bomb("word/document.xml", 1024)
    assert len(bomb) < 2 * 1024 * 1024
    error = outcome(bomb, "方案.docx")
    assert isinstance(error, PlanDocumentError) and "压缩炸弹" in error.message



# --- structured input (plan export, corrected by hand) -----------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | FIELD_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "doc_number", "domains", "actions", "tasks", "targets", "number", "value",
                         "year", "kind", "comparator", "period", "start", "end", "warnings", "sections",
                         "baseline", "line", "lead_departments", "source"]) | FIELD_TEXT, inner, max_size=6),
    max_leaves=30)


@st.composite
def plan_dicts(draw):
    """A real plan's dict form with one field somewhere replaced by anything."""
    from tests.conftest import make_plan
    d = to_dict(make_plan())
    path, node = [], d
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    if not path:
        return draw(JSONISH)
    parent = d
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = draw(JSONISH)
    return d


@fuzz(60)
@given(plan_dicts() | JSONISH)
def test_from_dict_takes_anything(data):
    try:
        plan = from_dict(data, file="方案.json")
    except PlanDocumentError as e:
        assert CJK_RE.search(e.message)
        return
    assume(isinstance(plan, Plan))
    json.dumps(to_dict(plan), ensure_ascii=False)


@fuzz(30)
@given(plan_dicts(), st.sampled_from(["json", "yaml"]))
def test_structured_files_round_the_importer(data, fmt):
    import yaml
    text = json.dumps(data, ensure_ascii=False, allow_nan=True) if fmt == "json" else \
        yaml.safe_dump(data, allow_unicode=True)
    outcome(text.encode("utf-8"), f"方案.{fmt}")


def test_a_yaml_alias_bomb_is_refused():
    """12 KB of YAML anchors standing for 10⁹ tasks (“billion laughs”): refused, not walked."""
    many = lambda ref: "[" + ", ".join([f"*{ref}"] * 1000) + "]"  # noqa: E731
    text = ("t: &t {number: 1, title: 任务, text: x, lead_departments: [], targets: []}\n"
            f"a: &a {{number: 1, title: 行动, text: '', tasks: {many('t')}}}\n"
            f"d: &d {{number: 1, title: 领域, text: '', actions: {many('a')}}}\n"
            f"title: 方案\ndomains: {many('d')}\n")
    error = outcome(text.encode("utf-8"), "方案.yaml")
    assert isinstance(error, PlanDocumentError) and "数据项" in error.message
