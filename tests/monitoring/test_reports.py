"""The annual monitoring report (Word, PDF, Excel) and the quarterly bulletin (Word, Excel):
made from a county with accepted values, read back, and compared with the dashboard's own
figures (``summaries.board``); the ``cfcity report`` command's errors and success.

The files are made once per module (LibreOffice once per test process): ``made`` builds the
county inside a transaction that is rolled back, so the other tests never see it."""
from __future__ import annotations

import datetime
import io
import re
import warnings as pywarnings
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.monitoring import charts, fonts, reports, services, summaries
from cfcity.monitoring.models import Observation, Warning
from cfcity.monitoring.reports import annual, bulletin, common, pdf
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services as reporting
from cfcity.reporting.models import Period, Report
from tests.conftest import make_plan

YEAR = 2025
QUARTER = 1
WARNING_TEXT = "每千人口3岁以下婴幼儿托位数进展严重滞后（测试预警）"
HEADINGS = ["一、总体进展", "二、各领域进展", "三、目标完成情况", "四、预警和需督促的单位", "五、下一步工作建议"]


def _aware(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 10, 0))


def build_county(password: str = "x") -> dict:
    """The hand-built plan (示例县, 2023—2025) with yearly periods and the quarters of 2025,
    its departments' assignments, a town given a share of the streets target, three years of
    accepted values from 县卫生健康局 and 县住房城乡建设局, two Q1 reports (one on time, one
    late), the engine's verdicts, a warning, and users: the coordinator ``fgw``, a leader, a
    reporter, and the coordinator of another county."""
    plan = plan_services.store_plan(make_plan())
    area = plan.area
    unit = {u.name: u for u in OrgUnit.objects.filter(parent=area)}
    town = OrgUnit.objects.create(name="果里镇", kind=OrgUnit.Kind.TOWN, parent=area)
    reporting.create_periods(plan, "year")
    reporting.create_periods(plan, "quarter", [YEAR])
    reporting.sync_assignments(plan)
    target = {t.indicator: t for t in pm.Target.objects.filter(plan=plan)}
    reporting.set_share(target["建设儿童友好街区"], town, 2)
    years = {p.year: p for p in Period.objects.filter(plan=plan, kind="year")}
    values = [  # (indicator, unit, {year: value})
        ("每千人口3岁以下婴幼儿托位数", "县卫生健康局", {2023: 2.3, 2024: 2.5, 2025: 2.6}),  # far behind
        ("儿童医疗保健服务机构覆盖率", "县卫生健康局", {2023: 95, 2024: 98, 2025: 100}),  # achieved
        ("建设儿童友好街区", "县住房城乡建设局", {2023: 1, 2024: 2, 2025: 4}),  # achieved (3—5)
        ("儿童总体近视率", "县住房城乡建设局", {2023: 52, 2024: 51.5, 2025: 51}),  # 0.5 a year of 1
    ]
    for indicator, who, by_year in values:
        for year, value in by_year.items():
            Observation.objects.create(target=target[indicator], org_unit=unit[who], period=years[year],
                                       value=value, accepted_at=_aware(year + 1, 1, 10))
    Observation.objects.create(target=target["建设儿童友好街区"], org_unit=town, period=years[2024], value=0,
                               accepted_at=_aware(2025, 1, 10))
    q1 = Period.objects.get(plan=plan, kind="quarter", year=YEAR, index=1)
    task2 = pm.Task.objects.get(plan=plan, number=2)
    task3 = pm.Task.objects.get(plan=plan, number=3)
    Report.objects.create(task=task2, org_unit=unit["县卫生健康局"], period=q1, status=Report.Status.ACCEPTED,
                          submitted_at=_aware(2025, 4, 10))
    Report.objects.create(task=task3, org_unit=unit["县住房城乡建设局"], period=q1, status=Report.Status.SUBMITTED,
                          submitted_at=_aware(2025, 5, 20))
    services.recompute([plan])
    Warning.objects.create(plan=plan, kind=Warning.Kind.OFF_TRACK, severity=Warning.Severity.HIGH,
                           org_unit=unit["县卫生健康局"], task=task2, target=target["每千人口3岁以下婴幼儿托位数"],
                           key="test:report-warning", message=WARNING_TEXT, clear_by="最新值回到直线进度以内")
    other = OrgUnit.objects.create(name="另一县", kind=OrgUnit.Kind.AREA)
    other_office = OrgUnit.objects.create(name="另一县妇儿工委办公室", kind=OrgUnit.Kind.DEPARTMENT, parent=other)

    def user(name, org_unit, role):
        u = User.objects.create_user(name, password=password, first_name=name)
        Membership.objects.create(user=u, org_unit=org_unit, role=role)
        if hasattr(u, "profile"):
            u.profile.must_change_password = False
            u.profile.save()
        return User.objects.get(pk=u.pk)

    return {
        "plan": plan, "area": area, "town": town, "unit": unit, "target": target, "q1": q1,
        "coordinator": user("fgw", unit["县妇儿工委办公室"], Role.COORDINATOR),
        "leader": user("leader", unit["县妇儿工委办公室"], Role.LEADER),
        "reporter": user("wjj_tb", unit["县卫生健康局"], Role.DEPT_REPORTER),
        "other_coordinator": user("other_fgw", other_office, Role.COORDINATOR),
    }


