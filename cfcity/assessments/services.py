"""Every write on child impact assessments: checked, one transaction, audited.

Who may do what (docs/participation.md, 儿童影响评价):

- register: the coordinator; the writers of the plan's lead departments for child impact
  assessment (the units that ``plans.TaskDepartment`` names as leads of the task whose wording
  mentions 儿童影响评价 — task (1) of the reference plan: 县发展改革局、县妇儿工委办公室); any
  writer for a unit in their own scope (a department registers its own plan or project);
- assess (score the checklist, record consultations and conditions, conclude): the
  coordinator and those lead departments;
- record the decision-maker's response, withdraw: the coordinator and the responsible unit;
- link the spaces a project creates, mark conditions met: those and the lead departments;
- edit the checklist: the coordinator only.

Reading: the area-wide roles that follow the plan (coordinator, leader, inspector, evaluator)
and the lead departments see every assessment of their area; any other unit sees the
assessments it is responsible for; nobody else sees any.
"""
from __future__ import annotations

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import Role, rules_for
from cfcity.audit.services import log_action
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm
from cfcity.reporting import workflow
from cfcity.reporting.services import ReportingError

from .models import Condition, Consultation, Criterion, ImpactAssessment, Response, Score

A = ImpactAssessment
S = ImpactAssessment.State
TASK_WORDS = "儿童影响评价"
MAX_CHILDREN = 100_000
AREA_READERS = {Role.COORDINATOR, Role.LEADER, Role.INSPECTOR, Role.EVALUATOR}
TEXT_LIMITS = {"title": 200, "decision_maker": 100, "description": 20_000, "conclusion": 20_000,
               "summary": 20_000, "evidence": 5_000, "text": 5_000, "question": 300, "dimension": 20,
               "guidance": 5_000}

# the checklist a plan starts with (the coordinator may change every row): dimension,
# question, guidance, weight; each scored 0–5
DEFAULT_CRITERIA = [
    ("安全", "是否识别并消除对儿童的交通、设施和环境安全风险", "上下学路线与过街设施、照明、防护栏、防坠落、有毒有害材料等", 3),
    ("可达", "儿童（含残疾儿童）能否安全、便捷地步行或骑行到达并独立使用", "与居住区、学校的距离，无障碍设计，公共交通衔接", 2),
    ("游戏", "是否为不同年龄段儿童提供游戏、运动和亲近自然的空间与机会", "分龄设施、自然游戏场地、开放时间", 2),
    ("健康", "对儿童身心健康的影响（空气、噪声、绿化、营养、心理）", "施工期和建成后对儿童健康的影响及缓解措施", 2),
    ("参与", "是否听取儿童意见，并在方案中体现", "儿童参与的方式、人数、年龄段，意见的采纳和反馈情况", 2),
    ("公平", "困境儿童、留守儿童、流动儿童等是否同等受益", "受益儿童的覆盖范围，对特殊群体的专门安排", 1),
]


class AssessmentError(ReportingError):
    """A step that cannot be taken now; the message is for the user as is."""


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


def _text(value, field: str, label: str, *, required: bool = False) -> str:
    value = "" if value is None else str(value)
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise AssessmentError(f"请填写{label}")
    if len(value) > TEXT_LIMITS[field]:
        raise AssessmentError(f"{label}过长（不超过 {TEXT_LIMITS[field]} 字）")
    return value


# --- who sees and does what ---------------------------------------------------------------

def _superuser(user) -> bool:
    return getattr(user, "is_superuser", False) and user.is_active


def lead_unit_ids(plan) -> set[int]:
    """The lead departments of the plan's child impact assessment task(s), read from the plan."""
    return set(pm.TaskDepartment.objects.filter(
        task__plan=plan, role=pm.TaskDepartment.Role.LEAD)
        .filter(Q(task__title__contains=TASK_WORDS) | Q(task__text__contains=TASK_WORDS))
        .values_list("org_unit_id", flat=True))


def is_lead(user, plan) -> bool:
    """A writer of a lead department of the assessment task (in the plan's area)."""
    m = access.membership(user)
    return (m is not None and user.is_active and rules_for(m.role).write and m.org_unit_id in lead_unit_ids(plan)
            and access.can_read(user, m.org_unit_id))


