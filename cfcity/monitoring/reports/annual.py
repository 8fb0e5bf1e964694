"""The annual monitoring report (年度监测报告) as a Word document in the style of a government
report: 一、总体进展, 二、各领域进展, 三、目标完成情况 (the table of every target and trend
charts of the key ones), 四、预警和需督促的单位, 五、下一步工作建议.

Every figure comes from ``summaries.board(plan, year=…)`` — the dashboard's own numbers —
and from the stored warnings, so the report, the dashboard and the engine agree.
``collect`` reads, ``draw_charts`` draws, ``build_docx`` writes; the Excel workbook
(``xlsx.py``) and the PDF (``pdf.py``) start from the same ``Annual``.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cfcity.plans import display
from cfcity.plans import models as pm

from cfcity.orgs.models import OrgUnit

from .. import charts, summaries
from ..models import Observation, Warning
from . import common
from .common import counts, num, pct
from .govdoc import GovDocument

KEY_TARGETS = 6  # trend charts in the report: the most pressing targets with data
SEVERITY_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2, "achieved": 3, "no_data": 4, "not_due": 5}
COUNTY_KINDS = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.AREA)


@dataclass
class Chart:
    caption: str
    png: bytes
    place: str  # "overall", "domain:<pk>", "trend"


@dataclass
class Annual:
    plan: pm.Plan
    params: dict
    title: str
    area: str
    board: summaries.Board
    leads: dict[int, list[str]]  # task id → lead units' names
    warnings: list[Warning]
    punctuality: summaries.Punctuality
    today: datetime.date
    shares: set[int] = field(default_factory=set)  # targets whose values are shares of units (%)
    charts: list[Chart] = field(default_factory=list)

    def is_share(self, target: pm.Target) -> bool:
        return target.pk in self.shares

    @property
    def year(self) -> int:
        return self.params["year"]

    @property
    def as_of(self) -> datetime.date:
        return self.board.as_of


# --- reading ------------------------------------------------------------------------------

def collect(plan: pm.Plan, params: dict, *, today: datetime.date | None = None) -> Annual:
    today = today or timezone.localdate()
    board = summaries.board(plan, year=params["year"], today=today)
    leads: dict[int, list[str]] = defaultdict(list)
    for task_id, name in (pm.TaskDepartment.objects.filter(task__plan=plan, role=pm.TaskDepartment.Role.LEAD)
                          .order_by("task_id", "order").values_list("task_id", "org_unit__name")):
        leads[task_id].append(name)
    total = summaries.Punctuality()
    for p in summaries.punctuality(plan, year=params["year"], today=today).values():
        total.owed += p.owed
        total.on_time += p.on_time
        total.late += p.late
        total.missing += p.missing
    return Annual(plan=plan, params=params, title=common.title("annual", plan, params), area=common.area_of(plan),
                  board=board, leads=dict(leads), warnings=standing_warnings(plan, params["year"]),
                  punctuality=total, today=today, shares=share_targets(plan))


def share_targets(plan: pm.Plan) -> set[int]:
    """The targets whose values the engine reads as the share of units meeting them (%):
    every per_unit target, and frequency targets the units below the departments report
    (where a department reports one, its value is the count itself) — as ``collect`` does."""
    per_unit = set(pm.Target.objects.filter(plan=plan, kind=pm.Target.Kind.PER_UNIT).values_list("pk", flat=True))
    frequency = set(pm.Target.objects.filter(plan=plan, kind=pm.Target.Kind.FREQUENCY).values_list("pk", flat=True))
    by_departments = set(Observation.objects.filter(target_id__in=frequency, org_unit__kind__in=COUNTY_KINDS)
                         .values_list("target_id", flat=True).distinct()) if frequency else set()
    return per_unit | (frequency - by_departments)


def standing_warnings(plan: pm.Plan, year: int) -> list[Warning]:
    """The warnings not yet resolved when the report is made — what the units must still
    act on, even in the report on a year that has ended — less those about a later year's
    reporting period. Red first, then by unit."""
    rows = (Warning.objects.filter(plan=plan, resolved_at__isnull=True)
            .filter(Q(period__isnull=True) | Q(period__year__lte=year))
            .select_related("org_unit", "task", "target"))
    order = {Warning.Severity.HIGH: 0, Warning.Severity.MEDIUM: 1, Warning.Severity.LOW: 2}
    return sorted(rows, key=lambda w: (order.get(w.severity, 9), w.org_unit.name, w.pk))


def responsible(data: Annual, target: pm.Target) -> list[str]:
    """The units answering for a target: its task's lead departments, else those the
    plan's indicator table names."""
    names = data.leads.get(target.task_id, []) if target.task_id else []
    return names or [str(n) for n in (target.responsible or [])]


