"""The org tree as an Excel sheet: export → import round trip, rows in any order, updates,
and bad sheets refused whole with every problem named by row and column. Real .xlsx files in
tmp_path, the real database."""
import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from cfcity.audit.models import AuditEntry
from cfcity.orgs import excel, tree
from cfcity.orgs.codes import uscc_check_char
from cfcity.orgs.models import OrgUnit
from tests.conftest import fresh_database

K = OrgUnit.Kind
ROOT = Path(__file__).resolve().parent.parent
HEADER = [h for _, h in excel.COLUMNS]
pytestmark = pytest.mark.django_db


def uscc(first17):
    return first17 + uscc_check_char(first17)


EDU_CODE = uscc("11370321004312345")
EDU2_CODE = uscc("11370305004312345")


def write_sheet(path, rows, header=HEADER, above=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    for r in above:
        ws.append(r)
    if header:
        ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def read_values(path):
    ws = load_workbook(path)["单位"]
    return [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]


def snapshot():
    by_id, _ = tree.load_tree()
    return sorted(("/".join(tree.names_path(u, by_id)), u.kind, u.short_name, u.code, u.order, u.active)
                  for u in by_id.values())


def wipe():
    while OrgUnit.objects.exists():   # leaves first (parents are PROTECTed)
        OrgUnit.objects.filter(children__isnull=True).delete()


@pytest.fixture
def city():
    def mk(name, kind, parent=None, **kw):
        return OrgUnit.objects.create(name=name, kind=kind, parent=parent, **kw)
    c = mk("淄博市", K.AREA, code="370300", order=1)
    ht = mk("桓台县", K.AREA, c, code="370321", short_name="桓台", order=2)
    lz = mk("临淄区", K.AREA, c, code="370305", order=1)
    mk("县教育体育局", K.DEPARTMENT, ht, code=EDU_CODE, short_name="教体局", order=3)
    mk("县教育体育局", K.DEPARTMENT, lz, code=EDU2_CODE)
    mk("县妇儿工委办公室", K.DEPARTMENT, ht, short_name="妇儿工委办", order=1)
    town = mk("索镇", K.TOWN, ht, code="370321100")
    mk("“儿童之家”社区", K.VILLAGE, town, code="370321100201", active=False)
    mk("=SUM(A1:A2)", K.OTHER, town)              # text, never a formula
    mk("城区/开发区联合办", K.OTHER, ht)            # a slash inside a name
    mk("县人民医院", K.HOSPITAL, ht, order=-1)
    return c


# --- round trip ---------------------------------------------------------------------------

def test_export_writes_chinese_columns_and_full_paths(city, tmp_path):
    f = tmp_path / "单位.xlsx"
    assert excel.export_tree(f) == 11
    rows = read_values(f)
    assert rows[0] == HEADER
    assert rows[0][2] == "上级单位（完整路径，如 淄博市/桓台县）"
    by_key = {(r[2], r[0]): r for r in rows[1:]}
    assert by_key[("淄博市/桓台县", "县教育体育局")] == [
        "县教育体育局", "部门", "淄博市/桓台县", "教体局", EDU_CODE, 3, "是"]
    assert by_key[("", "淄博市")][1] == "县/市/区"
    assert by_key[("淄博市/桓台县/索镇", "“儿童之家”社区")][1:] == [
        "村（社区）", "淄博市/桓台县/索镇", "", "370321100201", 0, "否"]
    # parents come before their children; siblings by order
    names = [(r[2], r[0]) for r in rows[1:]]
    assert names.index(("淄博市", "桓台县")) < names.index(("淄博市/桓台县", "县教育体育局"))
    assert names.index(("淄博市", "临淄区")) < names.index(("淄博市", "桓台县"))
    ws = load_workbook(f)["单位"]
    formula_cell = next(c for row in ws.iter_rows() for c in row if c.value == "=SUM(A1:A2)")
    assert formula_cell.data_type == "s"
    assert "填写说明" in load_workbook(f).sheetnames


def test_round_trip_is_lossless(city, tmp_path):
    before = snapshot()
    first = tmp_path / "first.xlsx"
    excel.export_tree(first)

    # into the same database: nothing changes
    result = excel.import_tree(first)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 11)
    assert snapshot() == before

    # into an empty database: the same tree, and the same sheet out again
    wipe()
    result = excel.import_tree(first)
    assert (result.created, result.updated, result.unchanged) == (11, 0, 0)
    assert snapshot() == before
    second = tmp_path / "second.xlsx"
    excel.export_tree(second)
    assert read_values(second) == read_values(first)


