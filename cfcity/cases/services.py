"""Every write on cases and meetings: checked, one transaction, audited.

Who may do what: a unit's reporters (and approvers) write their own unit's cases while they
are drafts or returned; the coordinator of the plan (``review``) accepts, returns, tags,
publishes and unpublishes them and records meetings. A draft is seen only by its own unit:
an area-wide reader sees a case once it has been submitted.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action

from . import files
from .files import FileRefused
from .models import Case, CaseFile, Meeting, MeetingMaterial

S = Case.Status
MAX_TAGS = 10


class CaseError(FileRefused):
    """A step that cannot be taken now; the message is for the user as is."""


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- who sees and does what ---------------------------------------------------------------

def own_unit_ids(user) -> set[int] | None:
    """The units whose drafts ``user`` sees: a unit-scoped role its unit and those below it,
    an area-wide role only its own unit; ``ALL`` for a superuser."""
    ids = access.scope_ids(user)
    if ids is access.ALL:
        return ids
    m = access.membership(user)
    if m is None:
        return set()
    return ids if rules_for(m.role).scope == "unit" else {m.org_unit_id}


def visible_cases(user, queryset=None):
    queryset = Case.objects.all() if queryset is None else queryset
    queryset = _in_plans(user, access.visible_to(user, queryset))
    own = own_unit_ids(user)
    if own is access.ALL:
        return queryset
    return queryset.filter(~Q(status=S.DRAFT) | Q(org_unit_id__in=own))


def _in_plans(user, queryset):
    """Rows of the plans ``user`` works under."""
    ids = access.area_ids(user)
    return queryset if ids is access.ALL else queryset.filter(plan__area_id__in=ids)


def can_edit(user, case: Case) -> bool:
    own = own_unit_ids(user)
    return case.editable and access.can_write(user, case.org_unit_id) and (own is access.ALL or case.org_unit_id in own)


def can_curate(user, plan) -> bool:
    return access.can_review_plan(user, plan)


# --- a unit's case ---------------------------------------------------------------------------

@transaction.atomic
def create_case(user, *, plan, org_unit, year: int, title: str, text: str, summary: str = "", tasks=()) -> Case:
    _require(access.can_write(user, org_unit.pk) and (own_unit_ids(user) is access.ALL
                                                      or org_unit.pk in own_unit_ids(user)),
             "您无权为该单位报送案例")
    case = Case.objects.create(plan=plan, org_unit=org_unit, year=year, title=title.strip(), text=text.strip(),
                               summary=summary.strip(), created_by=user)
    case.tasks.set([t for t in tasks if t.plan_id == plan.pk])
    log_action("cases.case.created", actor=user, obj=case, org_unit=org_unit,
               data={"after": {"title": case.title, "year": year}})
    return case


@transaction.atomic
def update_case(user, case: Case, *, title: str, text: str, summary: str = "", year: int | None = None,
                tasks=None) -> Case:
    _require(can_edit(user, case), "该案例不能由您修改")
    before = {"title": case.title, "summary": case.summary, "text": case.text, "year": case.year}
    case.title, case.text, case.summary = title.strip(), text.strip(), summary.strip()
    case.year = year or case.year
    case.save()
    if tasks is not None:
        case.tasks.set([t for t in tasks if t.plan_id == case.plan_id])
    after = {"title": case.title, "summary": case.summary, "text": case.text, "year": case.year}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        log_action("cases.case.saved", actor=user, obj=case, org_unit=case.org_unit, data={"changes": changed})
    return case


@transaction.atomic
def add_file(user, case: Case, *, kind: str, name: str, data: bytes, caption: str = "") -> CaseFile:
    _require(can_edit(user, case) or can_curate(user, case.plan), "您无权为该案例添加文件")
    if kind == CaseFile.Kind.PHOTO:
        if not caption.strip():
            raise CaseError("请为照片写一句说明：它是读屏软件读给看不见照片的人听的文字")
        data, ctype = files.clean_photo(name, data)
    else:
        ctype = files.content_type(name, data)
    row = CaseFile(case=case, kind=kind, caption=caption.strip()[:200], uploaded_by=user,
                   **files.stored(name, data, ctype))
    row.file.save("x", ContentFile(data), save=False)
    row.save()
    log_action("cases.file.added", actor=user, obj=case, org_unit=case.org_unit,
               data={"after": {"kind": kind, "name": row.original_name, "sha256": row.sha256, "size": row.size}})
    return row


@transaction.atomic
def remove_file(user, row: CaseFile):
    case = row.case
    _require(can_edit(user, case) or can_curate(user, case.plan), "您无权删除该文件")
    log_action("cases.file.removed", actor=user, obj=case, org_unit=case.org_unit,
               data={"before": {"name": row.original_name, "sha256": row.sha256}})
    row.delete()


def _step(user, case: Case, to: str, note: str = "", **fields) -> Case:
    before = case.status
    case.status = to
    for k, v in fields.items():
        setattr(case, k, v)
    case.save()
    log_action(f"cases.case.{to}", actor=user, obj=case, org_unit=case.org_unit,
               data={"before": before, "after": to, "comment": note})
    return case


@transaction.atomic
def submit(user, case: Case) -> Case:
    _require(can_edit(user, case), "该案例不能由您报送")
    if not case.title or not case.text:
        raise CaseError("请先填写标题和正文")
    return _step(user, case, S.SUBMITTED, submitted_at=timezone.now())


# --- the coordinator's curation ------------------------------------------------------------

@transaction.atomic
def accept(user, case: Case, comment: str = "") -> Case:
    _require(can_curate(user, case.plan), "只有协调员可以审核案例")
    if case.status != S.SUBMITTED:
        raise CaseError(f"案例{case.get_status_display()}，不能入选")
    return _step(user, case, S.ACCEPTED, comment, comment=comment.strip())


@transaction.atomic
def return_case(user, case: Case, comment: str) -> Case:
    _require(can_curate(user, case.plan), "只有协调员可以退回案例")
    if case.status not in (S.SUBMITTED, S.ACCEPTED):
        raise CaseError(f"案例{case.get_status_display()}，不能退回")
    if not comment.strip():
        raise CaseError("退回时请写明修改意见")
    return _step(user, case, S.RETURNED, comment, comment=comment.strip())


@transaction.atomic
def publish(user, case: Case) -> Case:
    _require(can_curate(user, case.plan), "只有协调员可以公开案例")
    if case.status != S.ACCEPTED:
        raise CaseError("只有已入选的案例可以公开")
    return _step(user, case, S.PUBLISHED, published_at=timezone.now())


@transaction.atomic
def unpublish(user, case: Case, comment: str = "") -> Case:
    _require(can_curate(user, case.plan), "只有协调员可以撤下案例")
    if case.status != S.PUBLISHED:
        raise CaseError("该案例没有公开")
    return _step(user, case, S.ACCEPTED, comment, published_at=None)


def parse_tags(text: str) -> list[str]:
    parts = [t.strip()[:20] for t in text.replace("，", ",").replace("、", ",").split(",")]
    return list(dict.fromkeys(t for t in parts if t))[:MAX_TAGS]


@transaction.atomic
def set_tags(user, case: Case, tags: list[str]) -> Case:
    _require(can_curate(user, case.plan), "只有协调员可以设置标签")
    before = list(case.tags)
    case.tags = tags
    case.save(update_fields=["tags", "updated_at"])
    if before != tags:
        log_action("cases.case.tagged", actor=user, obj=case, org_unit=case.org_unit,
                   data={"before": before, "after": tags})
    return case


# --- meetings --------------------------------------------------------------------------------

def visible_meetings(user):
    return _in_plans(user, Meeting.objects.all())


@transaction.atomic
def record_meeting(user, *, plan, kind: str, title: str, date, place: str, participants: str,
                   summary: str = "", units=(), cases=()) -> Meeting:
    _require(can_curate(user, plan), "只有协调员可以记录交流会")
    m = access.membership(user)
    unit = m.org_unit if m else plan.area
    meeting = Meeting.objects.create(plan=plan, org_unit=unit, kind=kind, title=title.strip(), date=date,
                                     place=place.strip(), participants=participants.strip(),
                                     summary=summary.strip(), created_by=user)
    meeting.units.set(units)
    meeting.cases.set([c for c in cases if c.plan_id == plan.pk])
    log_action("cases.meeting.recorded", actor=user, obj=meeting, org_unit=unit,
               data={"after": {"title": meeting.title, "date": date.isoformat(), "kind": kind}})
    return meeting


@transaction.atomic
def add_material(user, meeting: Meeting, *, name: str, data: bytes) -> MeetingMaterial:
    _require(can_curate(user, meeting.plan), "只有协调员可以上传会议材料")
    ctype = files.content_type(name, data)
    row = MeetingMaterial(meeting=meeting, uploaded_by=user, **files.stored(name, data, ctype))
    row.file.save("x", ContentFile(data), save=False)
    row.save()
    log_action("cases.meeting.material", actor=user, obj=meeting, org_unit=meeting.org_unit,
               data={"after": {"name": row.original_name, "sha256": row.sha256}})
    return row