def _in_area(user, plan) -> bool:
    ids = access.area_ids(user)
    return ids is access.ALL or plan.area_id in ids


def reads_area(user, plan) -> bool:
    """Sees every assessment of the plan's area."""
    if _superuser(user):
        return True
    m = access.membership(user)
    if m is None or not user.is_active or not _in_area(user, plan):
        return False
    if m.role in AREA_READERS and access.can_read(user, plan.area_id):
        return True
    return rules_for(m.role).write and m.org_unit_id in lead_unit_ids(plan)


def may_open(user, plan) -> bool:
    """May open the register at all: an area-wide reader, or a unit that can be responsible."""
    if reads_area(user, plan):
        return True
    m = access.membership(user)
    return m is not None and user.is_active and rules_for(m.role).write and _in_area(user, plan)


def visible_assessments(user, plan):
    qs = ImpactAssessment.objects.filter(plan=plan)
    if reads_area(user, plan):
        return qs
    if not may_open(user, plan):
        return qs.none()
    return access.visible_to(user, qs, "responsible_unit")


def can_assess(user, plan) -> bool:
    return access.can_review_plan(user, plan) or is_lead(user, plan)


def can_register(user, plan) -> bool:
    m = access.membership(user)
    return _superuser(user) or can_assess(user, plan) or (
        m is not None and user.is_active and rules_for(m.role).write and _in_area(user, plan))


def register_units(user, plan):
    """The units ``user`` may register an assessment for: any unit of the area for the
    coordinator and the lead departments, their own units for the others."""
    from cfcity.orgs.models import OrgUnit
    area_units = OrgUnit.objects.filter(pk__in=descendant_ids([plan.area_id])).exclude(pk=plan.area_id)
    if can_assess(user, plan):
        return area_units
    return access.visible_to(user, area_units, "pk") if can_register(user, plan) else area_units.none()


def is_responsible(user, a: ImpactAssessment) -> bool:
    return access.can_write(user, a.responsible_unit_id)


def can_respond(user, a: ImpactAssessment) -> bool:
    """Record the decision-maker's response, withdraw: the coordinator and the responsible unit."""
    return access.can_review_plan(user, a.plan) or is_responsible(user, a)


def can_follow(user, a: ImpactAssessment) -> bool:
    """Link spaces, mark conditions met: the coordinator, the lead departments, the responsible unit."""
    return can_assess(user, a.plan) or is_responsible(user, a)


def can_manage_criteria(user, plan) -> bool:
    return access.can_review_plan(user, plan)


# --- the checklist ---------------------------------------------------------------------------

def criteria(plan, *, active_only: bool = True):
    qs = Criterion.objects.filter(plan=plan)
    return qs.filter(active=True) if active_only else qs


def default_criteria(plan) -> list[Criterion]:
    """The plan's checklist, seeded with the default rows when it has none at all."""
    if not Criterion.objects.filter(plan=plan).exists():
        Criterion.objects.bulk_create([
            Criterion(plan=plan, dimension=d, question=q, guidance=g, weight=w, max_score=5, order=i * 10)
            for i, (d, q, g, w) in enumerate(DEFAULT_CRITERIA, start=1)])
    return list(criteria(plan))


def _small_int(raw, label: str, low: int, high: int) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 6 or not text.isascii() or not text.lstrip("-").isdigit():
        raise AssessmentError(f"{label}请填写 {low}–{high} 的整数")
    value = int(text)
    if not low <= value <= high:
        raise AssessmentError(f"{label}应在 {low}–{high} 之间")
    return value