# --- how a target reads ---------------------------------------------------------------------

def target_text(t: pm.Target, sep: str = "") -> str:
    """The 目标值 column: “≥ 4.5 个（2025年）”, “3—5 处（2025年，方案期末）”."""
    amount = "" if t.kind == pm.Target.Kind.MILESTONE else display.amount(t)
    if t.kind == pm.Target.Kind.ANNUAL_CHANGE and amount:
        amount = f"每年{display.DIRECTION_WORDS.get(t.direction or '', '变化')} {amount}"
    if display.is_full_coverage(t):
        amount = "全覆盖"
    when = display.deadline(t)
    return (amount or "完成") + (sep + when if when else "")


def baseline_text(line: summaries.TargetLine, share: bool = False, sep: str = "") -> str:
    """The 基期值 column: the engine's baseline (else the plan's) with its year."""
    t, s = line.target, line.status
    engine_baseline = s is not None and s.baseline is not None
    value = s.baseline if engine_baseline else (t.baseline_value if t.has_baseline else None)
    year = s.baseline_year if engine_baseline else t.baseline_year
    if value is None:
        return "—"
    text = f"{num(value, 1)}%" if share and engine_baseline else common.quantity(value, t.unit)
    return text + (f"{sep}（{year}年）" if year else "")


def latest_text(line: summaries.TargetLine, share: bool = False) -> str:
    """The 最新值 column: the value in the target's unit; for targets counted over units
    (每个镇…) the share of units that meet it."""
    s, t = line.status, line.target
    if s is None or s.latest is None:
        return "—"
    if share:
        return f"{num(s.latest, 1)}%（达标单位占比）"
    if t.kind == pm.Target.Kind.ANNUAL_CHANGE:
        return num(s.latest)
    return common.quantity(s.latest, t.unit)


def progress_text(line: summaries.TargetLine) -> str:
    s = line.status
    return pct(s.progress, 0) if s is not None else "—"


def target_row(i: int, line: summaries.TargetLine, share: bool = False, sep: str = "") -> list[str]:
    """One row of table 三: 序号, 指标, 基期值, 目标值, 最新值, 完成进度, 状态 (``sep``
    between a value and its year: a line break in the Word table)."""
    return [str(i), line.target.indicator, baseline_text(line, share, sep), target_text(line.target, sep),
            latest_text(line, share), progress_text(line), common.status_label(line.code)]


TARGET_HEADERS = ["序号", "指标", "基期值", "目标值", "最新值", "完成进度", "状态"]


# --- charts -----------------------------------------------------------------------------------

def _label(d: datetime.date, monthly: bool) -> str:
    return f"{d.year}年{d.month}月" if monthly else f"{d.year}年"


def key_lines(data: Annual) -> list[summaries.TargetLine]:
    """The targets drawn as trend charts: those with data, the most pressing first
    (严重滞后, 存在风险 …), binding (约束性) targets before expected ones."""
    lines = [line for line in data.board.targets
             if line.status is not None and line.status.series and line.target.kind != pm.Target.Kind.MILESTONE]
    lines.sort(key=lambda line: (SEVERITY_RANK.get(line.code, 9), (line.target.attribute or "") != "约束性",
                                 line.target.task.number if line.target.task_id else 999, line.target.order))
    return lines[:KEY_TARGETS]


