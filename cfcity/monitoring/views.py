"""Dashboards for leaders and the coordinator: the plans one can see, a plan's overview
(status board, key numbers, league tables, warnings), and the drill-down domain → action →
task → the units' reports. Thin: the numbers come from ``summaries.board`` (the engine's
stored verdicts, a fixed number of queries), every object through the access layer, the
coordinator's corrections through ``judgements``."""
from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit
from cfcity.plans import display
from cfcity.plans import models as pm
from cfcity.reporting.models import Report, TargetShare

from . import engine, judgements, summaries
from . import warnings as warning_rules
from .forms import BaselineForm, JudgementForm, shown
from .models import STATUS_CHOICES, Judgement, TargetStatus, Warning
from .services import thresholds

STATUS_LABELS = dict(STATUS_CHOICES)
STATUS_ORDER = [code for code, _ in STATUS_CHOICES]
WARNINGS_SHOWN = 12  # the overview lists the most severe; the count says how many there are


def _code(x) -> str:
    return getattr(x, "value", x)


def _int(raw: str) -> int | None:
    """A plain number typed in an address or posted by a form; anything else None (“²”
    and “٣” pass str.isdigit but are no ids)."""
    return int(raw) if re.fullmatch(r"[0-9]{1,12}", raw or "") else None


# ---------------------------------------------------------------- what the templates read

@dataclass
class Roll:
    """A roll-up as the page shows it: status, score, and the count of each status."""
    code: str
    label: str
    score: float | None
    total: int
    with_data: int
    counts: list[tuple[str, str, int]]  # (code, label, n) in display order, all six
    summary: str = ""  # the engine's own sentence: what the status rests on

    @property
    def no_data(self) -> int:
        return self._n("no_data")

    @property
    def not_due(self) -> int:
        return self._n("not_due")

    def _n(self, code: str) -> int:
        return next(n for c, _, n in self.counts if c == code)

    @property
    def nonzero(self):
        return [c for c in self.counts if c[2]]


def roll(r: engine.RollUp) -> Roll:
    counts = {_code(k): n for k, n in r.counts.items()}
    code = _code(r.status)
    return Roll(code=code, label=STATUS_LABELS.get(code, code), score=r.score, total=r.total,
                with_data=r.with_data, counts=[(c, STATUS_LABELS[c], counts.get(c, 0)) for c in STATUS_ORDER],
                summary=getattr(r, "summary", ""))


def sdg_label(code: str) -> str:
    if not code:
        return ""
    try:
        return engine.SdgCategory(code).label
    except ValueError:
        return code