def test_export_of_one_county(city, tmp_path):
    f = tmp_path / "lz.xlsx"
    assert excel.export_tree(f, root=tree.find("淄博市/临淄区")) == 2
    assert read_values(f)[1:] == [["临淄区", "县/市/区", "淄博市", "", "370305", 1, "是"],
                                  ["县教育体育局", "部门", "淄博市/临淄区", "", EDU2_CODE, 0, "是"]]
    # re-imported, it lands back under its city
    assert excel.import_tree(f).unchanged == 2


# --- import -------------------------------------------------------------------------------

def test_two_counties_with_the_same_department_name(tmp_path):
    f = write_sheet(tmp_path / "t.xlsx", [
        ["县教育体育局", "部门", "淄博市/桓台县", "", "", "", ""],
        ["县教育体育局", "部门", "淄博市/临淄区", "", "", "", ""],
        ["桓台县", "县/市/区", "淄博市", "", "", "", ""],
        ["临淄区", "区", "淄博市", "", "", "", ""],
        ["淄博市", "市", "", "", "", "", ""],
    ])
    assert excel.import_tree(f).created == 5
    edus = OrgUnit.objects.filter(name="县教育体育局")
    assert sorted(tree.path(u) for u in edus) == ["淄博市 / 临淄区 / 县教育体育局",
                                                  "淄博市 / 桓台县 / 县教育体育局"]


def test_rows_in_any_order_parents_defined_later(tmp_path):
    # deepest first, the city last
    f = write_sheet(tmp_path / "t.xlsx", [
        ["东村", "村（社区）", "淄博市 / 桓台县 / 果里镇", "", "370321101201", "", "否"],
        ["实验小学", "学校", "淄博市／桓台县/县教育体育局", "", "", "2", ""],
        ["果里镇", "镇（街道）", "淄博市/桓台县", "", 370321101, 1, "是"],
        ["县教育体育局", "部门", "淄博市/桓台县", "教体局", "", "", True],
        ["桓台县", "县/市/区", "淄博市", "", "", "", ""],
        ["淄博市", "县/市/区", "", "", "", "", ""],
    ])
    result = excel.import_tree(f)
    assert result.created == 6
    village = OrgUnit.objects.get(name="东村")
    assert tree.path(village) == "淄博市 / 桓台县 / 果里镇 / 东村"
    assert village.active is False and village.code == "370321101201"
    assert OrgUnit.objects.get(name="果里镇").code == "370321101"     # a number cell, kept as text
    assert OrgUnit.objects.get(name="实验小学").order == 2


def test_existing_units_are_updated_not_duplicated(city, tmp_path):
    n = OrgUnit.objects.count()
    f = write_sheet(tmp_path / "t.xlsx", [
        ["县教育体育局", "部门", "淄博市/桓台县", "教育体育局", EDU_CODE, 5, "否"],
        ["果里镇", "镇（街道）", "淄博市/桓台县", "", "", 4, ""],
    ])
    result = excel.import_tree(f)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert OrgUnit.objects.count() == n + 1
    edu = tree.find("淄博市/桓台县/县教育体育局")
    assert (edu.short_name, edu.order, edu.active) == ("教育体育局", 5, False)
    assert tree.find("淄博市/临淄区/县教育体育局").short_name == ""      # the other county's untouched


def test_codes_may_move_between_units(city, tmp_path):
    f = write_sheet(tmp_path / "t.xlsx", [
        ["县教育体育局", "部门", "淄博市/桓台县", "", EDU2_CODE, "", ""],
        ["县教育体育局", "部门", "淄博市/临淄区", "", EDU_CODE, "", ""],
    ])
    assert excel.import_tree(f).updated == 2
    assert tree.find("淄博市/临淄区/县教育体育局").code == EDU_CODE