def trend(line: summaries.TargetLine, share: bool = False) -> dict:
    """The arguments of ``charts.trend_png`` for a target: its series by period, the target
    value, and the straight path from the baseline to the target in its deadline year."""
    t, s = line.target, line.status
    series = [(datetime.date.fromisoformat(str(when)[:10]), float(value)) for when, value in s.series]
    monthly = any((d.month, d.day) != (12, 31) for d, _ in series)
    points = [(_label(d, monthly), v) for d, v in series]
    unit = t.unit
    goal = float(t.value) if t.value is not None else None
    expected = None
    if share:
        goal, unit = 100.0, "%"
    elif t.kind == pm.Target.Kind.ANNUAL_CHANGE:
        goal = None  # a rate of change, not a level the line could reach
        step = float(t.value) if t.value is not None else None
        if step and t.direction in ("increase", "decrease") and s.baseline is not None and s.baseline_year \
                and t.year and t.year > s.baseline_year:
            sign = -1 if t.direction == "decrease" else 1  # the level the required yearly change leads to
            expected = [(_label(datetime.date(y, 12, 31), monthly), s.baseline + sign * step * (y - s.baseline_year))
                        for y in range(s.baseline_year, t.year + 1)]
        unit = None  # the target's unit is that of the change (个百分点), not of the level
    elif goal is not None and s.baseline is not None and s.baseline_year and t.year and t.year > s.baseline_year:
        span = t.year - s.baseline_year
        expected = [(_label(datetime.date(y, 12, 31), monthly),
                     s.baseline + (goal - s.baseline) * (y - s.baseline_year) / span)
                    for y in range(s.baseline_year, t.year + 1)]
    return {"title": t.indicator, "points": points, "target": goal, "unit": unit, "expected": expected}


def draw_charts(data: Annual) -> list[Chart]:
    out = []
    board = data.board
    out.append(Chart("各领域目标进展情况",
                     charts.status_bar_png("各领域目标进展情况", [(d.obj.title, counts(d.rollup)) for d in board.domains]),
                     "overall"))
    for d in board.domains:
        rows = [(a.obj.title, counts(a.rollup)) for a in d.children]
        out.append(Chart(f"{d.obj.title}领域各行动目标进展情况",
                         charts.status_bar_png(f"{d.obj.title}：各行动目标进展", rows), f"domain:{d.obj.pk}"))
    for line in key_lines(data):
        args = trend(line, data.is_share(line.target))
        png = charts.trend_png(args.pop("title"), args.pop("points"), **args)
        out.append(Chart(f"{line.target.indicator}（{common.status_label(line.code)}）", png, "trend"))
    data.charts = out
    return out


# --- the words ---------------------------------------------------------------------------------

def _share_good(c: dict[str, int]) -> float | None:
    with_data = sum(n for k, n in c.items() if k not in ("no_data", "not_due"))
    if not with_data:
        return None
    return 100.0 * (c["achieved"] + c["on_track"]) / with_data


def overall_paragraphs(data: Annual) -> list[str]:
    b = data.board
    c = counts(b.overall)
    total = sum(c.values())
    out = []
    text = (f"截至{common.date_text(data.as_of)}，《{data.plan.title}》确定的{total}项监测指标中，"
            f"{common.counts_sentence(c)}。")
    share = _share_good(c)
    if share is not None:
        with_data = sum(n for k, n in c.items() if k not in ("no_data", "not_due"))
        text += f"已有监测数据且到评估期的{with_data}项指标中，已达标和进展正常的占{pct(share)}。"
    text += f"总体进展评价为“{common.status_label(b.overall.status)}”。"
    out.append(text)
    if b.domains:
        best = max(b.domains, key=lambda d: _share_good(counts(d.rollup)) or -1)
        worst = min(b.domains, key=lambda d: _share_good(counts(d.rollup)) if _share_good(counts(d.rollup)) is not None else 101)
        parts = [f"{len(b.domains)}个领域中，"]
        parts.append("、".join(f"{d.obj.title}领域{common.status_label(d.rollup.status)}" for d in b.domains) + "。")
        if best is not worst and _share_good(counts(best.rollup)) is not None:
            parts.append(f"进展较好的是{best.obj.title}领域，需重点推进的是{worst.obj.title}领域。")
        out.append("".join(parts))
    p = data.punctuality
    if p.owed:
        out.append(f"{data.year}年各责任单位应报送进展报告{p.owed}份，按时报送{p.on_time}份、逾期报送{p.late}份、"
                   f"未报送{p.missing}份，按时报送率{pct(p.rate)}。")
    else:
        out.append(f"{data.year}年尚无到期的进展报告。")
    return out


def _named(lines, limit=5) -> str:
    names = [f"“{line.target.indicator}”" for line in lines[:limit]]
    more = f"等{len(lines)}项" if len(lines) > limit else ""
    return "、".join(names) + more