@dataclass
class Row:
    """One target with the engine's verdict (``s``: a TargetStatus, or None: never computed)."""
    target: pm.Target
    s: TargetStatus | None
    task: pm.Task | None = None
    judgement: Judgement | None = None
    forms: dict = field(default_factory=dict)
    chart_data: dict | None = None

    @property
    def chart_id(self) -> str:
        return f"trend-data-{self.target.pk}"

    @property
    def code(self) -> str:
        return self.s.status if self.s else "no_data"

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.code, self.code)

    @property
    def baseline(self):
        if self.s and self.s.baseline is not None:
            return self.s.baseline
        return self.target.baseline_value if self.target.has_baseline else None

    @property
    def baseline_year(self):
        if self.s and self.s.baseline is not None:
            return self.s.baseline_year
        return self.target.baseline_year if self.target.has_baseline else None

    @property
    def baseline_text(self) -> str:
        v = self.baseline
        if v is None:
            return ""
        y = self.baseline_year
        return display.quantity(round(v, 2), self.value_unit) + (f"（{y}年）" if y else "")

    @property
    def share_of_units(self) -> bool:
        """The values are the share of the units concerned that meet the target."""
        return self.target.kind in (pm.Target.Kind.PER_UNIT, pm.Target.Kind.FREQUENCY)

    @property
    def value_unit(self) -> str:
        """The unit of the values the engine judged: a share of units (%) for per-unit and
        frequency targets, a rate (%) for a change in percentage points, else the target's."""
        t = self.target
        if self.share_of_units:
            return "%"
        if t.kind == pm.Target.Kind.ANNUAL_CHANGE and "百分点" in (t.unit or ""):
            return "%"
        return t.unit or ""

    @property
    def baseline_entered(self) -> bool:
        """Whether the baseline shown is the plan's (or the coordinator's), not one the engine
        took for want of it (the first value; 0 at the plan's start for a cumulative target)."""
        t = self.target
        return t.has_baseline and t.baseline_value is not None

    @property
    def target_text(self) -> str:
        """“≥ 4.5 个”, “3—5 处”, or the milestone itself (“基本形成”) when it has no number."""
        return display.amount(self.target) or ("节点任务" if self.target.kind == "milestone" else "")

    @property
    def latest_text(self) -> str:
        if not self.s or self.s.latest is None:
            return ""
        return display.quantity(round(self.s.latest, 2), self.value_unit)

    @property
    def sdg_code(self) -> str:
        return self.s.sdg_category if self.s else ""

    @property
    def sdg_label(self) -> str:
        return sdg_label(self.sdg_code)

    @property
    def disagreement(self) -> str:
        return self.s.disagreement if self.s else ""

    @property
    def disagreement_head(self) -> str:
        """The first sentence of why the two views differ (the overview shows the rest folded)."""
        head, _, _ = self.disagreement.partition("。")
        return head + "。" if head else ""

    @property
    def disagreement_rest(self) -> str:
        return self.disagreement.partition("。")[2].strip()

    @property
    def reasons(self) -> list[str]:
        return list(self.s.reasons) if self.s else []

    def chart(self, plan_end: int | None = None) -> dict | None:
        """What ``cfcityCharts.trend`` draws (see cfcity/static/cfcity/charts.js): the values the
        engine used, the target value and the straight path from the baseline to it. None for
        a milestone, which has no numbers."""
        t = self.target
        if t.kind == pm.Target.Kind.MILESTONE:
            return None
        series = [(datetime.date.fromisoformat(d), v) for d, v in (self.s.series if self.s else [])]
        year_ends = all(d.month == 12 and d.day == 31 for d, _ in series)

        def label(d: datetime.date) -> str:
            return f"{d.year}年" if year_ends else f"{d.year}年{d.month}月"

        unit = self.value_unit
        target = float(t.value) if t.value is not None else None
        if self.share_of_units:
            target = 100.0  # the points are the share of units that meet it
        deadline = t.year or plan_end
        expected = None
        base, base_year = self.baseline, self.baseline_year
        if t.kind == pm.Target.Kind.ANNUAL_CHANGE:
            if base is not None and base_year and deadline and target is not None:
                sign = -1 if t.direction == "decrease" else 1
                end = base + sign * target * (deadline - base_year)
                expected = [[label(datetime.date(base_year, 12, 31)), base],
                            [label(datetime.date(deadline, 12, 31)), round(end, 4)]]
            target = None  # a change a year, not a level: no line for it
        elif base is not None and base_year and deadline and target is not None and base_year < deadline:
            expected = [[label(datetime.date(base_year, 12, 31)), base],
                        [label(datetime.date(deadline, 12, 31)), target]]
        return {"title": "", "unit": unit, "target": target, "expected": expected,
                "points": [[label(d), v] for d, v in series]}


@dataclass
class Filters:
    year: int | None
    unit: OrgUnit | None
    years: list[int]
    units: list[OrgUnit]

    @property
    def query(self) -> str:
        """``?year=…&unit=…`` for links that keep the filters (empty when none)."""
        q = {}
        if self.year:
            q["year"] = self.year
        if self.unit:
            q["unit"] = self.unit.pk
        return "?" + urlencode(q) if q else ""

    @property
    def active(self) -> bool:
        return bool(self.year or self.unit)


# ---------------------------------------------------------------- fetching

def _plans(user):
    return access.visible_plans(user, pm.Plan.objects.select_related("area")).order_by("-date", "-pk")


def _plan(request, plan_id) -> pm.Plan:
    return get_object_or_404(_plans(request.user), pk=plan_id)


def _years(plan: pm.Plan, today: datetime.date) -> list[int]:
    """The years one may look back at: the plan's years up to this one."""
    if plan.period_start and plan.period_end:
        years = range(plan.period_start, plan.period_end + 1)
    else:
        years = sorted(set(plan.periods.values_list("year", flat=True)))
    return [y for y in years if y <= today.year]


