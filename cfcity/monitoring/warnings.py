"""Warning rules: what needs someone's attention now, who must act, and what clears it.

``refresh(plan, as_of=…)`` works the rules out from the stored verdicts (``TargetStatus``),
the accepted values (``Observation``), the periods, assignments and reports, and brings the
plan's ``Warning`` rows in line: one row per stable ``key``; a warning still true is
confirmed (``last_seen``), a new one is created, one no longer true is resolved
(``resolved_at`` set, the row kept for history) and reopened if it comes back. The rules,
and the wording of each warning, are in docs/methodology.md (预警规则):

=============  ========  ==========================================================
kind           severity  true when
=============  ========  ==========================================================
off_track      high      the engine says the target (or a town's share) 严重滞后
at_risk        medium    the engine says it 存在风险
overdue        high      a period's deadline has passed and an assigned unit has sent
                         no report (submitted, approved or accepted)
not_started    medium    the deadline is at most ``not_started_days`` away and the
                         unit has not started the report
stale          low       the plan is running and the target's latest data is older
                         than ``stale_days`` (or it never had any since the plan began)
outlier        low       a value of the latest period flagged as an outlier, in a
                         report awaiting review, or accepted without an explanation
rectification  high/med  (cfcity.supervision, through EXTRA_RULES) a finding's deadline
                         has passed and the responsible unit owes an answer
proposal       medium    (cfcity.councils) a children's council proposal is unanswered
                         past its answer date
safeguarding   high      (cfcity.voice) a message that suggests a child is in danger has
                         waited longer than the response-time target
=============  ========  ==========================================================

Each warning names the unit that must act: the task's lead departments for a target of
the area, the town for its share of a target, the assigned unit for a report.
Everything here reads a fixed number of queries per plan, whatever its size.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from cfcity.accounts.access import visible_to
from cfcity.orgs.models import OrgUnit
from cfcity.plans import display
from cfcity.plans import models as pm
from cfcity.reporting.models import EVER_SENT, Assignment, Period, Report, ReportValue, TargetShare

from .models import STATUS_CHOICES, TargetStatus, Warning

K = Warning.Kind
SEV = Warning.Severity
# the kinds refresh() keeps in line (rectification and roster_gap come from EXTRA_RULES)
RULE_KINDS = (K.OFF_TRACK, K.AT_RISK, K.OVERDUE, K.STALE, K.OUTLIER, K.NOT_STARTED, K.ROSTER_GAP,
              K.RECTIFICATION, K.PROPOSAL, K.SAFEGUARDING)
# rules other apps add (cfcity.welfare: the roster's gaps): f(plan, as_of) -> list[Found]
EXTRA_RULES: list = []
STATUS_LABELS = dict(STATUS_CHOICES)
SEVERITY_RANK = {SEV.HIGH: 0, SEV.MEDIUM: 1, SEV.LOW: 2}

DEFAULTS = {"stale_days": 400, "not_started_days": 7, "reminder_min_gap_days": 3}


def setting(name: str) -> int:
    """One of ``settings.MONITORING_WARNINGS`` (stale_days, not_started_days,
    reminder_min_gap_days), the default when not set."""
    return int((getattr(settings, "MONITORING_WARNINGS", None) or {}).get(name, DEFAULTS[name]))


@dataclass
class Found:
    """A warning the rules find true now (not yet a row)."""
    key: str
    kind: str
    severity: str
    org_unit_id: int
    message: str
    clear_by: str
    task_id: int | None = None
    target_id: int | None = None
    period_id: int | None = None


# --- wording ---------------------------------------------------------------------------------

def _task_text(task: pm.Task | None) -> str:
    return f"任务（{task.number}）{task.title}" if task else ""


def _target_text(target: pm.Target) -> str:
    where = _task_text(target.task)
    return (f"{where}：" if where else "") + f"指标“{display.target_text(target)}”"


def _pct(v: float) -> str:
    return f"{display.number(round(v))}%"


def _facts(status: TargetStatus, target: pm.Target, *, share: bool) -> str:
    """“最新值 2 所（2024年12月31日），已完成进度 50%，按期应完成 80%。”; without the
    progress figures, the engine's last reason (the one that decided). For the area, a
    per-unit or frequency target's value is the share of units meeting it."""
    parts = []
    if status.latest is not None:
        when = f"（{display.date_text(status.latest_when)}）" if status.latest_when else ""
        if not share and target.kind in (pm.Target.Kind.PER_UNIT, pm.Target.Kind.FREQUENCY):
            parts.append(f"达标单位占比 {display.quantity(round(status.latest, 1), '%')}{when}")
        else:
            parts.append(f"最新值 {display.quantity(round(status.latest, 2), target.unit)}{when}")
    if status.progress is not None and status.expected is not None:
        parts.append(f"已完成进度 {_pct(status.progress)}，按期应完成 {_pct(status.expected)}")
    else:
        reasons = [r.strip().rstrip("。；") for r in (status.reasons or []) if isinstance(r, str) and r.strip()]
        if reasons:
            parts.append(reasons[-1])
    return "，".join(parts) + "。" if parts else ""