# --- the files, made once ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """Every file and what the dashboard says, as plain values (the rows are rolled back)."""
    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        county = build_county()
        plan = county["plan"]
        today = timezone.localdate()
        board = summaries.board(plan, year=YEAR, today=today)
        data = annual.collect(plan, {"year": YEAR, "format": "docx"}, today=today)
        out["title"] = data.title
        out["lines"] = [(line.target.indicator, annual.latest_text(line, data.is_share(line.target)),
                         common.status_label(line.code))
                        for line in board.targets]
        out["codes"] = {line.target.indicator: line.code for line in board.targets}
        out["overall"] = common.counts(board.overall)
        out["domains"] = [(d.obj.title, common.counts(d.rollup)) for d in board.domains]
        out["departments"] = [(u.rank, u.org_unit.name, u.punctuality.missing) for u in board.departments]
        out["towns"] = [u.org_unit.name for u in board.towns]
        out["warnings"] = [(w.message, w.org_unit.name) for w in data.warnings]
        family_calls = []
        real_family = fonts.cjk_family

        def spy():
            family_calls.append(real_family())
            return family_calls[-1]

        charts.fonts.cjk_family = spy
        try:
            with pywarnings.catch_warnings(record=True) as caught:
                pywarnings.simplefilter("always")
                drawn = annual.draw_charts(data)
        finally:
            charts.fonts.cjk_family = real_family
        out["chart_count"] = len(drawn)
        out["chart_pngs"] = [c.png for c in drawn]
        out["font_calls"] = family_calls
        out["glyph_warnings"] = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        out["docx"] = annual.build_docx(data)
        out["pdf"] = pdf.docx_to_pdf(out["docx"])
        out["xlsx"] = reports.build("annual", plan, {"year": YEAR, "format": "xlsx"}, today=today)
        params = {"year": YEAR, "quarter": QUARTER, "format": "docx"}
        b = bulletin.collect(plan, params, today=today)
        out["bulletin_title"] = b.title
        out["bulletin_rows"] = [(r.rank, r.unit.name, r.owed, r.on_time, r.late, r.missing, r.pending) for r in b.rows]
        out["bulletin_urged"] = [(r.unit.name, r.urge_reasons()) for r in b.urged]
        out["bulletin_periods"] = [p.label for p in b.periods]
        out["bulletin_docx"] = bulletin.build_docx(b)
        out["bulletin_xlsx"] = reports.build("bulletin", plan, {**params, "format": "xlsx"}, today=today)
        transaction.set_rollback(True)
    return out