def _filters(request, plan: pm.Plan) -> Filters:
    """``?year=`` (a year of the plan) and ``?unit=`` (a unit in the user's scope that works on
    the plan); anything else is ignored with a message, never an error page."""
    today = timezone.localdate()
    years = _years(plan, today)
    units = list(access.visible_to(request.user, OrgUnit.objects.filter(
        assignments__task__plan=plan).distinct(), field="pk").order_by("kind", "order", "name"))
    year = unit = None
    raw = request.GET.get("year", "").strip()
    if raw:
        if _int(raw) in years:
            year = _int(raw)
        else:
            messages.warning(request, f"年份“{shown(raw)}”不在本方案可查看的年份内（{_span(years)}），已显示最新情况。")
    raw = request.GET.get("unit", "").strip()
    if raw:
        unit = next((u for u in units if u.pk == _int(raw)), None)
        if unit is None:
            messages.warning(request, f"没有找到单位“{shown(raw)}”，或您无权查看，已显示全部单位。")
    return Filters(year=year, unit=unit, years=years, units=units)


def _span(years: list[int]) -> str:
    if not years:
        return "无"
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _board(plan, f: Filters, *, unit=True) -> summaries.Board:
    return summaries.board(plan, year=f.year, unit=f.unit if unit else None)


def _rows(lines, tasks: dict | None = None) -> list[Row]:
    return [Row(line.target, line.status, (tasks or {}).get(line.target.task_id)) for line in lines]


def _tasks(nodes) -> dict:
    """task id → Task, from the tree (so a row never fetches its task)."""
    out = {}
    for n in nodes:
        if n.level == "task":
            out[n.obj.pk] = n.obj
        out.update(_tasks(n.children))
    return out


def _node_rows(node) -> list[Row]:
    """The targets under a node, in plan order."""
    if node.level == "task":
        return _rows(node.targets, {node.obj.pk: node.obj})
    return [r for child in node.children for r in _node_rows(child)]


def _decorate(node):
    """Give every node of the tree its roll-up as the page shows it."""
    node.view = roll(node.rollup)
    for child in node.children:
        _decorate(child)
    return node


def _find(nodes, level: str, pk: int):
    for n in nodes:
        if n.level == level and n.obj.pk == pk:
            return n
        found = _find(n.children, level, pk)
        if found:
            return found
    return None


def _status_chart(nodes) -> dict:
    """Stacked bars (``cfcityCharts.statusBar``): for each node, its targets in each status."""
    return {"title": "", "rows": [[_short(n), {code: k for code, _, k in n.view.counts}] for n in nodes]}


def _short(node) -> str:
    obj = node.obj
    if node.level == "domain":
        return obj.title
    if node.level == "action":
        return f"行动{obj.number}"
    return f"任务{obj.number}"


def _warnings(request, plan, *, unit=None, task=None) -> dict:
    """The plan's active warnings the user may see (by the unit that must act), most severe
    first, as ``monitoring/_warnings.html`` reads them. Two queries (a count and a page),
    whatever the number of warnings."""
    qs = access.visible_to(request.user, Warning.objects.filter(plan=plan), "org_unit")
    if unit is not None:
        qs = qs.filter(org_unit=unit)
    if task is not None:
        qs = qs.filter(task=task)
    active = warning_rules.active(qs)
    shown = list(active[:WARNINGS_SHOWN])
    total = len(shown) if len(shown) < WARNINGS_SHOWN else active.count()
    return {"monitoring_warnings": shown, "monitoring_warnings_total": total,
            "monitoring_warnings_more": total - len(shown)}


def _common(request, plan, f: Filters, board: summaries.Board) -> dict:
    return {"plan": plan, "filters": f, "board": board, "as_of": board.as_of,
            "overall": roll(board.overall), "today": timezone.localdate(), "limits": thresholds()}


# ---------------------------------------------------------------- pages

