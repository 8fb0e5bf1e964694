"""The org-unit tree as an Excel sheet (.xlsx): export, and import in one transaction.

One row per unit, columns (in this order on export; matched by header on import):

    单位名称 | 类型 | 上级单位（完整路径，如 淄博市/桓台县） | 简称 | 代码 | 排序 | 启用

A unit is identified by its full path (上级单位 + 单位名称), so two counties may each have a
县教育体育局. Import checks every row against the database and the rest of the sheet (rows may
come in any order: a parent may be defined further down), lists every problem by row and
column in Chinese, and saves nothing unless the whole sheet is valid. A row whose path
already exists updates that unit; the others are created. Import never deletes or moves a
unit: a unit under a new parent is a new unit.
"""
from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cfcity import zipguard

from .codes import code_problem
from .models import OrgUnit
from .tree import ALLOWED_PARENTS, kind_label, load_tree, names_path, nesting_problem, walk

K = OrgUnit.Kind
SHEET_TITLE = "单位"
HELP_TITLE = "填写说明"

# (field, header); on import a header matches when it starts with the text before "（"
COLUMNS = [
    ("name", "单位名称"),
    ("kind", "类型"),
    ("parent", "上级单位（完整路径，如 淄博市/桓台县）"),
    ("short_name", "简称"),
    ("code", "代码"),
    ("order", "排序"),
    ("active", "启用"),
]
REQUIRED = ("name", "kind", "parent")
WIDTHS = {"name": 28, "kind": 12, "parent": 40, "short_name": 14, "code": 22, "order": 8, "active": 8}

MAX_BYTES = 10 * 1024 * 1024          # an org sheet of 100 000 units is a few MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # refuses zip bombs before openpyxl unpacks them
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 10               # a title line or two above the header is allowed

YES = {"是", "启用", "有效", "true", "yes", "y", "1", "√", "✓"}
NO = {"否", "停用", "禁用", "无效", "false", "no", "n", "0", "×", "✗"}

KIND_WORDS: dict[str, str] = {
    **{k.label: k.value for k in K}, **{k.value: k.value for k in K},
    "县": K.AREA, "市": K.AREA, "区": K.AREA, "县市区": K.AREA, "县（市、区）": K.AREA,
    "县(市、区)": K.AREA, "地区": K.AREA, "行政区": K.AREA,
    "部门单位": K.DEPARTMENT,
    "镇": K.TOWN, "乡": K.TOWN, "街道": K.TOWN, "镇街": K.TOWN, "乡镇": K.TOWN, "镇(街道)": K.TOWN,
    "村": K.VILLAGE, "社区": K.VILLAGE, "村社区": K.VILLAGE, "村(社区)": K.VILLAGE,
    "医疗机构": K.HOSPITAL, "卫生院": K.HOSPITAL,
}

Progress = Callable[[Iterable, int | None], Iterable]