def action_paragraph(node: summaries.Node) -> str:
    c = counts(node.rollup)
    total = sum(c.values())
    if not total:
        return "本行动暂无量化监测指标，进展以任务报送情况为准。"
    lines = [line for task in node.children for line in task.targets]
    text = f"共{total}项指标，{common.counts_sentence(c)}。"
    off = [line for line in lines if line.code == "off_track"]
    risk = [line for line in lines if line.code == "at_risk"]
    if off:
        text += f"其中{_named(off)}严重滞后。"
    if risk:
        text += f"{'另有' if off else '其中'}{_named(risk)}存在风险。"
    if not off and not risk and (c["achieved"] + c["on_track"]):
        text += "其余指标进展正常。" if c["no_data"] or c["not_due"] else "各项指标进展正常。"
    return text


def urged_units(data: Annual) -> list[tuple[str, list[str]]]:
    """The units to be urged, with why: their standing warnings, reports not sent, and the
    targets they lead that are off track. Most reasons first."""
    reasons: dict[str, list[str]] = defaultdict(list)
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for w in data.warnings:
        by_unit[w.org_unit.name][w.get_severity_display()] += 1
    for name, sev in by_unit.items():
        reasons[name].append("预警" + "、".join(f"{label}{n}条" for label, n in sev.items()))
    for line in list(data.board.departments) + list(data.board.towns):
        if line.punctuality.missing:
            reasons[line.org_unit.name].append(f"未报送进展报告{line.punctuality.missing}份")
    off_by_unit: dict[str, int] = defaultdict(int)
    for line in data.board.targets:
        if line.code == "off_track":
            for name in responsible(data, line.target):
                off_by_unit[name] += 1
    for name, n in off_by_unit.items():
        reasons[name].append(f"牵头的{n}项指标严重滞后")
    return sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def suggestions(data: Annual) -> list[tuple[str, str]]:
    """五、下一步工作建议 as (lead phrase, text), made from what is off track or at risk."""
    lines = data.board.targets
    off = [line for line in lines if line.code == "off_track"]
    risk = [line for line in lines if line.code == "at_risk"]
    empty = [line for line in lines if line.code == "no_data"]
    out = []
    if off:
        items = []
        for line in off:
            who = "、".join(responsible(data, line.target)) or "责任单位"
            items.append(f"“{line.target.indicator}”（{who}牵头，最新值{latest_text(line, data.is_share(line.target))}，目标{target_text(line.target)}）")
        out.append(("加快推进严重滞后的指标。",
                    f"{'；'.join(items)}。请牵头单位逐项分析滞后原因，制定针对性措施，明确时间表和责任人，"
                    "确保按期完成目标。"))
    if risk:
        items = [f"“{line.target.indicator}”（{'、'.join(responsible(data, line.target)) or '责任单位'}）" for line in risk]
        out.append(("加强对存在风险指标的跟踪调度。",
                    f"{'、'.join(items)}进展慢于预期，请相关单位加大工作力度，按季度报告进展，防止转为严重滞后。"))
    if empty:
        out.append(("补齐监测数据。",
                    f"{_named(empty, 8)}暂无监测数据，请责任单位按照填报周期及时报送数据和佐证材料，"
                    "确保监测评估有据可依。"))
    late = [(line.org_unit.name, line.punctuality) for line in list(data.board.departments) + list(data.board.towns)
            if line.punctuality.missing or line.punctuality.late]
    if late:
        names = "、".join(name for name, _ in late[:10]) + ("等单位" if len(late) > 10 else "")
        out.append(("提高报送及时性。",
                    f"{names}存在逾期或未报送进展报告的情况，请严格按照报送期限报送，妇儿工委办公室将定期通报。"))
    if data.warnings:
        out.append(("抓好预警问题整改。",
                    f"对本报告列出的{len(data.warnings)}条预警，请责任单位对照消除条件逐条整改，整改情况纳入下一周期报告。"))
    if not out:
        out.append(("巩固提升建设成效。",
                    "各项指标总体进展顺利，请各责任单位保持工作力度，总结推广经验做法，推动儿童友好城市建设提质增效。"))
    return out


# --- the document --------------------------------------------------------------------------------