def test_title_rows_blank_rows_and_column_order(tmp_path):
    header = ["上级单位", "单位名称", "类型"]
    f = write_sheet(tmp_path / "t.xlsx", [
        ["", "桓台县", "县"],
        [None, None, None],
        ["桓台县", "县卫生健康局", "部门"],
    ], header=header, above=[["桓台县组织机构表"], []])
    assert excel.import_tree(f).created == 2
    unit = OrgUnit.objects.get(name="县卫生健康局")
    assert (unit.code, unit.order, unit.active) == ("", 0, True)


def test_dry_run_saves_nothing(tmp_path):
    f = write_sheet(tmp_path / "t.xlsx", [["桓台县", "县/市/区", "", "", "", "", ""]])
    result = excel.import_tree(f, dry_run=True)
    assert result.created == 1 and "未保存" in result.summary()
    assert not OrgUnit.objects.exists()


def test_import_is_audited(tmp_path):
    f = write_sheet(tmp_path / "t.xlsx", [["桓台县", "县/市/区", "", "", "", "", ""]])
    excel.import_tree(f)
    entry = AuditEntry.objects.get(action="orgs.sheet.imported")
    assert entry.data["created"] == 1 and entry.data["file"] == "t.xlsx"


# --- bad sheets: every problem by row and column, nothing saved ------------------------------

BASE = [["淄博市", "县/市/区", "", "", "", "", ""],
        ["桓台县", "县/市/区", "淄博市", "", "", "", ""]]