class OrgSheetError(Exception):
    """The file or its rows are not acceptable. ``str()`` is the whole Chinese message:
    the summary line, then one line per problem."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.message = message
        self.problems = problems or []
        super().__init__(self.lines(limit=None))

    def lines(self, limit: int | None = 200) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        out = [self.message, *(f"  {p}" for p in shown)]
        if len(self.problems) > len(shown):
            out.append(f"  ……另有 {len(self.problems) - len(shown)} 处问题未列出")
        return "\n".join(out)


@dataclass(frozen=True)
class Problem:
    row: int          # the Excel row number (1 = the first row)
    column: str       # the column header, "" for the row as a whole
    message: str

    def __str__(self):
        where = f"第{self.row}行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(eq=False)
class Row:
    line: int
    name: str = ""
    kind: str | None = None
    parent_text: str = ""
    parent_key: str | None = None     # normalised path of the parent; None = at the top
    short_name: str = ""
    code: str = ""
    order: int = 0
    active: bool = True
    ok: bool = True                   # no problem in its own cells

    @property
    def key(self) -> str:
        return self.name if self.parent_key is None else f"{self.parent_key}/{self.name}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    created_units: list[OrgUnit] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        verb = "检查通过（未保存）" if self.dry_run else "已导入"
        return (f"{verb}：共 {self.rows} 行，新建 {self.created} 个单位，更新 {self.updated} 个，"
                f"未变 {self.unchanged} 个")


def header(field_name: str) -> str:
    return dict(COLUMNS)[field_name]


def short_header(field_name: str) -> str:
    return header(field_name).split("（")[0]


def norm_path(text: str) -> str:
    """A path as written in a sheet, normalised: "淄博市 ／ 桓台县 " → "淄博市/桓台县"."""
    return "/".join(p.strip() for p in (text or "").strip().replace("／", "/").split("/"))


# --- export ---------------------------------------------------------------------------------

def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def export_tree(dest, root: OrgUnit | None = None) -> int:
    """Write the tree (or ``root`` and everything below it) to ``dest`` (a path or a binary
    file), parents before children. Returns the number of units written."""
    by_id, children = load_tree()
    roots = [by_id[root.pk]] if root is not None else children.get(None, [])
    units = walk(children, roots)

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([h for _, h in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    for i, u in enumerate(units, start=2):
        parent = "/".join(names_path(by_id[u.parent_id], by_id)) if u.parent_id else ""
        values = {"name": u.name, "kind": kind_label(u.kind), "parent": parent,
                  "short_name": u.short_name, "code": u.code, "order": u.order,
                  "active": "是" if u.active else "否"}
        for j, (name, _) in enumerate(COLUMNS, start=1):
            value = values[name]
            if isinstance(value, str):
                cell = ws.cell(row=i, column=j, value=_text(value) or None)
                if value:
                    cell.data_type = "s"   # a name starting with "=" is text, not a formula
                cell.number_format = "@"   # codes typed in later stay text, not numbers
            else:
                ws.cell(row=i, column=j, value=value)
    letters = {name: ws.cell(row=1, column=j).column_letter for j, (name, _) in enumerate(COLUMNS, 1)}
    for name, width in WIDTHS.items():
        ws.column_dimensions[letters[name]].width = width
    ws.freeze_panes = "A2"
    last = max(len(units) + 1, 1000)
    kinds = DataValidation(type="list", formula1='"' + ",".join(K.labels) + '"', allow_blank=False,
                           showErrorMessage=True, errorTitle="类型", error="请从下拉列表中选择单位类型")
    kinds.add(f"{letters['kind']}2:{letters['kind']}{last}")
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    yes_no.add(f"{letters['active']}2:{letters['active']}{last}")
    ws.add_data_validation(kinds)
    ws.add_data_validation(yes_no)
    _help_sheet(wb.create_sheet(HELP_TITLE))
    wb.save(dest)
    return len(units)


def _help_sheet(ws):
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    rows = [
        ("列", "说明"),
        ("单位名称", "必填，最多200字。同一上级单位下名称不能重复。"),
        ("类型", "必填：" + "、".join(K.labels) + "。"),
        ("上级单位", "上级单位的完整路径，各级用“/”隔开，如“淄博市/桓台县”；最上级的县/市/区留空。"
                  "上级单位可以是已有单位，也可以是本表中的另一行（顺序不限）。"),
        ("简称", "可不填，最多100字。"),
        ("代码", "可不填：18位统一社会信用代码，或6、9、12位行政区划代码；不能与其他单位重复。"),
        ("排序", "整数，同一上级单位下从小到大排列；可不填（为0）。"),
        ("启用", "是 / 否；可不填（为是）。"),
        ("", ""),
        ("层级规则", ""),
    ] + [(kind_label(k), "上级应为：" + "、".join("（最上级）" if p is None else kind_label(p)
                                             for p in [None, *K.values] if p in allowed))
         for k, allowed in ALLOWED_PARENTS.items()] + [
        ("", ""),
        ("导入", "路径（上级单位＋单位名称）与已有单位相同的行更新该单位，其余新建；导入不会删除或移动单位。"
               "整张表检查无误才保存，有任何错误则一行也不保存。"),
    ]
    for r in rows:
        ws.append(r)
    ws["A1"].font = ws["B1"].font = Font(bold=True)


# --- reading --------------------------------------------------------------------------------

def _check_file(path: Path):
    name = path.name
    if not path.is_file():
        raise OrgSheetError(f"找不到文件 {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise OrgSheetError(f"文件 {name} 太大（{size / 1024 / 1024:.1f} MB），单位表最大 "
                            f"{MAX_BYTES // 1024 // 1024} MB")
    if size == 0:
        raise OrgSheetError(f"文件 {name} 是空的")
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise OrgSheetError(f"文件 {name} 是旧版 Excel（.xls）或加密的文件，"
                            f"请在 Excel 或 WPS 中另存为 .xlsx（不加密码）后再导入")
    not_xlsx = f"文件 {name} 不是 Excel 表格（.xlsx），无法导入（只看文件内容，不看扩展名）"
    if not head.startswith(b"PK"):
        raise OrgSheetError(not_xlsx)
    try:
        infos = zipguard.check_zip(path, max_unpacked=MAX_UNPACKED_BYTES, what=f"文件 {name} ")
    except zipguard.ZipDamaged:
        raise OrgSheetError(not_xlsx) from None
    except zipguard.ZipRefused as e:  # a zip bomb: refused before openpyxl unpacks anything
        raise OrgSheetError(str(e)) from None
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise OrgSheetError(not_xlsx)


def _cell_text(value) -> str | None:
    """A cell as text; None when it holds something that is not text or a number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return None
    return str(value).strip()


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], list[Problem]]:
    """(header row index, field → column index, problems) from the first rows."""
    wanted = {short_header(f): f for f, _ in COLUMNS}
    for i, values in enumerate(rows):
        texts = [(_cell_text(v) or "").replace(" ", "") for v in values]
        if short_header("name") not in [t.split("（")[0].split("(")[0] for t in texts]:
            continue
        columns: dict[str, int] = {}
        problems: list[Problem] = []
        for j, text in enumerate(texts):
            if not text:
                continue
            base = text.split("（")[0].split("(")[0]
            f = wanted.get(base)
            if f is None:
                problems.append(Problem(i + 1, text, "不认识这一列（可用的列：" +
                                        "、".join(short_header(c) for c, _ in COLUMNS) + "）"))
            elif f in columns:
                problems.append(Problem(i + 1, text, "这一列重复出现"))
            else:
                columns[f] = j
        for f in REQUIRED:
            if f not in columns:
                problems.append(Problem(i + 1, "", f"缺少“{short_header(f)}”列"))
        return i, columns, problems
    raise OrgSheetError(f"在前 {HEADER_SEARCH_ROWS} 行中找不到表头（第一列应为“单位名称”），"
                        f"请使用 cfcity orgs export 导出的表格式")