@transaction.atomic
def save_criterion(user, plan, criterion: Criterion | None = None, *, dimension, question, guidance="",
                   weight, max_score, order=0, active=True) -> Criterion:
    """Add a row to the checklist or change one. Scores of assessments still open take the new
    wording, weight and maximum; a concluded assessment keeps what it was concluded with."""
    _require(can_manage_criteria(user, plan), "只有协调员可以修改评价清单")
    if criterion is not None and criterion.plan_id != plan.pk:
        raise AssessmentError("该清单项不属于本方案")
    fields = {"dimension": _text(dimension, "dimension", "维度", required=True),
              "question": _text(question, "question", "评价要点", required=True),
              "guidance": _text(guidance, "guidance", "评价指引"),
              "weight": _small_int(weight, "权重", 0, 100), "max_score": _small_int(max_score, "满分", 1, 100),
              "order": _small_int(order, "排序", 0, 9999), "active": bool(active)}
    if criterion is None:
        criterion = Criterion.objects.create(plan=plan, **fields)
        log_action("assessments.criterion.added", actor=user, obj=plan, org_unit=plan.area,
                   data={"after": {k: v for k, v in fields.items() if k != "guidance"}})
        return criterion
    open_scores = Score.objects.filter(criterion=criterion, assessment__state__in=[S.REGISTERED, S.ASSESSING])
    if open_scores.filter(score__gt=fields["max_score"]).exists():
        raise AssessmentError(f"有评价中的得分高于新的满分 {fields['max_score']}，请先调整这些得分")
    before = {k: getattr(criterion, k) for k in fields}
    for k, v in fields.items():
        setattr(criterion, k, v)
    criterion.save()
    open_scores.update(dimension=criterion.dimension, question=criterion.question, weight=criterion.weight,
                       max_score=criterion.max_score)
    changed = {k: [before[k], fields[k]] for k in fields if before[k] != fields[k] and k != "guidance"}
    if changed or before["guidance"] != fields["guidance"]:
        log_action("assessments.criterion.saved", actor=user, obj=plan, org_unit=plan.area,
                   data={"criterion": criterion.pk, "changes": changed})
    return criterion


# --- the total ------------------------------------------------------------------------------

def weighted_total(rows) -> Decimal | None:
    """The weighted score on a 0–100 scale: Σ weight × score / max ÷ Σ weight × 100, to one
    decimal; ``rows``: (score, max_score, weight). None when nothing carries weight."""
    rows = [(Decimal(s), Decimal(m), Decimal(w)) for s, m, w in rows if m and w]
    weights = sum((w for _, _, w in rows), Decimal(0))
    if not weights:
        return None
    value = sum((w * s / m for s, m, w in rows), Decimal(0)) / weights * 100
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def current_scores(a: ImpactAssessment) -> list[Score]:
    """The scores that count: all of them once concluded (the checklist at conclusion), the
    ones on active criteria while still open."""
    qs = a.scores.select_related("criterion")
    return list(qs if not a.open else qs.filter(criterion__active=True))


def total(a: ImpactAssessment) -> Decimal | None:
    if not a.open and a.total_score is not None:
        return a.total_score
    return weighted_total((s.score, s.max_score, s.weight) for s in current_scores(a))


# --- the assessment --------------------------------------------------------------------------