def table_with_header(doc, header):
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells] == header:
            return table
    raise AssertionError(f"no table headed {header}")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the annual report in Word ----------------------------------------------------------------------

def test_the_county_has_verdicts_of_several_kinds(made):
    codes = made["codes"]
    assert codes["建设儿童友好街区"] == "achieved"
    assert codes["儿童医疗保健服务机构覆盖率"] == "achieved"
    assert codes["每千人口3岁以下婴幼儿托位数"] in ("off_track", "at_risk")
    assert len(set(codes.values())) >= 3


def test_annual_docx_has_title_and_numbered_sections(made):
    doc = Document(io.BytesIO(made["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == made["title"] == f"示例县{YEAR}年儿童友好城市建设监测报告"
    assert doc.paragraphs[0].style.name == "Title"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    subheadings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert subheadings[:2] == [f"（一）{made['domains'][0][0]}", f"（二）{made['domains'][1][0]}"]
    overall = made["overall"]
    total = sum(overall.values())
    assert any(f"确定的{total}项监测指标中" in t and f"已达标{overall['achieved']}项" in t for t in texts)


def test_annual_docx_target_table_equals_the_board(made):
    doc = Document(io.BytesIO(made["docx"]))
    table = table_with_header(doc, annual.TARGET_HEADERS)
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(made["lines"]) == 6
    for i, (row, (indicator, latest, label)) in enumerate(zip(rows, made["lines"]), 1):
        assert row[0] == str(i)
        assert (row[1], row[4], row[6]) == (indicator, latest, label)
    streets = next(r for r in rows if r[1] == "建设儿童友好街区")
    assert streets[4] == "4 处" and streets[6] == "已达标" and streets[3].startswith("3—5 处")
    beds = next(r for r in rows if r[1] == "每千人口3岁以下婴幼儿托位数")
    assert beds[2].startswith("2.1 个") and beds[3].startswith("≥ 4.5 个") and beds[4] == "2.6 个"


def test_annual_docx_names_warnings_and_the_units_to_urge(made):
    doc = Document(io.BytesIO(made["docx"]))
    table = table_with_header(doc, ["序号", "等级", "类型", "责任单位", "预警内容", "消除条件"])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(made["warnings"])
    assert ["红色", "目标严重滞后", "县卫生健康局", WARNING_TEXT] in [r[1:5] for r in rows]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "县卫生健康局：" in text  # among the units to be urged
    suggestions = text.split("五、下一步工作建议", 1)[1]
    if made["codes"]["每千人口3岁以下婴幼儿托位数"] == "off_track":
        assert "加快推进严重滞后的指标" in suggestions and "每千人口3岁以下婴幼儿托位数" in suggestions


def test_annual_docx_embeds_the_charts(made):
    doc = Document(io.BytesIO(made["docx"]))
    assert len(doc.inline_shapes) == made["chart_count"] >= 1 + len(made["domains"]) + 1
    with zipfile.ZipFile(io.BytesIO(made["docx"])) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert media and all(z.read(n).startswith(b"\x89PNG\r\n\x1a\n") for n in media)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("图")]
    assert captions[0] == "图1  各领域目标进展情况" and len(captions) == made["chart_count"]


def test_charts_are_drawn_in_the_cjk_font(made):
    assert made["font_calls"], "charts did not ask fonts.cjk_family() for the font"
    family = made["font_calls"][0]
    path = fonts.find_cjk_font()
    from matplotlib import ft2font
    face = ft2font.FT2Font(str(path))
    assert all(face.get_char_index(ord(ch)) for ch in "已达标严重滞后"), path
    assert family and "DejaVu" not in family
    assert made["glyph_warnings"] == []  # matplotlib found every Chinese character
    assert all(png.startswith(b"\x89PNG") and len(png) > 5000 for png in made["chart_pngs"])


def test_annual_docx_government_layout(made):
    doc = Document(io.BytesIO(made["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == 3.7 and round(section.left_margin.cm, 1) == 2.8

    def east_asia(style_name):
        fonts_el = doc.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return fonts_el.get(qn("w:eastAsia")), fonts_el.get(qn("w:eastAsiaTheme"))

    assert east_asia("Normal") == ("仿宋", None)
    assert east_asia("Heading 1") == ("黑体", None)
    assert east_asia("Heading 2") == ("楷体", None)
    assert east_asia("Title") == ("宋体", None)
    assert doc.styles["Title"].font.bold is True
    assert doc.styles["Normal"].paragraph_format.first_line_indent.pt == 32
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer  # page numbers


# --- PDF and Excel --------------------------------------------------------------------------------------

def test_annual_pdf_has_pages_and_the_chinese_title(made):
    assert made["pdf"].startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(made["pdf"]))
    assert len(reader.pages) >= 3
    first = flat(reader.pages[0].extract_text())
    assert flat(made["title"]) in first
    assert "一、总体进展" in first
    everything = flat("".join(p.extract_text() for p in reader.pages))
    assert "五、下一步工作建议" in everything and "县卫生健康局" in everything


def test_pdf_without_libreoffice_says_how_to_install_it(monkeypatch, tmp_path, settings):
    settings.SOFFICE = None
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(reports.ReportError, match="LibreOffice.*libreoffice-writer-nogui"):
        pdf.docx_to_pdf(b"not used")


def test_pdf_conversion_failure_is_a_report_error(tmp_path, settings):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    settings.SOFFICE = str(fake)
    with pytest.raises(reports.ReportError, match="未能把报告转换为 PDF（source file could not be loaded）"):
        pdf.docx_to_pdf(b"PK")


def test_pdf_conversion_timeout_is_a_report_error(tmp_path, settings):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    settings.SOFFICE = str(fake)
    with pytest.raises(reports.ReportError, match="超过 1 秒"):
        pdf.docx_to_pdf(b"PK", timeout=1)


def test_annual_xlsx_matches_the_board(made):
    wb = load_workbook(io.BytesIO(made["xlsx"]))
    assert wb.sheetnames == ["说明", "指标", "领域", "行动", "部门排名", "镇街排名", "预警"]
    ws = wb["指标"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width >= 20  # 指标: sized to the text
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert [(r["指标"], r["最新值（文字）"] or "—", r["状态"]) for r in rows] == [
        (i, latest, label) for i, latest, label in made["lines"]]
    streets = next(r for r in rows if r["指标"] == "建设儿童友好街区")
    assert streets["最新值"] == 4 and streets["目标值"] == 3 and streets["目标值上限"] == 5
    domains = wb["领域"]
    dh = [c.value for c in domains[1]]
    got = [dict(zip(dh, [c.value for c in r])) for r in domains.iter_rows(min_row=2)]
    assert [(g["领域"], g["已达标"], g["严重滞后"], g["指标数"]) for g in got] == [
        (name, c["achieved"], c["off_track"], sum(c.values())) for name, c in made["domains"]]
    dept = wb["部门排名"]
    dh = [c.value for c in dept[1]]
    got = [dict(zip(dh, [c.value for c in r])) for r in dept.iter_rows(min_row=2)]
    assert [(g["名次"], g["单位"], g["未报送"]) for g in got] == made["departments"]
    assert [c.value for c in wb["镇街排名"]["B"][1:]] == made["towns"] == ["果里镇"]
    warn = wb["预警"]
    wh = [c.value for c in warn[1]]
    got = [dict(zip(wh, [c.value for c in r])) for r in warn.iter_rows(min_row=2)]
    assert [(g["预警内容"], g["责任单位"]) for g in got] == made["warnings"]
    assert (WARNING_TEXT, "县卫生健康局") in made["warnings"]


# --- the bulletin ------------------------------------------------------------------------------------------

def test_bulletin_counts_the_quarter_reports(made):
    assert made["bulletin_periods"] == [f"{YEAR}年第一季度"]
    rows = {name: (owed, on_time, late, missing, pending) for _, name, owed, on_time, late, missing, pending
            in made["bulletin_rows"]}
    assert rows["县卫生健康局"] == (1, 1, 0, 0, 0)  # sent 10 April, deadline 15 April
    assert rows["县住房城乡建设局"] == (1, 0, 1, 0, 0)  # sent 20 May: late
    assert rows["县民政局"] == (1, 0, 0, 1, 0)  # nothing sent
    assert rows["果里镇"][3] == 1
    ranked = [name for _, name, *_ in made["bulletin_rows"]]
    assert ranked.index("县卫生健康局") < ranked.index("县住房城乡建设局") < ranked.index("县民政局")
    assert [r[0] for r in made["bulletin_rows"]] == list(range(1, len(ranked) + 1))
    urged = dict(made["bulletin_urged"])
    assert urged["县民政局"] == ["逾期未报送进展报告1份"]
    assert "县卫生健康局" not in urged or all("未报送" not in r for r in urged["县卫生健康局"])


def test_bulletin_docx(made):
    doc = Document(io.BytesIO(made["bulletin_docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示例县儿童友好城市建设工作进度通报" and texts[1] == f"（{YEAR}年第一季度）"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "一、报送情况", "二、目标进展", "三、通报和催办", "四、有关要求"]
    table = table_with_header(doc, bulletin.HEADERS)
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6])) for r in rows] == \
        made["bulletin_rows"]
    text = "\n".join(texts)
    assert "现予催办" in text and "县民政局" in text.split("现予催办")[0].rsplit("\n", 1)[-1]
    assert any(re.fullmatch(r"\d+\.县民政局：逾期未报送进展报告1份。", t) for t in texts)


def test_bulletin_xlsx(made):
    wb = load_workbook(io.BytesIO(made["bulletin_xlsx"]))
    assert wb.sheetnames == ["说明", "报送和进展", "催办", "周期"]
    ws = wb["报送和进展"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert [(r["名次"], r["单位"], r["应报"], r["按时"], r["逾期"], r["未报"], r["未到期"]) for r in rows] == \
        made["bulletin_rows"]
    assert [(c.value) for c in wb["催办"]["B"][1:]] == [name for name, _ in made["bulletin_urged"]]


# --- checking what is asked for ---------------------------------------------------------------------------

class FakePlan:
    period_start, period_end = 2023, 2025


@pytest.mark.parametrize("kind,params,message", [
    ("annual", {"year": "2030", "format": "docx"}, "2030年不在方案实施期限（2023—2025年）内"),
    ("annual", {"year": "二〇二五", "format": "docx"}, "年份应为整数"),
    ("annual", {"year": "", "format": "docx"}, "请填写年份"),
    ("annual", {"year": 2025, "format": "odt"}, "年度监测报告不支持“odt”格式，可选：docx、xlsx、pdf"),
    ("bulletin", {"year": 2025, "quarter": 1, "format": "pdf"}, "进度通报不支持“pdf”格式"),
    ("bulletin", {"year": 2025, "quarter": 5, "format": "docx"}, "季度应为 1—4"),
    ("bulletin", {"year": 2025, "format": "docx"}, "请填写季度"),
    ("weekly", {"year": 2025, "format": "docx"}, "未知的报告类型"),
])
def test_check_refuses_in_chinese(kind, params, message):
    with pytest.raises(common.ReportError, match=re.escape(message)):
        common.check(kind, FakePlan(), params, datetime.date(2026, 3, 1))


def test_check_refuses_the_future():
    with pytest.raises(common.ReportError, match="2025年尚未开始"):
        common.check("annual", FakePlan(), {"year": 2025, "format": "docx"}, datetime.date(2024, 6, 1))
    with pytest.raises(common.ReportError, match="第三季度尚未开始"):
        common.check("bulletin", FakePlan(), {"year": 2025, "quarter": 3, "format": "docx"}, datetime.date(2025, 6, 1))
    assert common.check("bulletin", FakePlan(), {"year": "2025", "quarter": "2", "format": "XLSX"},
                        datetime.date(2025, 6, 1)) == {"year": 2025, "quarter": 2, "format": "xlsx"}


def test_file_names_are_the_titles():
    plan = pm.Plan(title="t", issuer="桓台县人民政府办公室")
    assert common.filename("annual", plan, {"year": 2025, "format": "pdf"}) == "桓台县2025年儿童友好城市建设监测报告.pdf"
    assert common.filename("bulletin", plan, {"year": 2025, "quarter": 4, "format": "xlsx"}) == \
        "桓台县儿童友好城市建设工作进度通报（2025年第四季度）.xlsx"


# --- the command ----------------------------------------------------------------------------------------------

@pytest.fixture
def county(db, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    return build_county()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_the_annual_workbook_and_the_bulletin(county, tmp_path):
    target = tmp_path / "年度.xlsx"
    out, err = run("annual", "--year", str(YEAR), "--output", str(target))  # format from the extension
    assert "已生成年度监测报告" in out and "10% 汇总数据" in err
    wb = load_workbook(target)
    assert "指标" in wb.sheetnames
    target = tmp_path / "bulletin.docx"
    out, _ = run("bulletin", "--year", str(YEAR), "--quarter", "1", "--plan", county["plan"].doc_number,
                 "--format", "docx", "--output", str(target))
    assert "已生成进度通报" in out
    assert Document(str(target)).paragraphs[0].text == "示例县儿童友好城市建设工作进度通报"
    assert not list(tmp_path.glob(".*.part"))  # the temporary file is gone


@pytest.mark.parametrize("args,message", [
    (["annual", "--year", "2031", "--format", "docx"], "2031年不在方案实施期限"),
    (["annual", "--year", "abc", "--format", "docx"], "年份应为整数"),
    (["annual", "--year", "2025", "--format", "odt"], "不支持“odt”格式"),
    (["annual", "--year", "2025"], "请选择文件格式"),  # output without an extension
    (["bulletin", "--year", "2025", "--quarter", "7", "--format", "docx"], "季度应为 1—4"),
    (["annual", "--year", "2025", "--format", "docx", "--plan", "无此文号"], "没有找到方案“无此文号”"),
])
def test_command_errors(county, tmp_path, args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as e:
        run(*args, "--output", str(tmp_path / "out"))
    assert e.value.returncode == 2
    assert not (tmp_path / "out").exists()


def test_command_says_what_is_missing(county, tmp_path):
    with pytest.raises(CommandError, match="请填写年份"):
        run("annual", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="请填写季度"):
        run("bulletin", "--year", "2025", "--output", str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="请用 --output 指定输出文件"):
        run("annual", "--year", "2025", "--format", "docx")


def test_command_refuses_an_unwritable_output(county, tmp_path):
    with pytest.raises(CommandError, match="目录 .* 不存在"):
        run("annual", "--year", "2025", "--format", "docx", "--output", str(tmp_path / "no" / "such" / "a.docx"))
    with pytest.raises(CommandError, match="输出路径是一个目录"):
        run("annual", "--year", "2025", "--format", "docx", "--output", str(tmp_path))


def test_command_needs_a_plan_when_there_are_several(county, tmp_path):
    plan_services.store_plan(make_plan(doc_number="另政办发〔2024〕2号", title="另一个方案"))
    with pytest.raises(CommandError, match="有 2 个行动方案，请用 --plan 指定"):
        run("annual", "--year", "2025", "--format", "docx", "--output", str(tmp_path / "a.docx"))


def test_command_without_any_plan(db, tmp_path):
    with pytest.raises(CommandError, match="还没有行动方案"):
        run("annual", "--year", "2025", "--format", "docx", "--output", str(tmp_path / "a.docx"))
