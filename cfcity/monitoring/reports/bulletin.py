"""The quarterly progress bulletin (进度通报): for the reporting periods that end in the
quarter, each unit's reports owed, sent on time, late, missing (deadline passed, nothing
sent) and not yet due, with the progress of the targets it leads (from ``summaries.board``);
the units ranked, and a 通报 paragraph naming those to be urged (催办).

Ranking: share of due reports sent on time, then fewer reports missing, then the share of
the unit's targets achieved or on track, then name.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook

from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.models import EVER_SENT, Assignment, Period, Report

from .. import summaries
from . import common, xlsx
from .common import QUARTERS, counts, pct
from .govdoc import GovDocument


@dataclass
class UnitRow:
    unit: OrgUnit
    owed: int = 0  # reports for the quarter's periods
    on_time: int = 0
    late: int = 0
    missing: int = 0  # deadline passed, nothing sent
    pending: int = 0  # nothing sent yet, deadline still ahead
    rollup: object | None = None  # the targets it leads or is given (board), None if none
    rank: int = 0

    @property
    def due(self) -> int:
        return self.owed - self.pending

    @property
    def rate(self) -> float | None:
        return None if not self.due else 100.0 * self.on_time / self.due

    @property
    def target_counts(self) -> dict[str, int] | None:
        return counts(self.rollup) if self.rollup is not None else None

    @property
    def good_share(self) -> float | None:
        c = self.target_counts
        if not c:
            return None
        with_data = sum(n for k, n in c.items() if k not in ("no_data", "not_due"))
        return None if not with_data else 100.0 * (c["achieved"] + c["on_track"]) / with_data

    @property
    def off_track(self) -> int:
        return (self.target_counts or {}).get("off_track", 0)

    def targets_text(self) -> str:
        c = self.target_counts
        if not c or not sum(c.values()):
            return "—"
        good = c["achieved"] + c["on_track"]
        text = f"{good}/{sum(c.values())}项正常"
        if c["off_track"]:
            text += f"，滞后{c['off_track']}项"
        if c["at_risk"]:
            text += f"，风险{c['at_risk']}项"
        return text

    def urge_reasons(self) -> list[str]:
        out = []
        if self.missing:
            out.append(f"逾期未报送进展报告{self.missing}份")
        if self.off_track:
            out.append(f"负责的{self.off_track}项指标严重滞后")
        return out


@dataclass
class Bulletin:
    plan: pm.Plan
    params: dict
    title: str
    area: str
    first: datetime.date
    last: datetime.date
    periods: list[Period]
    rows: list[UnitRow]
    board: summaries.Board
    today: datetime.date
    totals: UnitRow = field(default=None)

    @property
    def quarter_label(self) -> str:
        return f"{self.params['year']}年第{QUARTERS[self.params['quarter'] - 1]}季度"

    @property
    def urged(self) -> list[UnitRow]:
        return [r for r in self.rows if r.urge_reasons()]


def collect(plan: pm.Plan, params: dict, *, today: datetime.date | None = None) -> Bulletin:
    today = today or timezone.localdate()
    first, last = common.quarter_bounds(params["year"], params["quarter"])
    periods = list(Period.objects.filter(plan=plan, ends__gte=first, ends__lte=last).order_by("ends", "kind"))
    by_id = {p.pk: p for p in periods}
    sent: dict[tuple[int, int, int], datetime.datetime | None] = {}
    for task_id, unit_id, period_id, at in (
            Report.objects.filter(period_id__in=by_id, status__in=EVER_SENT)
            .values_list("task_id", "org_unit_id", "period_id", "submitted_at")):
        key = (task_id, unit_id, period_id)
        if key not in sent or (at and sent[key] and at < sent[key]):
            sent[key] = at
    rows: dict[int, UnitRow] = {}
    for a in Assignment.objects.filter(task__plan=plan).select_related("org_unit"):
        for period in periods:
            row = rows.setdefault(a.org_unit_id, UnitRow(a.org_unit))
            row.owed += 1
            key = (a.task_id, a.org_unit_id, period.pk)
            if key in sent:
                at = sent[key]
                if at is None or timezone.localdate(at) <= period.deadline:
                    row.on_time += 1
                else:
                    row.late += 1
            elif period.deadline < today:
                row.missing += 1
            else:
                row.pending += 1
    board = summaries.board(plan, year=params["year"], today=today)
    for line in list(board.departments) + list(board.towns):
        row = rows.get(line.org_unit.pk)
        if row is None and periods:
            continue  # owes nothing this quarter: not in the bulletin
        if row is None:
            row = rows[line.org_unit.pk] = UnitRow(line.org_unit)
        row.rollup = line.rollup
    ranked = sorted(rows.values(), key=lambda r: (
        -(r.rate if r.rate is not None else -1), r.missing,
        -(r.good_share if r.good_share is not None else -1), r.unit.name))
    for i, r in enumerate(ranked, 1):
        r.rank = i
    totals = UnitRow(unit=None)
    for r in ranked:
        totals.owed += r.owed
        totals.on_time += r.on_time
        totals.late += r.late
        totals.missing += r.missing
        totals.pending += r.pending
    return Bulletin(plan=plan, params=params, title=common.title("bulletin", plan, params), area=common.area_of(plan),
                    first=first, last=last, periods=periods, rows=ranked, board=board, today=today, totals=totals)


def _names(rows: list[UnitRow], limit: int = 12) -> str:
    names = [r.unit.name for r in rows[:limit]]
    return "、".join(names) + (f"等{len(rows)}个单位" if len(rows) > limit else "")


def notice(data: Bulletin) -> list[str]:
    """The 通报 paragraphs: the quarter in numbers, who did well, who is urged and to do what."""
    t = data.totals
    out = []
    if not data.periods:
        out.append(f"{data.quarter_label}没有结束的填报周期，本期不通报报送情况。")
    else:
        labels = "、".join(p.label for p in data.periods)
        text = (f"{data.quarter_label}（{labels}填报周期），{len(data.rows)}个责任单位共应报送进展报告{t.owed}份，"
                f"按时报送{t.on_time}份、逾期报送{t.late}份、逾期未报送{t.missing}份")
        if t.pending:
            text += f"、尚未到报送期限{t.pending}份"
        text += "。"
        if t.rate is not None:
            text += f"到期报告按时报送率{pct(t.rate)}。"
        out.append(text)
        praised = [r for r in data.rows if r.due and r.on_time == r.due]
        if praised:
            out.append(f"{_names(praised)}按时报送了全部到期报告，予以通报表扬。")
    missing = [r for r in data.rows if r.missing]
    if missing:
        out.append(f"{_names(missing)}存在逾期未报送进展报告的情况，现予催办：请于收到本通报后5个工作日内"
                   "补报，并书面说明逾期原因。")
    lagging = [r for r in data.rows if r.off_track]
    if lagging:
        out.append(f"{_names(lagging)}负责的部分指标严重滞后，请分析原因、制定措施，加快推进，"
                   "并在下一季度进展报告中说明整改情况。")
    if not missing and not lagging:
        out.append("本季度没有需要催办的单位。")
    return out


HEADERS = ["名次", "单位", "应报", "按时", "逾期", "未报", "未到期", "按时率", "指标进展"]


def table_row(r: UnitRow) -> list[str]:
    return [str(r.rank), r.unit.name, str(r.owed), str(r.on_time), str(r.late), str(r.missing), str(r.pending),
            pct(r.rate, 0), r.targets_text()]


def build_docx(data: Bulletin) -> bytes:
    doc = GovDocument(title=data.title)
    doc.title(f"{data.area}儿童友好城市建设工作进度通报")
    doc.subtitle(f"（{data.quarter_label}）")
    doc.para(f"根据《{data.plan.title}》和监测评估工作安排，现将{data.quarter_label}各责任单位进展报告报送和"
             "目标推进情况通报如下。")

    doc.heading("一、报送情况")
    t = data.totals
    if data.periods:
        doc.para(f"本季度结束的填报周期：{'、'.join(f'{p.label}（报送期限{common.date_text(p.deadline)}）' for p in data.periods)}。"
                 f"各单位应报送{t.owed}份，按时{t.on_time}份、逾期{t.late}份、未报送{t.missing}份、未到期{t.pending}份。"
                 "各单位报送情况和排名见表1（按到期报告的按时报送率排名，其次为未报送份数和指标进展）。")
    else:
        doc.para(f"{data.quarter_label}没有结束的填报周期，各单位指标进展见表1。")
    doc.table(f"{data.quarter_label}各单位报送和进展情况", HEADERS, [table_row(r) for r in data.rows],
              [0.9, 3.6, 1.2, 1.2, 1.2, 1.2, 1.2, 1.5, 3.6], align=["c", "l", "c", "c", "c", "c", "c", "c", "l"])

    doc.heading("二、目标进展")
    c = counts(data.board.overall)
    doc.para(f"截至{common.date_text(data.board.as_of)}，方案确定的{sum(c.values())}项监测指标中，"
             f"{common.counts_sentence(c)}，总体评价为“{common.status_label(data.board.overall.status)}”。")
    for i, d in enumerate(data.board.domains, 1):
        dc = counts(d.rollup)
        if sum(dc.values()):
            doc.para(f"{common.counts_sentence(dc)}。", lead=f"{i}.{d.obj.title}：")

    doc.heading("三、通报和催办")
    for text in notice(data):
        doc.para(text)
    if data.urged:
        doc.heading("（一）催办单位", level=2)
        for i, r in enumerate(data.urged, 1):
            doc.para("；".join(r.urge_reasons()) + "。", lead=f"{i}.{r.unit.name}：")

    doc.heading("四、有关要求")
    doc.para("各责任单位要对照方案分工，按照填报周期按时报送进展数据和佐证材料，确保数据真实准确；"
             "对严重滞后和存在风险的指标，要明确整改措施和完成时限。妇儿工委办公室将按季度通报报送和推进情况，"
             "并纳入年度考核。")
    doc.para("")
    doc.signature([f"{data.area}妇女儿童工作委员会办公室", common.date_text(data.today)])
    return doc.save()


def build_xlsx(data: Bulletin) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    for row in (["通报", data.title], ["行动方案", str(data.plan)], ["季度", data.quarter_label],
                ["起止日期", f"{common.date_text(data.first)}至{common.date_text(data.last)}"],
                ["生成日期", common.date_text(data.today)],
                ["排名依据", "到期报告的按时报送率，其次为未报送份数和所牵头指标进展正常的占比"]):
        info.append(row)
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 70
    rows = []
    for r in data.rows:
        c = r.target_counts or {}
        rows.append([r.rank, r.unit.name, r.unit.get_kind_display(), r.owed, r.on_time, r.late, r.missing, r.pending,
                     None if r.rate is None else round(r.rate, 1), sum(c.values()) if c else None,
                     *(c.get(k) if c else None for k in common.STATUS_ORDER),
                     "；".join(r.urge_reasons())])
    xlsx.add_sheet(wb, "报送和进展", ["名次", "单位", "类型", "应报", "按时", "逾期", "未报", "未到期", "按时率(%)",
                                      "指标数"] + [common.STATUS_LABELS[k] for k in common.STATUS_ORDER] + ["催办事项"],
                   rows)
    xlsx.add_sheet(wb, "催办", ["序号", "单位", "催办事项"],
                   [[i, r.unit.name, "；".join(r.urge_reasons())] for i, r in enumerate(data.urged, 1)])
    xlsx.add_sheet(wb, "周期", ["周期", "起始日期", "截止日期", "报送期限"],
                   [[p.label, p.starts, p.ends, p.deadline] for p in data.periods])
    return xlsx.save(wb)