def _parse_row(line: int, values: tuple, columns: dict[str, int]) -> tuple[Row | None, list[Problem]]:
    def cell(f):
        j = columns.get(f)
        return values[j] if j is not None and j < len(values) else None

    raw = {f: cell(f) for f in columns}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
        return None, []                       # a blank line
    row = Row(line=line)
    problems: list[Problem] = []

    def bad(f, message):
        problems.append(Problem(line, short_header(f), message))

    text = {}
    for f in columns:
        t = _cell_text(raw[f])
        if t is None:
            bad(f, "应填文字或数字，不能是日期或时间")
            t = ""
        text[f] = t

    name = text.get("name", "")
    if not name:
        bad("name", "单位名称不能为空")
    elif len(name) > OrgUnit._meta.get_field("name").max_length:
        bad("name", f"过长（{len(name)} 字，最多 {OrgUnit._meta.get_field('name').max_length} 字）")
    elif any(c in name for c in "\r\n\t"):
        bad("name", "单位名称中不能有换行或制表符")
    row.name = name

    kind_text = text.get("kind", "").replace(" ", "")
    if not kind_text:
        bad("kind", "类型不能为空（" + "、".join(K.labels) + "）")
    else:
        row.kind = KIND_WORDS.get(kind_text) or KIND_WORDS.get(kind_text.lower())
        if row.kind is None:
            bad("kind", f"未知的类型“{kind_text}”（应为：" + "、".join(K.labels) + "）")

    parent = text.get("parent", "")
    row.parent_text = parent
    if parent:
        parts = norm_path(parent).split("/")
        if any(not p for p in parts):
            bad("parent", f"路径“{parent}”中有空的一级（多了一个“/”？）")
        else:
            row.parent_key = "/".join(parts)

    short = text.get("short_name", "")
    limit = OrgUnit._meta.get_field("short_name").max_length
    if len(short) > limit:
        bad("short_name", f"过长（{len(short)} 字，最多 {limit} 字）")
    row.short_name = short

    code = text.get("code", "").replace(" ", "").upper()
    if len(code) > OrgUnit._meta.get_field("code").max_length:
        bad("code", f"过长（{len(code)} 位，最多 {OrgUnit._meta.get_field('code').max_length} 位）")
    elif code and (problem := code_problem(code)):
        bad("code", f"代码“{code}”有误：{problem}")
    row.code = code

    order = raw.get("order")
    if order is None or (isinstance(order, str) and not order.strip()):
        row.order = 0
    else:
        try:
            if isinstance(order, bool):
                raise ValueError
            number = float(order) if not isinstance(order, int) else order
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            row.order = int(number)
            if abs(row.order) > 2_000_000_000:
                raise ValueError
        except (TypeError, ValueError):
            bad("order", f"应为整数，现为“{text.get('order', order)}”")

    active = raw.get("active")
    if isinstance(active, bool):
        row.active = active
    else:
        word = text.get("active", "").lower()
        if not word:
            row.active = True
        elif word in YES:
            row.active = True
        elif word in NO:
            row.active = False
        else:
            bad("active", f"应填“是”或“否”，现为“{text.get('active')}”")

    row.ok = not problems
    return row, problems