def _days(n: int) -> str:
    return f"{n} 天"


# --- the rules -------------------------------------------------------------------------------

class _Plan:
    """What the rules need of one plan, read once."""

    def __init__(self, plan: pm.Plan, as_of: datetime.date):
        self.plan, self.as_of = plan, as_of
        self.targets = {t.pk: t for t in pm.Target.objects.filter(plan=plan).select_related("task")}
        self.tasks = {t.pk: t for t in pm.Task.objects.filter(plan=plan)}
        self.leads: dict[int, list[int]] = defaultdict(list)
        for task_id, unit_id in (pm.TaskDepartment.objects.filter(task__plan=plan, role=pm.TaskDepartment.Role.LEAD)
                                 .order_by("task_id", "order").values_list("task_id", "org_unit_id")):
            self.leads[task_id].append(unit_id)
        self._by_name: dict[str, int] | None = None
        self.periods = list(Period.objects.filter(plan=plan).order_by("deadline", "kind"))

    def responsible(self, target: pm.Target) -> list[int]:
        """Who answers for a target of the area: its task's lead departments; for a target
        no task states, the departments the indicator table names; else the area itself."""
        if target.task_id and self.leads.get(target.task_id):
            return self.leads[target.task_id]
        names = [n for n in (target.responsible or []) if isinstance(n, str)]
        if names and self.plan.area_id:
            if self._by_name is None:
                self._by_name = dict(OrgUnit.objects.filter(parent_id=self.plan.area_id)
                                     .values_list("name", "pk"))
            found = [self._by_name[n] for n in names if n in self._by_name]
            if found:
                return found
        return [self.plan.area_id] if self.plan.area_id else []


def _status_rules(ctx: _Plan) -> list[Found]:
    out = []
    area = ctx.plan.area_id
    rows = TargetStatus.objects.filter(target__plan=ctx.plan, status__in=(K.OFF_TRACK, K.AT_RISK))
    shares = {(t, u): v for t, u, v in
              TargetShare.objects.filter(target__plan=ctx.plan).values_list("target_id", "org_unit_id", "value")}
    for s in rows.order_by("target_id", "org_unit_id"):
        target = ctx.targets.get(s.target_id)
        if target is None:
            continue
        kind = s.status  # off_track or at_risk: the warning kinds of the same name
        severity = SEV.HIGH.value if kind == K.OFF_TRACK else SEV.MEDIUM.value
        label = STATUS_LABELS[s.status]
        facts = _facts(s, target, share=s.org_unit_id != area)
        if s.org_unit_id == area:
            message = f"{_target_text(target)}{label}。{facts}"
            clear_by = ("加快推进这项工作，并在下一期报告中报送新的数值；进展回到按期应达的水平后自动解除。"
                        if kind == K.OFF_TRACK else
                        "关注进度，在下一期报告中报送新的数值；进展达到按期应达的水平后自动解除。")
            for unit_id in ctx.responsible(target):
                out.append(Found(f"{kind}:target:{target.pk}:unit:{unit_id}", kind, severity, unit_id,
                                 message, clear_by, target.task_id, target.pk))
        else:  # a unit's share of the target
            share = shares.get((target.pk, s.org_unit_id))
            share = f"（{display.quantity(share, target.unit)}）" if share is not None else ""
            message = f"{_target_text(target)}：本单位承担的分解目标{share}{label}。{facts}"
            clear_by = "加快推进本单位承担的部分，并在下一期报告中报送本单位的数值；达到按期应达的水平后自动解除。"
            out.append(Found(f"{kind}:target:{target.pk}:share:{s.org_unit_id}", kind, severity, s.org_unit_id,
                             message, clear_by, target.task_id, target.pk))
    return out


def _plan_running(plan: pm.Plan, as_of: datetime.date) -> bool:
    start, end = plan.period_start, plan.period_end
    return bool(start or end) and (start or end) <= as_of.year <= (end or start)