def _date(value, label: str, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise AssessmentError(f"请填写{label}")
        return None
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise AssessmentError(f"{label}不是有效的日期")
    if not 2000 <= day.year <= 2100:
        raise AssessmentError(f"{label}超出合理范围")
    return day


@transaction.atomic
def register(user, plan, *, title, kind, responsible_unit, decision_maker, description="", registered_on=None,
             due_on=None) -> ImpactAssessment:
    _require(can_register(user, plan), "您无权登记儿童影响评价事项")
    _require(register_units(user, plan).filter(pk=responsible_unit.pk).exists(),
             "您只能为本单位登记评价事项")
    if kind not in A.Kind.values:
        raise AssessmentError("请选择类别：规划、政策或项目")
    registered_on = _date(registered_on, "登记日期", required=False) or timezone.localdate()
    due_on = _date(due_on, "评价完成期限", required=False)
    if due_on and due_on < registered_on:
        raise AssessmentError("评价完成期限不能早于登记日期")
    a = ImpactAssessment.objects.create(
        plan=plan, area_id=plan.area_id, title=_text(title, "title", "名称", required=True), kind=kind,
        responsible_unit=responsible_unit, decision_maker=_text(decision_maker, "decision_maker", "决策机关",
                                                                 required=True),
        description=_text(description, "description", "概况"), registered_on=registered_on, due_on=due_on,
        created_by=user)
    default_criteria(plan)
    log_action("assessments.assessment.registered", actor=user, obj=a, org_unit=responsible_unit,
               data={"after": {"title": a.title, "kind": kind, "responsible_unit": responsible_unit.name}})
    return a


def _lock(a: ImpactAssessment):
    """Lock the row and bring ``a`` (the caller's object too) up to date with it."""
    ImpactAssessment.objects.select_for_update().filter(pk=a.pk).first()
    a.refresh_from_db()


def _open(a: ImpactAssessment):
    if not a.open:
        raise AssessmentError(f"该评价{a.get_state_display()}，不能再修改评分和意见记录")


def _start(a: ImpactAssessment):
    if a.state == S.REGISTERED:
        a.state = S.ASSESSING
        a.save(update_fields=["state", "updated_at"])


def parse_score(raw, max_score: int) -> int:
    """A whole score 0…max; ``AssessmentError`` for anything else (negative, too big, words)."""
    return _small_int(raw, "得分", 0, max_score)


@transaction.atomic
def save_scores(user, a: ImpactAssessment, entries) -> list[Score]:
    """Score the checklist, all rows or none: ``entries`` is a list of dicts with
    ``criterion``, ``score`` (raw text; empty skips the row), ``evidence`` and optionally
    ``file`` = (name, bytes)."""
    _require(can_assess(user, a.plan), "只有协调员和牵头部门可以评分")
    _open(a)
    parsed, problems = [], []
    for e in entries:  # check every row before anything is written (files included)
        c: Criterion = e["criterion"]
        if c.plan_id != a.plan_id or not c.active:
            raise AssessmentError("清单项不属于本评价")
        raw = e.get("score")
        if raw in (None, "") and not e.get("file"):
            continue
        try:
            value = parse_score(raw, c.max_score)
            evidence = _text(e.get("evidence"), "evidence", "依据说明")
            upload = None
            if e.get("file"):
                name, data = e["file"]
                upload = (workflow.safe_name(name), data, workflow.evidence_type(name, data, AssessmentError))
        except AssessmentError as err:
            problems.append(f"{c.dimension}（{c.question[:20]}）：{err}")
            continue
        parsed.append((c, value, evidence, upload))
    if problems:
        raise AssessmentError("；".join(problems))
    saved, uploaded = [], []
    for c, value, evidence, upload in parsed:
        row = Score.objects.filter(assessment=a, criterion=c).first() or Score(assessment=a, criterion=c)
        row.dimension, row.question, row.weight, row.max_score = c.dimension, c.question, c.weight, c.max_score
        row.score, row.evidence, row.scored_by = value, evidence, user
        if upload:
            name, data, ctype = upload
            row.evidence_sha256 = hashlib.sha256(data).hexdigest()
            row.evidence_extension = workflow.ALLOWED_EVIDENCE[ctype]
            row.evidence_name, row.evidence_type = name, ctype
            row.evidence_file.save("x", ContentFile(data), save=False)
            uploaded.append({"name": name, "sha256": row.evidence_sha256, "size": len(data)})
        row.save()
        saved.append(row)
    if saved:
        _start(a)
        log_action("assessments.assessment.scored", actor=user, obj=a, org_unit=a.responsible_unit,
                   data={"scores": {str(s.criterion_id): s.score for s in saved},
                         "files": uploaded})
    return saved


@transaction.atomic
def record_consultation(user, a: ImpactAssessment, *, date, method, children, age_bands=(), summary) -> Consultation:
    _require(can_assess(user, a.plan), "只有协调员和牵头部门可以记录征求儿童意见情况")
    _open(a)
    if method not in Consultation.Method.values:
        raise AssessmentError("请选择征求意见的方式")
    day = _date(date, "日期")
    if day > timezone.localdate():
        raise AssessmentError("征求意见的日期不能晚于今天")
    count = _small_int(children, "参与儿童人数", 1, MAX_CHILDREN)
    bands = [b for b, _ in Consultation.AGE_BANDS if b in set(age_bands)]
    row = Consultation.objects.create(assessment=a, date=day, method=method, children=count, age_bands=bands,
                                      summary=_text(summary, "summary", "儿童意见摘要", required=True),
                                      recorded_by=user)
    _start(a)
    # counts and ages only: a summary of what children said never goes into the audit log
    log_action("assessments.consultation.recorded", actor=user, obj=a, org_unit=a.responsible_unit,
               data={"after": {"date": day.isoformat(), "method": method, "children": count, "age_bands": bands}})
    return row


@transaction.atomic
def add_condition(user, a: ImpactAssessment, *, text, unit=None, due_on=None) -> Condition:
    _require(can_assess(user, a.plan), "只有协调员和牵头部门可以提出整改要求")
    if a.state not in (S.REGISTERED, S.ASSESSING, S.CONCLUDED):
        raise AssessmentError(f"该评价{a.get_state_display()}，不能再提出整改要求")
    if unit is not None and unit.pk not in descendant_ids([a.area_id]):
        raise AssessmentError("落实单位不在本县（市、区）")
    row = Condition.objects.create(assessment=a, text=_text(text, "text", "整改要求", required=True), unit=unit,
                                   due_on=_date(due_on, "完成期限", required=False))
    log_action("assessments.condition.added", actor=user, obj=a, org_unit=a.responsible_unit,
               data={"after": {"condition": row.pk, "unit": unit.name if unit else None,
                               "due_on": row.due_on.isoformat() if row.due_on else None}})
    return row


@transaction.atomic
def set_condition_met(user, row: Condition, met: bool, on=None) -> Condition:
    a = ImpactAssessment.objects.get(pk=row.assessment_id)
    _require(can_follow(user, a), "只有协调员、牵头部门和责任单位可以标记整改落实情况")
    if a.state not in (S.CONCLUDED, S.RESPONDED):
        raise AssessmentError("评价出结论后才能标记整改要求的落实情况")
    before = row.met
    row.met = bool(met)
    row.met_on = (_date(on, "落实日期", required=False) or timezone.localdate()) if row.met else None
    row.save()
    if before != row.met:
        log_action("assessments.condition.met" if row.met else "assessments.condition.reopened", actor=user, obj=a,
                   org_unit=a.responsible_unit, data={"condition": row.pk, "before": before, "after": row.met})
    return row


@transaction.atomic
def conclude(user, a: ImpactAssessment, *, finding, conclusion, on=None) -> ImpactAssessment:
    """Conclude: every active criterion scored and children consulted at least once. The
    scores are frozen (those on criteria no longer in use dropped) and the total stored."""
    _require(can_assess(user, a.plan), "只有协调员和牵头部门可以作出评价结论")
    _open(a)
    _lock(a)
    _open(a)
    if finding not in A.Finding.values:
        raise AssessmentError("请选择总体结论：有利、基本有利需整改或不利")
    text = _text(conclusion, "conclusion", "评价结论", required=True)
    active = criteria(a.plan)
    if not active.exists():
        raise AssessmentError("评价清单是空的，请协调员先设置评价清单")
    missing = active.exclude(pk__in=a.scores.values("criterion_id"))
    if missing.exists():
        names = "、".join(f"{c.dimension}（{c.question[:16]}）" for c in missing[:6])
        raise AssessmentError(f"还有 {missing.count()} 项评价要点没有评分：{names}")
    if not a.consultations.exists():
        raise AssessmentError("还没有征求儿童意见：儿童影响评价必须听取儿童的意见"
                              "（儿童议事会、座谈、问卷或实地踏勘），记录后才能作出结论")
    if finding == A.Finding.CONDITIONAL and not a.conditions.exists():
        raise AssessmentError("结论为“基本有利，需整改”时，请先列出整改要求")
    day = _date(on, "结论日期", required=False) or timezone.localdate()
    if day < a.registered_on:
        raise AssessmentError("结论日期不能早于登记日期")
    dropped = a.scores.exclude(criterion__in=active)
    dropped_count = dropped.count()
    dropped.delete()
    # freeze the checklist as it stands now
    for s in a.scores.select_related("criterion"):
        c = s.criterion
        s.dimension, s.question, s.weight, s.max_score = c.dimension, c.question, c.weight, c.max_score
        s.save(update_fields=["dimension", "question", "weight", "max_score"])
    a.total_score = weighted_total((s.score, s.max_score, s.weight) for s in a.scores.all())
    a.state, a.finding, a.conclusion, a.concluded_on, a.concluded_by = S.CONCLUDED, finding, text, day, user
    a.save()
    log_action("assessments.assessment.concluded", actor=user, obj=a, org_unit=a.responsible_unit,
               data={"after": {"finding": finding, "total": str(a.total_score) if a.total_score is not None else None,
                               "scores": a.scores.count(), "dropped": dropped_count,
                               "consultations": a.consultations.count()}})
    return a


@transaction.atomic
def respond(user, a: ImpactAssessment, *, decision, text, date=None) -> Response:
    _require(can_respond(user, a), "只有协调员和责任单位可以登记决策反馈")
    _lock(a)
    if a.state != S.CONCLUDED:
        raise AssessmentError("评价出结论后才能登记决策反馈" if a.open else "该评价已登记过决策反馈")
    if decision not in Response.Decision.values:
        raise AssessmentError("请选择决策反馈：采纳、修改后采纳或未采纳")
    day = _date(date, "反馈日期", required=False) or timezone.localdate()
    if a.concluded_on and day < a.concluded_on:
        raise AssessmentError("反馈日期不能早于结论日期")
    row = Response.objects.create(assessment=a, decision=decision, text=_text(text, "text", "反馈说明", required=True),
                                  date=day, recorded_by=user)
    a.state = S.RESPONDED
    a.save(update_fields=["state", "updated_at"])
    log_action("assessments.assessment.responded", actor=user, obj=a, org_unit=a.responsible_unit,
               data={"after": {"decision": decision, "date": day.isoformat()}})
    return row


@transaction.atomic
def withdraw(user, a: ImpactAssessment, reason: str = "") -> ImpactAssessment:
    _require(can_respond(user, a), "只有协调员和责任单位可以撤回评价事项")
    _open(a)
    reason = _text(reason, "text", "撤回原因", required=True)
    before = a.state
    a.state = S.WITHDRAWN
    a.save(update_fields=["state", "updated_at"])
    log_action("assessments.assessment.withdrawn", actor=user, obj=a, org_unit=a.responsible_unit,
               data={"before": before, "after": S.WITHDRAWN, "comment": reason})
    return a


@transaction.atomic
def link_spaces(user, a: ImpactAssessment, spaces) -> list:
    """Link the child-friendly spaces the project creates; only spaces of the same area."""
    _require(can_follow(user, a), "只有协调员、牵头部门和责任单位可以关联儿童友好空间")
    if a.state == S.WITHDRAWN:
        raise AssessmentError("该评价已撤回")
    spaces = list(spaces)
    foreign = [s for s in spaces if s.area_id != a.area_id]
    if foreign:
        raise AssessmentError("只能关联本县（市、区）的儿童友好空间")
    new = [s for s in spaces if not a.spaces.filter(pk=s.pk).exists()]
    a.spaces.add(*new)
    if new:
        log_action("assessments.spaces.linked", actor=user, obj=a, org_unit=a.responsible_unit,
                   data={"after": [s.name for s in new]})
    return new


@transaction.atomic
def unlink_space(user, a: ImpactAssessment, space) -> None:
    _require(can_follow(user, a), "只有协调员、牵头部门和责任单位可以取消关联")
    if a.spaces.filter(pk=space.pk).exists():
        a.spaces.remove(space)
        log_action("assessments.spaces.unlinked", actor=user, obj=a, org_unit=a.responsible_unit,
                   data={"before": [space.name]})


LABELS = {
    "assessments.assessment.registered": "登记儿童影响评价事项",
    "assessments.assessment.scored": "儿童影响评价评分",
    "assessments.consultation.recorded": "记录征求儿童意见",
    "assessments.condition.added": "提出整改要求",
    "assessments.condition.met": "整改要求已落实",
    "assessments.condition.reopened": "整改要求改为未落实",
    "assessments.assessment.concluded": "作出儿童影响评价结论",
    "assessments.assessment.responded": "登记决策反馈",
    "assessments.assessment.withdrawn": "撤回儿童影响评价事项",
    "assessments.spaces.linked": "关联儿童友好空间",
    "assessments.spaces.unlinked": "取消关联儿童友好空间",
    "assessments.criterion.added": "新增评价清单项",
    "assessments.criterion.saved": "修改评价清单项",
}