def read_sheet(path, progress: Progress | None = None) -> tuple[list[Row], list[Problem]]:
    """The rows of an org sheet, each cell checked on its own (no database)."""
    path = Path(path)
    _check_file(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds of errors on a damaged file
        raise OrgSheetError(f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 Excel 表格"
                            f"（{type(e).__name__}）") from None
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        total = ws.max_row if isinstance(ws.max_row, int) else None
        if total is not None and total > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise OrgSheetError(f"表格有 {total} 行，超过上限 {MAX_ROWS} 行，请分成几个文件导入")
        rows_iter = ws.iter_rows(values_only=True)
        first = []
        for values in rows_iter:
            first.append(values)
            if len(first) >= HEADER_SEARCH_ROWS:
                break
        header_at, columns, problems = _find_header(first)
        if problems:
            raise OrgSheetError(f"{path.name} 的表头有问题：", problems)

        def all_rows():
            yield from enumerate(first[header_at + 1:], start=header_at + 2)
            yield from enumerate(rows_iter, start=len(first) + 1)

        numbered: Iterable = all_rows()
        if progress is not None:
            numbered = progress(numbered, None if total is None else max(total - header_at - 1, 0))
        rows: list[Row] = []
        for line, values in numbered:
            row, row_problems = _parse_row(line, values, columns)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise OrgSheetError(f"表格超过上限 {MAX_ROWS} 行，请分成几个文件导入")
        return rows, problems
    finally:
        wb.close()


# --- checking against the database and the rest of the sheet ---------------------------------

@dataclass
class _Plan:
    rows: list[Row]
    existing: dict[str, OrgUnit]          # key → unit, for rows that update a unit
    db_by_key: dict[str, OrgUnit]


def check_rows(rows: list[Row], problems: list[Problem]) -> _Plan:
    """Check ``rows`` against each other and the database; append to ``problems``."""
    by_id, children = load_tree()
    db_by_key: dict[str, OrgUnit] = {}
    ambiguous: set[str] = set()
    for u in by_id.values():
        key = norm_path("/".join(names_path(u, by_id)))
        if key in db_by_key:
            ambiguous.add(key)
        db_by_key[key] = u

    def bad(row, f, message):
        problems.append(Problem(row.line, short_header(f) if f else "", message))

    # one row per unit
    sheet: dict[str, Row] = {}
    for row in rows:
        if not row.name or (row.parent_text and row.parent_key is None):
            continue
        first = sheet.get(row.key)
        if first is not None:
            bad(row, "name", f"与第{first.line}行是同一个单位（上级单位和名称都相同）")
            row.ok = False
        else:
            sheet[row.key] = row
        if row.key in ambiguous:
            bad(row, "name", "数据库中有多个单位的路径写出来都是这样，无法确定是哪一个")
            row.ok = False

    def final_kind(key: str) -> str | None:
        if key in sheet:
            return sheet[key].kind
        return db_by_key[key].kind

    # parents: in the database or in the sheet
    unresolved = []
    for row in sheet.values():
        if row.parent_key is None:
            continue
        if row.parent_key in ambiguous:
            bad(row, "parent", f"数据库中有多个单位的路径都是“{row.parent_text}”，无法确定是哪一个")
            row.ok = False
        elif row.parent_key not in sheet and row.parent_key not in db_by_key:
            unresolved.append(row)
    _report_unresolved(unresolved, sheet, bad)

    # nesting, with the kinds the units will have after the import
    for row in sheet.values():
        if row.kind is None or row in unresolved or row.parent_key in ambiguous:
            continue
        parent_kind = None if row.parent_key is None else final_kind(row.parent_key)
        if row.parent_key is not None and parent_kind is None:
            continue                          # the parent row's own type is wrong, reported there
        problem = nesting_problem(row.kind, parent_kind)
        if problem:
            where = f"（上级单位“{row.parent_text}”是{kind_label(parent_kind)}）" if parent_kind else ""
            bad(row, "kind", problem + where)
            row.ok = False
    existing = {key: db_by_key[key] for key in sheet if key in db_by_key and key not in ambiguous}
    for key, unit in existing.items():
        row = sheet[key]
        if row.kind is None or row.kind == unit.kind:
            continue
        for child in children.get(unit.pk, []):
            child_key = f"{key}/{norm_path(child.name)}"
            if child_key in sheet:
                continue                      # checked above with its new kind
            problem = nesting_problem(child.kind, row.kind)
            if problem:
                bad(row, "kind", f"改为“{kind_label(row.kind)}”后，已有的下级单位“{child.name}”"
                                 f"不再合适：{problem}")
                row.ok = False
                break

    # codes: unique among the units as they will be after the import
    code_owner: dict[str, tuple[str, str]] = {}   # code → (key, where)
    for key, u in db_by_key.items():
        if u.code and key not in sheet:
            code_owner[u.code] = (key, f"已有单位“{'/'.join(names_path(u, by_id))}”")
    for row in sorted(sheet.values(), key=lambda r: r.line):
        if not row.code:
            continue
        owner = code_owner.get(row.code)
        if owner is not None and owner[0] != row.key:
            bad(row, "code", f"代码“{row.code}”已被{owner[1]}使用")
            row.ok = False
        else:
            code_owner[row.code] = (row.key, f"第{row.line}行")
    return _Plan(rows=list(sheet.values()), existing=existing, db_by_key=db_by_key)


def _report_unresolved(unresolved: list[Row], sheet: dict[str, Row], bad):
    """Say why each parent was not found: a loop of rows naming each other, or simply missing."""
    by_name: dict[str, list[Row]] = {}
    for row in sheet.values():
        by_name.setdefault(row.name, []).append(row)
    pending = {id(r) for r in unresolved}
    for row in unresolved:
        row.ok = False
        chain = [row]
        node = row
        loop = False
        while node.parent_key is not None:
            last = node.parent_key.rsplit("/", 1)[-1]
            candidates = [r for r in by_name.get(last, []) if id(r) in pending]
            if len(candidates) != 1:
                break
            node = candidates[0]
            if node is row:
                loop = True
                break
            if node in chain:
                break
            chain.append(node)
        if loop and len(chain) == 1:
            bad(row, "parent", "单位不能以自己作为上级单位")
        elif loop:
            names = " → ".join(f"{r.name}（第{r.line}行）" for r in [*chain, row])
            bad(row, "parent", f"上级单位形成循环：{names}")
        else:
            bad(row, "parent", f"找不到上级单位“{row.parent_text}”：数据库中没有，本表中也没有"
                               f"（请写完整路径，如“淄博市/桓台县”）")


# --- import ---------------------------------------------------------------------------------

UPDATABLE = ["kind", "short_name", "code", "order", "active"]


def import_tree(path, *, user=None, dry_run: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Import an org sheet in one transaction; OrgSheetError (with every problem) if any row
    is wrong, and then nothing is saved."""
    path = Path(path)
    rows, problems = read_sheet(path, progress)
    if not rows and not problems:
        raise OrgSheetError(f"{path.name} 中没有单位（表头下面是空的）")
    try:
        with transaction.atomic():
            plan = check_rows(rows, problems)
            if problems:
                problems.sort(key=lambda p: p.row)
                raise OrgSheetError(f"{path.name} 有 {len(problems)} 处问题，没有导入任何单位：", problems)
            result = ImportResult(rows=len(rows), dry_run=dry_run)
            _apply(plan, result)
            if dry_run:
                transaction.set_rollback(True)
            else:
                _log(path, user, result)
    except IntegrityError as e:
        raise OrgSheetError(f"保存时数据库拒绝了修改（可能有人同时在修改单位），没有导入任何单位，请重试："
                            f"{e}") from None
    return result


def _apply(plan: _Plan, result: ImportResult):
    changed: list[OrgUnit] = []
    clear_codes: list[OrgUnit] = []
    for row in plan.rows:
        unit = plan.existing.get(row.key)
        if unit is None:
            continue
        new = {"kind": row.kind, "short_name": row.short_name, "code": row.code,
               "order": row.order, "active": row.active}
        if all(getattr(unit, f) == v for f, v in new.items()):
            result.unchanged += 1
            continue
        if unit.code and unit.code != row.code:
            clear_codes.append(unit)
        for f, v in new.items():
            setattr(unit, f, v)
        changed.append(unit)
    if clear_codes:   # codes may move between units: free them first
        OrgUnit.objects.filter(pk__in=[u.pk for u in clear_codes]).update(code="")
    OrgUnit.objects.bulk_update(changed, UPDATABLE, batch_size=500)
    result.updated = len(changed)

    # new units, a level at a time so every parent has its id
    resolved: dict[str, OrgUnit] = dict(plan.db_by_key)
    todo = [r for r in plan.rows if r.key not in plan.existing]
    while todo:
        ready = [r for r in todo if r.parent_key is None or r.parent_key in resolved]
        if not ready:   # cannot happen after check_rows; never loop forever
            raise OrgSheetError("内部错误：有上级单位无法确定的行", [])
        units = [OrgUnit(name=r.name, kind=r.kind, short_name=r.short_name, code=r.code,
                         order=r.order, active=r.active,
                         parent=None if r.parent_key is None else resolved[r.parent_key])
                 for r in ready]
        OrgUnit.objects.bulk_create(units, batch_size=500)
        for r, u in zip(ready, units):
            resolved[r.key] = u
        result.created_units.extend(units)
        done = {id(r) for r in ready}
        todo = [r for r in todo if id(r) not in done]
    result.created = len(result.created_units)


def _log(path: Path, user, result: ImportResult):
    try:
        from cfcity.audit.services import log_action
    except ImportError:   # the audit app is optional for this module
        return
    log_action("orgs.sheet.imported", actor=user, data={
        "file": os.path.basename(str(path)), "rows": result.rows, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged})