def _stale_rules(ctx: _Plan) -> list[Found]:
    plan, as_of = ctx.plan, ctx.as_of
    if not _plan_running(plan, as_of):
        return []
    days = setting("stale_days")
    latest: dict[int, datetime.date] = {}
    for target_id, when in (TargetStatus.objects.filter(target__plan=plan, org_unit_id=plan.area_id,
                                                        latest_when__isnull=False)
                            .values_list("target_id", "latest_when")):
        latest[target_id] = when
    # (the verdicts were saved just before by the same recompute: no pass over the values)
    began = datetime.date(plan.period_start or plan.period_end, 1, 1)
    out = []
    for target in ctx.targets.values():
        if target.kind == pm.Target.Kind.MILESTONE:  # judged by the coordinator, not by data
            continue
        when = latest.get(target.pk)
        since = when or began
        age = (as_of - since).days
        if age <= days:
            continue
        if when:
            message = (f"{_target_text(target)}的数据已 {_days(age)}未更新"
                       f"（最近一次数据：{display.date_text(when)}）。")
        else:
            message = f"{_target_text(target)}自方案实施（{began.year}年）以来还没有采纳的数据。"
        clear_by = "在下一期报告中填报该指标的最新数值，报告经采纳后自动解除。"
        for unit_id in ctx.responsible(target):
            out.append(Found(f"stale:target:{target.pk}:unit:{unit_id}", K.STALE, SEV.LOW, unit_id,
                             message, clear_by, target.task_id, target.pk))
    return out


def _report_rules(ctx: _Plan) -> list[Found]:
    """overdue and not_started: every assignment against the periods that matter today."""
    as_of, soon = ctx.as_of, setting("not_started_days")
    past = [p for p in ctx.periods if p.deadline < as_of]
    near = [p for p in ctx.periods if 0 <= (p.deadline - as_of).days <= soon]
    if not past and not near:
        return []
    assignments = list(Assignment.objects.filter(task__plan=ctx.plan, org_unit__active=True)
                       .select_related("org_unit").order_by("task__number", "org_unit__name"))
    sent: set[tuple[int, int, int]] = set()
    current: dict[tuple[int, int, int], tuple[str, str]] = {}  # (task, unit, period) → (status, stage)
    for task_id, unit_id, period_id, status, stage in (
            Report.objects.filter(period__in=past + near).order_by("revision")
            .values_list("task_id", "org_unit_id", "period_id", "status", "stage")):
        key = (task_id, unit_id, period_id)
        if status in EVER_SENT:
            sent.add(key)
        if status != Report.Status.SUPERSEDED:
            current[key] = (status, stage)
    out = []
    for p in past:
        late = (as_of - p.deadline).days
        for a in assignments:
            key = (a.task_id, a.org_unit_id, p.pk)
            if key in sent:
                continue
            task = ctx.tasks.get(a.task_id)
            status = current.get(key, (None, None))[0]
            doing = {Report.Status.RETURNED: "报告已被退回，尚未重新报送",
                     Report.Status.DRAFT: "报告尚在草稿中"}.get(status, "尚未填报")
            message = (f"“{_task_text(task)}”{p.label}的进展报告逾期未报（报送期限 "
                       f"{display.date_text(p.deadline)}，已逾期 {_days(late)}；{doing}）。")
            clear_by = {Report.Status.RETURNED: "按退回意见修改后重新报送，报送后自动解除。",
                        Report.Status.DRAFT: "完成草稿并报送，报送后自动解除。"}.get(
                status, "填写并报送这份报告，报送后自动解除。")
            out.append(Found(f"overdue:period:{p.pk}:task:{a.task_id}:unit:{a.org_unit_id}", K.OVERDUE,
                             SEV.HIGH, a.org_unit_id, message, clear_by, a.task_id, None, p.pk))
    for p in near:
        left = (p.deadline - as_of).days
        for a in assignments:
            key = (a.task_id, a.org_unit_id, p.pk)
            if key in sent:
                continue
            status, stage = current.get(key, (None, None))
            if status is not None and not (status == Report.Status.DRAFT and stage == Report.Stage.NOT_STARTED):
                continue
            task = ctx.tasks.get(a.task_id)
            when = "今天就是报送期限" if left == 0 else f"距报送期限（{display.date_text(p.deadline)}）只剩 {_days(left)}"
            message = f"“{_task_text(task)}”{p.label}的进展报告还没有开始填写，{when}。"
            clear_by = "打开报告，填写工作进展（推进中、已完成或受阻）和数值后报送；开始填写或报送后自动解除。"
            out.append(Found(f"not_started:period:{p.pk}:task:{a.task_id}:unit:{a.org_unit_id}", K.NOT_STARTED,
                             SEV.MEDIUM, a.org_unit_id, message, clear_by, a.task_id, None, p.pk))
    return out


def latest_periods(periods: list[Period], as_of: datetime.date) -> list[Period]:
    """The periods of the latest reporting round open by ``as_of`` (a year and its fourth
    quarter end together: both)."""
    opened = [p for p in periods if p.opens <= as_of]
    if not opened:
        return []
    last = max(p.ends for p in opened)
    return [p for p in opened if p.ends == last]