@login_required
def index(request):
    """The plans the user can see; one plan: straight to it; several (a city): side by side."""
    plans = list(_plans(request.user))
    if len(plans) == 1:
        return redirect("monitoring:overview", plans[0].pk)
    limits = thresholds()
    by_plan: dict[int, list[int]] = defaultdict(list)
    for pk, plan_id in pm.Target.objects.filter(plan__in=plans).values_list("pk", "plan_id"):
        by_plan[plan_id].append(pk)
    verdicts = {(r.target_id, r.org_unit_id): r for r in TargetStatus.objects.filter(target__plan__in=plans)}
    rows = []
    for p in plans:
        lines = [(summaries.as_assessment(verdicts.get((t, p.area_id))), 1.0) for t in by_plan[p.pk]]
        rows.append({"plan": p, "roll": roll(engine.roll_up(lines, limits))})
    return render(request, "monitoring/index.html", {"rows": rows, "limits": limits})


@login_required
def overview(request, plan_id):
    plan = _plan(request, plan_id)
    f = _filters(request, plan)
    board = _board(plan, f)
    for d in board.domains:
        _decorate(d)
    ctx = _common(request, plan, f, board)
    ctx.update(_warnings(request, plan, unit=f.unit))
    ctx.update({
        "rows": _rows(board.targets, _tasks(board.domains)),
        "leagues": [("部门", [(u, roll(u.rollup)) for u in board.departments]),
                    ("镇（街道）", [(u, roll(u.rollup)) for u in board.towns])],
        "status_chart": _status_chart(board.domains),
    })
    return render(request, "monitoring/overview.html", ctx)


@login_required
def domain(request, plan_id, pk):
    plan = _plan(request, plan_id)
    obj = get_object_or_404(pm.Domain, pk=pk, plan=plan)
    f = _filters(request, plan)
    board, node = _board_and_node(request, plan, f, "domain", obj)
    ctx = _common(request, plan, f, board)
    ctx.update({"domain": obj, "node": node, "rows": _node_rows(node),
                "status_chart": _status_chart(node.children)})
    return render(request, "monitoring/domain.html", ctx)


@login_required
def action(request, plan_id, pk):
    plan = _plan(request, plan_id)
    obj = get_object_or_404(pm.Action.objects.select_related("domain"), pk=pk, domain__plan=plan)
    f = _filters(request, plan)
    board, node = _board_and_node(request, plan, f, "action", obj)
    ctx = _common(request, plan, f, board)
    ctx.update({"action": obj, "domain": obj.domain, "node": node,
                "tasks": [(t, _rows(t.targets, {t.obj.pk: t.obj})) for t in node.children]})
    return render(request, "monitoring/action.html", ctx)


def _board_and_node(request, plan, f, level, obj):
    """The board and the node asked for; when the unit filter leaves that node out (the unit
    has no task there), the whole plan's node with a message; a domain or action without
    tasks, an empty node."""
    board = _board(plan, f)
    node = _find(board.domains, level, obj.pk)
    if node is None and f.unit is not None:
        messages.info(request, f"“{f.unit.name}”在这里没有承担任务，下面显示的是全部单位的情况。")
        board = _board(plan, f, unit=False)
        node = _find(board.domains, level, obj.pk)
    if node is None:
        node = summaries.Node(level, obj, engine.roll_up([], thresholds()))
    _decorate(node)
    return board, node


@login_required
def task(request, plan_id, pk):
    plan = _plan(request, plan_id)
    obj = get_object_or_404(pm.Task.objects.select_related("action__domain"), pk=pk, plan=plan)
    f = _filters(request, plan)
    can_judge = access.can_review_plan(request.user, plan)
    bound = None
    if request.method == "POST":
        if not can_judge:
            raise PermissionDenied("只有协调员可以修改基期值和节点任务判断")
        bound = _save(request, plan, obj)
        if bound is None:
            return redirect(reverse("monitoring:task", args=[plan.pk, obj.pk]) + f.query)
    board = _board(plan, f, unit=False)  # the unit filter narrows the reports, not the targets
    node = _find(board.domains, "task", obj.pk)
    _decorate(node)
    rows = _rows(node.targets, {obj.pk: obj})
    found = {j.target_id: j for j in Judgement.objects.filter(target__task=obj).select_related("judged_by", "evidence")}
    for r in rows:
        r.judgement = found.get(r.target.pk)
        r.chart_data = r.chart(plan.period_end)
        if can_judge:
            r.forms = _forms_for(r, plan, bound)
    ctx = _common(request, plan, f, board)
    ctx.update({
        "task": obj, "action": obj.action, "domain": obj.action.domain, "node": node, "rows": rows,
        "units": list(pm.TaskDepartment.objects.filter(task=obj).select_related("org_unit").order_by("role", "order")),
        "reports": _reports(request, obj, f), "shares": _shares(request, plan, obj, f),
        **_warnings(request, plan, unit=f.unit, task=obj), "can_judge": can_judge,
    })
    return render(request, "monitoring/task.html", ctx, status=422 if bound else 200)