def build_docx(data: Annual) -> bytes:
    """The report as .docx bytes (charts drawn first with ``draw_charts``)."""
    b = data.board
    charts_by_place = defaultdict(list)
    for chart in data.charts:
        charts_by_place[chart.place].append(chart)
    doc = GovDocument(title=data.title)
    doc.title(data.title)
    doc.subtitle(f"（数据截至{common.date_text(data.as_of)}）")
    doc.para(f"根据《{data.plan.title}》{'（' + data.plan.doc_number + '）' if data.plan.doc_number else ''}"
             f"和儿童友好城市建设监测评估工作安排，现将{data.area}{data.year}年儿童友好城市建设监测情况报告如下。")

    doc.heading("一、总体进展")
    for text in overall_paragraphs(data):
        doc.para(text)
    for chart in charts_by_place["overall"]:
        doc.picture(chart.png, chart.caption)

    doc.heading("二、各领域进展")
    if not b.domains:
        doc.para("方案尚无领域和行动。")
    for i, d in enumerate(b.domains, 1):
        doc.heading(f"（{display.chinese_numeral(i)}）{d.obj.title}", level=2)
        c = counts(d.rollup)
        total = sum(c.values())
        doc.para(f"本领域共{len(d.children)}项行动、{total}项监测指标，{common.counts_sentence(c)}，"
                 f"总体{common.status_label(d.rollup.status)}。" if total else
                 f"本领域共{len(d.children)}项行动，暂无量化监测指标。")
        for j, a in enumerate(d.children, 1):
            doc.para(action_paragraph(a), lead=f"{j}.{a.obj.title}。")
        for chart in charts_by_place[f"domain:{d.obj.pk}"]:
            doc.picture(chart.png, chart.caption)

    doc.heading("三、目标完成情况")
    doc.para(f"方案确定的{len(b.targets)}项监测指标的基期值、目标值、最新值和完成进度见表1。"
             "完成进度为最新值从基期值向目标值推进的比例；状态由监测评估模型根据实际进度与应达进度的差距判定。")
    doc.table("监测指标完成情况", TARGET_HEADERS, [target_row(i, line, data.is_share(line.target), "\n")
                                                               for i, line in enumerate(b.targets, 1)],
              [0.8, 3.6, 2.5, 3.0, 2.2, 1.4, 1.9], align=["c", "l", "c", "c", "c", "c", "c"])
    trends = charts_by_place["trend"]
    if trends:
        doc.para("重点指标的变化趋势见下图（实线为实际值，虚线为目标值，点线为按期完成应达到的进度）。")
        for chart in trends:
            doc.picture(chart.png, chart.caption)

    doc.heading("四、预警和需督促的单位")
    doc.heading("（一）预警情况", level=2)
    if data.warnings:
        by_sev = defaultdict(int)
        for w in data.warnings:
            by_sev[w.get_severity_display()] += 1
        doc.para(f"截至{common.date_text(data.today)}，尚未解除的预警{len(data.warnings)}条，其中"
                 + "、".join(f"{label}预警{n}条" for label, n in by_sev.items()) + "，详见表2。")
        doc.table("预警及责任单位", ["序号", "等级", "类型", "责任单位", "预警内容", "消除条件"],
                  [[str(i), w.get_severity_display(), w.get_kind_display(), w.org_unit.name, w.message, w.clear_by]
                   for i, w in enumerate(data.warnings, 1)],
                  [1.0, 1.2, 2.2, 2.6, 5.0, 3.6], align=["c", "c", "c", "l", "l", "l"])
    else:
        doc.para(f"截至{common.date_text(data.today)}，没有尚未解除的预警。")
    doc.heading("（二）需督促的单位", level=2)
    urged = urged_units(data)
    if urged:
        doc.para(f"以下{len(urged)}个单位需要督促：")
        for i, (name, why) in enumerate(urged, 1):
            doc.para("；".join(why) + "。", lead=f"{i}.{name}：")
    else:
        doc.para("各责任单位均按时报送，所牵头指标没有严重滞后的情况。")

    doc.heading("五、下一步工作建议")
    for i, (lead, text) in enumerate(suggestions(data), 1):
        doc.para(text, lead=f"（{display.chinese_numeral(i)}）{lead}")

    doc.para("")
    doc.signature([f"{data.area}妇女儿童工作委员会办公室", common.date_text(data.today)])
    return doc.save()