def _outlier_rules(ctx: _Plan) -> list[Found]:
    periods = latest_periods(ctx.periods, ctx.as_of)
    if not periods:
        return []
    values = (ReportValue.objects.filter(outlier=True, report__period__in=periods)
              .exclude(report__status__in=(Report.Status.DRAFT, Report.Status.SUPERSEDED))
              .select_related("report__period", "report__org_unit", "target")
              .order_by("report__period_id", "report__task_id", "report__org_unit_id", "target__order"))
    out = []
    for v in values:
        r = v.report
        if r.status == Report.Status.ACCEPTED and v.outlier_reason.strip():
            continue  # reviewed by the coordinator and explained by the unit
        reason = f"填报说明：{v.outlier_reason.strip()}" if v.outlier_reason.strip() else "未说明原因"
        message = (f"{r.period.label}报送的“{v.target.indicator}”数值 "
                   f"{display.quantity(v.value, v.target.unit)}与本单位往期数据差异较大（{reason}）。")
        clear_by = ("复核并说明：核实这个数值；确属实际变化的，在报告中写明原因，经协调员采纳后自动解除；"
                    "填报有误的，退回修改或提交更正。")
        out.append(Found(f"outlier:period:{r.period_id}:target:{v.target_id}:unit:{r.org_unit_id}", K.OUTLIER,
                         SEV.LOW, r.org_unit_id, message, clear_by, r.task_id, v.target_id, r.period_id))
    return out


def evaluate(plan: pm.Plan, *, as_of: datetime.date) -> list[Found]:
    """Every warning the rules find true for ``plan`` on ``as_of`` (nothing written)."""
    ctx = _Plan(plan, as_of)
    found: dict[str, Found] = {}
    for rule in (_status_rules, _report_rules, _stale_rules, _outlier_rules):
        for f in rule(ctx):
            found.setdefault(f.key, f)
    for rule in EXTRA_RULES:
        for f in rule(plan, as_of):
            found.setdefault(f.key, f)
    return list(found.values())


FIELDS = ["kind", "severity", "org_unit_id", "task_id", "target_id", "period_id", "message", "clear_by"]


def refresh(plan: pm.Plan, *, as_of: datetime.date | None = None) -> int:
    """Bring ``plan``'s warnings in line with the rules on ``as_of`` (default today);
    returns how many are active. Idempotent: run twice, nothing changes but ``last_seen``."""
    as_of = as_of or timezone.localdate()
    found = {f.key: f for f in evaluate(plan, as_of=as_of)}
    now = timezone.now()
    existing = {w.key: w for w in Warning.objects.filter(plan=plan, kind__in=RULE_KINDS)}
    new, changed, still = [], [], []
    for key, f in found.items():
        w = existing.get(key)
        if w is None:
            new.append(Warning(plan=plan, key=key, **{k: getattr(f, k) for k in FIELDS}))
            continue
        if w.resolved_at is None and all(getattr(w, k) == getattr(f, k) for k in FIELDS):
            still.append(w.pk)  # unchanged: only last_seen moves, in one UPDATE below
            continue
        if w.resolved_at is not None:  # true again: reopened, counted from now
            w.resolved_at, w.first_seen = None, now
        for k in FIELDS:
            setattr(w, k, getattr(f, k))
        w.last_seen = now
        changed.append(w)
    if still:
        Warning.objects.filter(pk__in=still).update(last_seen=now)
    for key, w in existing.items():
        if key not in found and w.resolved_at is None:
            w.resolved_at = now
            changed.append(w)
    Warning.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    Warning.objects.bulk_update(changed, [*FIELDS, "first_seen", "last_seen", "resolved_at"], batch_size=500)
    return len(found)


# --- who sees what ---------------------------------------------------------------------------

def severity_order():
    return Case(*(When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()),
                default=Value(9), output_field=IntegerField())


def active(queryset=None):
    """Active warnings, most severe first, with what the pages and mails show."""
    qs = Warning.objects.all() if queryset is None else queryset
    return (qs.filter(resolved_at__isnull=True)
            .select_related("org_unit", "plan", "task", "target", "period")
            .order_by(severity_order(), "org_unit__name", "-first_seen", "id"))


def for_user(user, limit: int | None = 20) -> list[Warning]:
    """The active warnings ``user`` should see: a coordinator those of the whole area, a
    department or town its own (``access.visible_to`` on the responsible unit)."""
    qs = active(visible_to(user, Warning.objects.all(), "org_unit"))
    return list(qs[:limit] if limit else qs)


def home_context(user, limit: int = 10) -> dict:
    """What ``monitoring/_warnings.html`` needs on the 我的任务 page."""
    qs = visible_to(user, Warning.objects.filter(resolved_at__isnull=True), "org_unit")
    total = qs.count()
    shown = for_user(user, limit=limit) if total else []
    return {"monitoring_warnings": shown, "monitoring_warnings_total": total,
            "monitoring_warnings_more": max(0, total - len(shown))}