def _save(request, plan, task):
    """A coordinator's baseline or judgement form: None when saved, else the bound form with
    its errors (and the target id it was for)."""
    which, raw = request.POST.get("form"), request.POST.get("target", "")
    target = pm.Target.objects.select_related("plan__area").filter(
        pk=_int(raw), task=task).first() if _int(raw) is not None else None
    if target is None or which not in ("baseline", "judgement"):
        messages.error(request, "无法识别提交的内容，请在页面上重新填写。")
        return None
    prefix = f"{which}-{target.pk}"
    form = (BaselineForm(request.POST, prefix=prefix, plan=plan) if which == "baseline"
            else JudgementForm(request.POST, prefix=prefix, task=task))
    if form.is_valid():
        try:
            if which == "baseline":
                judgements.set_baseline(target, value=form.cleaned_data["value"], year=form.cleaned_data["year"],
                                        user=request.user)
                messages.success(request, f"已更新“{target.indicator}”的基期值，进展已重新计算。")
            else:
                judgements.set_judgement(target, status=form.cleaned_data["status"],
                                         note=form.cleaned_data["note"], user=request.user,
                                         evidence=form.cleaned_data.get("evidence"))
                messages.success(request, f"已记录对“{target.indicator}”的判断，进展已重新计算。")
            return None
        except judgements.JudgementError as e:
            form.add_error(None, str(e))
    why = "；".join(form.non_field_errors())
    messages.error(request, f"没有保存：{why}" if why else "没有保存，请按提示修改。")
    return (which, target.pk, form)


def _forms_for(row: Row, plan, bound) -> dict:
    t = row.target
    forms = {"baseline": BaselineForm(prefix=f"baseline-{t.pk}", plan=plan, initial={
        "value": t.baseline_value.normalize() if t.has_baseline and t.baseline_value is not None else None,
        "year": t.baseline_year if t.has_baseline else None})}
    if t.kind == pm.Target.Kind.MILESTONE:
        j = row.judgement
        forms["judgement"] = JudgementForm(prefix=f"judgement-{t.pk}", task=t.task,
                                           initial={"status": j.status, "note": j.note,
                                                    "evidence": j.evidence_id} if j else {})
    if bound and bound[1] == t.pk:
        forms[bound[0]] = bound[2]
    return forms


def _reports(request, task, f: Filters):
    """The units' reports on the task in the user's scope, newest period first (drafts are the
    unit's own business and are left out)."""
    qs = access.visible_to(request.user, Report.objects.filter(task=task), "org_unit") \
        .exclude(status=Report.Status.DRAFT) \
        .select_related("period", "org_unit").annotate(n_evidence=Count("evidence")) \
        .order_by("-period__starts", "period__kind", "org_unit__name", "-revision")
    if f.year:
        qs = qs.filter(period__year=f.year)
    if f.unit:
        qs = qs.filter(org_unit=f.unit)
    return list(qs)


def _shares(request, plan, task, f: Filters):
    """Where the task's targets are broken down to units: each unit's share and verdict
    (today's; a past year shows none)."""
    if f.year:
        return []
    qs = access.visible_to(request.user, TargetStatus.objects.filter(target__task=task), "org_unit") \
        .exclude(org_unit_id=plan.area_id).select_related("target", "org_unit") \
        .order_by("target__order", "org_unit__name")
    if f.unit:
        qs = qs.filter(org_unit=f.unit)
    rows = list(qs)
    values = {(s.target_id, s.org_unit_id): s.value for s in TargetShare.objects.filter(target__task=task)}
    return [{"s": r, "share": values.get((r.target_id, r.org_unit_id)),
             "label": STATUS_LABELS.get(r.status, r.status)} for r in rows]