@pytest.mark.parametrize("rows, expected", [
    ([["县教育体育局", "局", "淄博市/桓台县", "", "", "", ""]],
     [(4, "类型", "未知的类型“局”")]),
    ([["县教育体育局", "", "淄博市/桓台县", "", "", "", ""]],
     [(4, "类型", "类型不能为空")]),
    ([["县教育体育局", "部门", "淄博市/高青县", "", "", "", ""]],
     [(4, "上级单位", "找不到上级单位“淄博市/高青县”")]),
    ([["县教育体育局", "部门", "桓台县", "", "", "", ""]],       # not the full path
     [(4, "上级单位", "找不到上级单位“桓台县”")]),
    ([["县教育体育局", "部门", "淄博市//桓台县", "", "", "", ""]],
     [(4, "上级单位", "空的一级")]),
    ([["县教育体育局", "部门", "", "", "", "", ""]],
     [(4, "类型", "部门必须有上级单位")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", "", "", ""],
      ["县教育体育局", "部门", "淄博市 / 桓台县", "", "", "", ""]],
     [(5, "单位名称", "与第4行是同一个单位")]),
    ([["甲", "其他", "淄博市/桓台县/乙", "", "", "", ""],
      ["乙", "其他", "淄博市/桓台县/甲", "", "", "", ""]],
     [(4, "上级单位", "上级单位形成循环：甲（第4行） → 乙（第5行） → 甲（第4行）"),
      (5, "上级单位", "循环")]),
    ([["丙", "其他", "淄博市/桓台县/丙", "", "", "", ""]],
     [(4, "上级单位", "不能以自己作为上级单位")]),
    ([["东村", "村（社区）", "淄博市/桓台县", "", "", "", ""]],
     [(4, "类型", "村（社区）不能放在县/市/区下面（上级应为：镇（街道））")]),
    ([["索镇", "镇（街道）", "淄博市/桓台县", "", "", "", ""],
      ["二中", "学校", "淄博市/桓台县/索镇", "", "", "", ""],
      ["教研室", "部门", "淄博市/桓台县/索镇/二中", "", "", "", ""]],
     [(6, "类型", "部门不能放在学校下面")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", EDU_CODE, "", ""],
      ["县卫生健康局", "部门", "淄博市/桓台县", "", EDU_CODE.lower(), "", ""]],
     [(5, "代码", "已被第4行使用")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", EDU_CODE[:17] + "0", "", ""]],
     [(4, "代码", "校验位")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", "12345", "", ""]],
     [(4, "代码", "行政区划代码")]),
    ([["", "部门", "淄博市/桓台县", "教体局", "", "", ""]],
     [(4, "单位名称", "单位名称不能为空")]),
    ([["局" * 201, "部门", "淄博市/桓台县", "", "", "", ""]],
     [(4, "单位名称", "过长（201 字，最多 200 字）")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "简" * 101, "", "", ""]],
     [(4, "简称", "过长（101 字，最多 100 字）")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", "", "第一", ""]],
     [(4, "排序", "应为整数，现为“第一”")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", "", 1.5, ""]],
     [(4, "排序", "应为整数")]),
    ([["县教育体育局", "部门", "淄博市/桓台县", "", "", "", "可能"]],
     [(4, "启用", "应填“是”或“否”，现为“可能”")]),
])
def test_bad_rows(tmp_path, rows, expected):
    f = write_sheet(tmp_path / "bad.xlsx", BASE + rows)
    with pytest.raises(excel.OrgSheetError) as e:
        excel.import_tree(f)
    got = [(p.row, p.column, p.message) for p in e.value.problems]
    for row, column, fragment in expected:
        assert any(r == row and c == column and fragment in m for r, c, m in got), (got, fragment)
    assert len(got) == len(expected), got
    assert "没有导入任何单位" in str(e.value)
    assert not OrgUnit.objects.exists()          # the valid rows were not saved either


def test_every_problem_is_listed_at_once(tmp_path):
    f = write_sheet(tmp_path / "bad.xlsx", BASE + [
        ["县教育体育局", "局", "淄博市/桓台县", "", "", "", ""],
        ["", "部门", "淄博市/桓台县", "", "", "", ""],
        ["东村", "村（社区）", "淄博市/桓台县", "", "", "x", ""],
    ])
    with pytest.raises(excel.OrgSheetError) as e:
        excel.import_tree(f)
    text = str(e.value)
    assert "有 4 处问题" in text
    assert "第4行“类型”列：未知的类型“局”" in text
    assert "第5行“单位名称”列：单位名称不能为空" in text
    assert "第6行“排序”列" in text and "第6行“类型”列" in text


def test_conflicts_with_the_database(city, tmp_path):
    before = snapshot()
    f = write_sheet(tmp_path / "bad.xlsx", [
        # a code already held by another unit that the sheet does not change
        ["县卫生健康局", "部门", "淄博市/桓台县", "", EDU2_CODE, "", ""],
        # 索镇 has a village under it: it cannot become a department
        ["索镇", "部门", "淄博市/桓台县", "", "370321100", "", ""],
        ["新单位", "部门", "淄博市/桓台县", "", "", "", ""],
    ])
    with pytest.raises(excel.OrgSheetError) as e:
        excel.import_tree(f)
    text = str(e.value)
    assert "第2行“代码”列：代码“%s”已被已有单位“淄博市/临淄区/县教育体育局”使用" % EDU2_CODE in text
    assert "第3行“类型”列：改为“部门”后，已有的下级单位““儿童之家”社区”不再合适" in text
    assert snapshot() == before


def test_header_problems(tmp_path):
    f = write_sheet(tmp_path / "h.xlsx", [["桓台县", ""]], header=["单位名称", "上级"])
    with pytest.raises(excel.OrgSheetError) as e:
        excel.import_tree(f)
    text = str(e.value)
    assert "不认识这一列" in text and "缺少“类型”列" in text and "缺少“上级单位”列" in text

    f = write_sheet(tmp_path / "n.xlsx", [["桓台县", "县"]], header=["名称", "类别"])
    with pytest.raises(excel.OrgSheetError, match="找不到表头"):
        excel.import_tree(f)

    f = write_sheet(tmp_path / "e.xlsx", [])
    with pytest.raises(excel.OrgSheetError, match="没有单位"):
        excel.import_tree(f)


def test_a_date_is_not_a_name(tmp_path):
    import datetime
    f = write_sheet(tmp_path / "d.xlsx", [[datetime.datetime(2024, 1, 1), "县", "", "", "", "", ""]])
    with pytest.raises(excel.OrgSheetError, match="不能是日期"):
        excel.import_tree(f)


# --- bad files ----------------------------------------------------------------------------

def _zip(path, names):
    with zipfile.ZipFile(path, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return path


@pytest.mark.parametrize("make, fragment", [
    (lambda p: p.write_text("单位名称,类型\n桓台县,县\n", encoding="utf-8"), "不是 Excel 表格"),
    (lambda p: p.write_bytes(b"%PDF-1.4\n" + b"0" * 100), "不是 Excel 表格"),
    (lambda p: _zip(p, ["word/document.xml", "[Content_Types].xml"]), "不是 Excel 表格"),
    (lambda p: p.write_bytes(b"PK\x03\x04 broken"), "不是 Excel 表格"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "旧版 Excel（.xls）"),
    (lambda p: p.write_bytes(b""), "是空的"),
    (lambda p: _zip(p, ["xl/workbook.xml", "[Content_Types].xml"]), "无法读取 Excel 文件"),
])
def test_bad_files(tmp_path, make, fragment):
    f = tmp_path / "单位.xlsx"
    make(f)
    with pytest.raises(excel.OrgSheetError, match=fragment):
        excel.import_tree(f)
    assert not OrgUnit.objects.exists()


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    f = tmp_path / "big.xlsx"
    with f.open("wb") as fh:                 # sparse: no 50 MB written to disk
        fh.truncate(50 * 1024 * 1024)
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: pytest.fail("opened a huge file"))
    with pytest.raises(excel.OrgSheetError, match=r"太大（50\.0 MB），单位表最大 10 MB"):
        excel.import_tree(f)


def test_a_missing_file(tmp_path):
    with pytest.raises(excel.OrgSheetError, match="找不到文件"):
        excel.import_tree(tmp_path / "nope.xlsx")


# --- the command --------------------------------------------------------------------------

def run(*args):
    out, err = StringIO(), StringIO()
    call_command("orgs", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_command_round_trip(city, tmp_path):
    f = tmp_path / "out.xlsx"
    assert f"已导出 11 个单位到 {f}" in run("export", "-o", str(f))
    assert "已导入：共 11 行，新建 0 个单位，更新 0 个，未变 11 个" in run("import", str(f))
    g = tmp_path / "lz.xlsx"
    assert "已导出 2 个单位" in run("export", "-o", str(g), "--root", "临淄区")
    assert "检查通过（未保存）" in run("import", str(g), "--dry-run")


def test_command_user_errors_exit_2(city, tmp_path):
    with pytest.raises(CommandError) as e:
        run("export", "-o", str(tmp_path / "x.xlsx"), "--root", "县教育体育局")
    assert e.value.returncode == 2 and "请写出完整路径" in str(e.value)
    bad = write_sheet(tmp_path / "bad.xlsx", [["东村", "村", "淄博市/桓台县", "", "", "", ""]])
    with pytest.raises(CommandError) as e:
        run("import", str(bad))
    assert e.value.returncode == 2 and "第2行“类型”列" in str(e.value)


def test_command_as_a_real_process(tmp_path, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "CFCITY_DATABASE_URL"}   # SQLite in tmp_path
    env["CFCITY_DATA_DIR"] = str(tmp_path / "var")
    cfcity = [sys.executable, "-m", "cfcity"]
    fresh_database(migrated_sqlite, tmp_path / "var")  # as `cfcity migrate` leaves it
    fake = tmp_path / "单位.xlsx"
    fake.write_text("不是表格", encoding="utf-8")
    proc = subprocess.run([*cfcity, "orgs", "import", str(fake)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "错误：文件 单位.xlsx 不是 Excel 表格" in proc.stderr and "Traceback" not in proc.stderr

    good = write_sheet(tmp_path / "good.xlsx", [["淄博市", "市", "", "", "", "", ""],
                                                ["桓台县", "县", "淄博市", "", "", "", ""]])
    proc = subprocess.run([*cfcity, "orgs", "import", str(good)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "新建 2 个单位" in proc.stdout
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([*cfcity, "orgs", "export", "-o", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert read_values(out)[1:] == [["淄博市", "县/市/区", "", "", "", 0, "是"],
                                    ["桓台县", "县/市/区", "淄博市", "", "", 0, "是"]]


def test_progress_is_reported_for_every_row(tmp_path):
    f = write_sheet(tmp_path / "t.xlsx", [["桓台县", "县", "", "", "", "", ""]] +
                    [[f"第{i}村", "村", "桓台县/果里镇", "", "", "", ""] for i in range(50)] +
                    [["果里镇", "镇", "桓台县", "", "", "", ""]])
    seen = []

    def progress(rows, total):
        seen.append(total)
        for item in rows:
            seen.append(item[0])
            yield item

    assert excel.import_tree(f, progress=progress).created == 52
    assert seen[0] == 52 and seen[1:] == list(range(2, 54))
