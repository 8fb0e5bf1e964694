"""Every write on the council register: checked, one transaction, audited (log_action last).

Who may do what:

- **see** a council: anyone whose scope holds its unit (visible_to), and the users of the
  council task's lead departments (县妇联 in the reference plan, read from the plan's
  TaskDepartment rows) for every council of their area;
- **manage** a council (edit it, its members, advisers, meetings; submit, route and close its
  proposals): the coordinator for any council of the plan's area; a unit's writers for the
  councils of their unit and below (a town reporter: the town's and its villages'); a lead
  department's writers for any council of the area;
- **answer** a proposal: the writers (reporters, approvers) of the unit it was routed to;
  the routed unit sees the proposal (and the council's name) even outside its scope;
- **read a member's real name**: only the writers of the council's own managing unit (the
  town for town and village councils, the school's unit for a school, the lead department
  for the county council) — never the coordinator, leaders or anyone area-wide — and only
  through ``reveal_name`` with a stated reason, which is audited (the reason, not the name).

Audit data never holds a child's name or a child's own words (proposal text): titles and
pseudonyms only.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit
from cfcity.reporting import workflow

from . import measures
from .models import ChildrenCouncil, CouncilAdviser, CouncilMeeting, CouncilMember, Proposal, ProposalStep

S = Proposal.State
K = OrgUnit.Kind
LEVEL_OF_KIND = {K.AREA: ChildrenCouncil.Level.COUNTY, K.TOWN: ChildrenCouncil.Level.TOWN,
                 K.VILLAGE: ChildrenCouncil.Level.VILLAGE, K.SCHOOL: ChildrenCouncil.Level.SCHOOL}


class CouncilError(ValueError):
    """A step the rules refuse; the message is for the user as is."""


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- who --------------------------------------------------------------------------------------

def own_unit_ids(user):
    """Units whose own business ``user`` does: a unit-scoped role its subtree, an area-wide
    role its own unit only; ``ALL`` for a superuser."""
    ids = access.scope_ids(user)
    if ids is access.ALL:
        return ids
    m = access.membership(user)
    if m is None:
        return set()
    return ids if rules_for(m.role).scope == "unit" else {m.org_unit_id}


def _writer(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m = access.membership(user)
    return m is not None and user.is_active and rules_for(m.role).write


def _area_of(unit: OrgUnit) -> OrgUnit:
    return access._area_of(unit)


def in_lead_department(user, area_id: int) -> bool:
    m = access.membership(user)
    if m is None:
        return False
    cache = user.__dict__.setdefault("_councils_lead", {})  # per request, like access.scope_ids
    if area_id not in cache:
        cache[area_id] = m.org_unit_id in measures.lead_unit_ids(area_id)
    return cache[area_id]


def is_coordinator(user, area_id: int) -> bool:
    m = access.membership(user)
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return m is not None and rules_for(m.role).review and access.can_read(user, area_id)


def visible_councils(user, queryset=None):
    queryset = ChildrenCouncil.objects.all() if queryset is None else queryset
    ids = access.scope_ids(user)
    if ids is access.ALL:
        return queryset
    m = access.membership(user)
    if m is None:
        return queryset.none()
    lead_areas = [a for a in {_area_of(m.org_unit).pk} if in_lead_department(user, a)]
    return queryset.filter(Q(org_unit_id__in=ids) | Q(area_id__in=lead_areas))


def can_manage(user, council: ChildrenCouncil) -> bool:
    if not _writer(user):
        return False
    if is_coordinator(user, council.area_id) or in_lead_department(user, council.area_id):
        return True
    own = own_unit_ids(user)
    return own is access.ALL or council.org_unit_id in own


def can_create_at(user, unit: OrgUnit) -> bool:
    if not _writer(user) or unit.kind not in LEVEL_OF_KIND:
        return False
    area = unit if unit.kind == K.AREA else _area_of(unit)
    if not access.can_read(user, unit.pk) and not in_lead_department(user, area.pk):
        return False
    if is_coordinator(user, area.pk) or in_lead_department(user, area.pk):
        return True
    own = own_unit_ids(user)
    return own is access.ALL or unit.pk in own


def can_reveal(user, council: ChildrenCouncil) -> bool:
    """The council's own managing unit's writers; nobody area-wide, not a superuser."""
    m = access.membership(user)
    if m is None or not user.is_active or not rules_for(m.role).write or rules_for(m.role).review:
        return False
    if council.level == ChildrenCouncil.Level.COUNTY:
        return m.org_unit_id in measures.lead_unit_ids(council.area_id)
    return rules_for(m.role).scope == "unit" and council.org_unit_id in access.scope_ids(user)


def visible_proposals(user, queryset=None):
    queryset = Proposal.objects.all() if queryset is None else queryset
    ids = access.scope_ids(user)
    if ids is access.ALL:
        return queryset
    return queryset.filter(Q(council__in=visible_councils(user)) | Q(routed_to_id__in=ids))


def can_answer(user, proposal: Proposal) -> bool:
    if proposal.routed_to_id is None or not _writer(user):
        return False
    own = own_unit_ids(user)
    return own is access.ALL or proposal.routed_to_id in own


def answer_units(user) -> set[int] | None:
    """Units whose routed proposals ``user`` answers (``ALL`` for a superuser)."""
    if not _writer(user):
        return set()
    return own_unit_ids(user)


# --- councils ---------------------------------------------------------------------------------

def _text(value: str, label: str, limit: int, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CouncilError(f"请填写{label}")
    if len(value) > limit:
        raise CouncilError(f"{label}不能超过 {limit} 个字")
    return value


@transaction.atomic
def create_council(user, *, org_unit: OrgUnit, name: str, founded_on: datetime.date, note: str = "") -> ChildrenCouncil:
    _require(can_create_at(user, org_unit), "您无权为该单位登记儿童议事会")
    level = LEVEL_OF_KIND.get(org_unit.kind)
    if level is None:
        raise CouncilError("儿童议事会只能设在县、镇（街道）、村（社区）或学校")
    area = org_unit if org_unit.kind == K.AREA else _area_of(org_unit)
    name = _text(name, "名称", 100)
    if ChildrenCouncil.objects.filter(org_unit=org_unit, name=name).exists():
        raise CouncilError(f"{org_unit.name}已有名为“{name}”的儿童议事会")
    council = ChildrenCouncil.objects.create(area=area, org_unit=org_unit, level=level, name=name,
                                             founded_on=founded_on, note=_text(note, "说明", 2000, False),
                                             created_by=user)
    log_action("councils.council.created", actor=user, obj=council, org_unit=org_unit,
               data={"after": {"name": name, "level": level, "founded_on": founded_on.isoformat()}})
    return council


@transaction.atomic
def update_council(user, council: ChildrenCouncil, *, name: str, founded_on: datetime.date, note: str = "") -> ChildrenCouncil:
    _require(can_manage(user, council), "您无权修改该儿童议事会")
    before = {"name": council.name, "founded_on": council.founded_on.isoformat(), "note": council.note}
    council.name = _text(name, "名称", 100)
    council.founded_on, council.note = founded_on, _text(note, "说明", 2000, False)
    if ChildrenCouncil.objects.filter(org_unit=council.org_unit, name=council.name).exclude(pk=council.pk).exists():
        raise CouncilError(f"{council.org_unit.name}已有名为“{council.name}”的儿童议事会")
    council.save()
    after = {"name": council.name, "founded_on": founded_on.isoformat(), "note": council.note}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        log_action("councils.council.saved", actor=user, obj=council, org_unit=council.org_unit,
                   data={"changes": changed})
    return council


def refresh_active(councils=None, day: datetime.date | None = None) -> int:
    """Set ``active`` on ``councils`` (default all) by the rule as of ``day``; how many changed."""
    day = day or timezone.localdate()
    rows = list(ChildrenCouncil.objects.all() if councils is None else councils)
    on = measures.active_ids([c.pk for c in rows], day)
    changed = 0
    for c in rows:
        want = c.pk in on and c.founded_on <= day
        if c.active != want or c.active_checked_on != day:
            changed += c.active != want
            ChildrenCouncil.objects.filter(pk=c.pk).update(active=want, active_checked_on=day)
            c.active, c.active_checked_on = want, day
    return changed


# --- members and advisers -----------------------------------------------------------------

@transaction.atomic
def add_member(user, council: ChildrenCouncil, *, pseudonym: str, age_band: str, real_name: str = "",
               guardian_consent: bool, consent_on=None, consent_form: str = "",
               joined_on: datetime.date) -> CouncilMember:
    _require(can_manage(user, council), "您无权为该儿童议事会登记成员")
    pseudonym = _text(pseudonym, "化名", 20)
    real_name = _text(real_name, "真实姓名", 50, False)
    if real_name and (real_name in pseudonym or pseudonym in real_name):
        raise CouncilError("化名不能与真实姓名相同或相近，请另取一个化名")
    if age_band not in CouncilMember.AgeBand.values:
        raise CouncilError("请选择年龄段")
    if guardian_consent and consent_form not in CouncilMember.ConsentForm.values:
        raise CouncilError("请选择监护人同意的方式（书面或电子）")
    if CouncilMember.objects.filter(council=council, pseudonym=pseudonym).exists():
        raise CouncilError(f"本议事会已有化名为“{pseudonym}”的成员")
    member = CouncilMember.objects.create(
        council=council, pseudonym=pseudonym, age_band=age_band, real_name=real_name,
        guardian_consent=bool(guardian_consent), consent_on=consent_on if guardian_consent else None,
        consent_form=consent_form if guardian_consent else "", joined_on=joined_on)
    refresh_active([council])
    log_action("councils.member.added", actor=user, obj=council, org_unit=council.org_unit,
               data={"after": {"pseudonym": pseudonym, "age_band": age_band, "consent": bool(guardian_consent),
                               "joined_on": joined_on.isoformat()}})
    return member


@transaction.atomic
def update_member(user, member: CouncilMember, *, age_band: str, guardian_consent: bool, consent_on=None,
                  consent_form: str = "", left_on=None) -> CouncilMember:
    council = member.council
    _require(can_manage(user, council), "您无权修改该成员")
    if age_band not in CouncilMember.AgeBand.values:
        raise CouncilError("请选择年龄段")
    if guardian_consent and consent_form not in CouncilMember.ConsentForm.values:
        raise CouncilError("请选择监护人同意的方式（书面或电子）")
    if left_on is not None and left_on < member.joined_on:
        raise CouncilError("退出日期不能早于加入日期")
    before = {"age_band": member.age_band, "consent": member.guardian_consent,
              "left_on": member.left_on.isoformat() if member.left_on else None}
    member.age_band, member.guardian_consent = age_band, bool(guardian_consent)
    member.consent_on = consent_on if guardian_consent else None
    member.consent_form = consent_form if guardian_consent else ""
    member.left_on = left_on
    member.save()
    refresh_active([council])
    after = {"age_band": age_band, "consent": bool(guardian_consent), "left_on": left_on.isoformat() if left_on else None}
    log_action("councils.member.saved", actor=user, obj=council, org_unit=council.org_unit,
               data={"pseudonym": member.pseudonym,
                     "changes": {k: [before[k], after[k]] for k in before if before[k] != after[k]}})
    return member


@transaction.atomic
def reveal_name(user, member: CouncilMember, *, reason: str) -> str:
    """The member's real name, for the managing unit's own paperwork; the reason is audited."""
    council = member.council
    _require(can_reveal(user, council), "只有议事会所在单位的工作人员可以查看成员的真实姓名")
    reason = _text(reason, "查看原因", 200)
    log_action("councils.member.name_read", actor=user, obj=council, org_unit=council.org_unit,
               data={"pseudonym": member.pseudonym, "reason": reason})
    return member.real_name or "（未登记）"


@transaction.atomic
def add_adviser(user, council: ChildrenCouncil, *, name: str, unit_name: str, role: str = "辅导员") -> CouncilAdviser:
    _require(can_manage(user, council), "您无权为该儿童议事会登记辅导员")
    adviser = CouncilAdviser.objects.create(council=council, name=_text(name, "姓名", 50),
                                            unit_name=_text(unit_name, "工作单位", 100),
                                            role=_text(role, "担任", 50))
    log_action("councils.adviser.added", actor=user, obj=council, org_unit=council.org_unit,
               data={"after": {"name": adviser.name, "unit": adviser.unit_name, "role": adviser.role}})
    return adviser


# --- meetings -------------------------------------------------------------------------------

@transaction.atomic
def record_meeting(user, council: ChildrenCouncil, *, date: datetime.date, topic: str, minutes: str = "",
                   attendance: int = 0, file_name: str = "", file_data: bytes | None = None) -> CouncilMeeting:
    _require(can_manage(user, council), "您无权为该儿童议事会记录会议")
    if date < council.founded_on:
        raise CouncilError("会议日期不能早于议事会成立日期")
    if date > timezone.localdate():
        raise CouncilError("会议日期不能晚于今天")
    if attendance < 0 or attendance > 500:
        raise CouncilError("出席人数应在 0—500 之间")
    meeting = CouncilMeeting(council=council, date=date, topic=_text(topic, "议题", 200),
                             minutes=_text(minutes, "会议纪要", 20000, False), attendance=attendance,
                             created_by=user)
    if file_data is not None:
        import hashlib
        ctype = workflow.evidence_type(file_name, file_data, CouncilError)
        meeting.original_name = workflow.safe_name(file_name)
        meeting.content_type = ctype
        meeting.extension = workflow.ALLOWED_EVIDENCE.get(ctype, "")
        meeting.size = len(file_data)
        meeting.sha256 = hashlib.sha256(file_data).hexdigest()
        meeting.file.save("x", ContentFile(file_data), save=False)
    meeting.save()
    refresh_active([council])
    log_action("councils.meeting.recorded", actor=user, obj=council, org_unit=council.org_unit,
               data={"after": {"topic": meeting.topic, "date": date.isoformat(), "attendance": attendance,
                               "file": meeting.original_name or None}})
    return meeting


# --- proposals ------------------------------------------------------------------------------

def _step(user, proposal: Proposal, step: str, note: str = "", unit=None):
    ProposalStep.objects.create(proposal=proposal, step=step, note=note, actor=user, unit=unit, at=timezone.now())


@transaction.atomic
def submit_proposal(user, council: ChildrenCouncil, *, title: str, text: str, submitted_on: datetime.date,
                    meeting: CouncilMeeting | None = None) -> Proposal:
    _require(can_manage(user, council), "您无权为该儿童议事会登记建议")
    if meeting is not None and meeting.council_id != council.pk:
        raise CouncilError("所选会议不属于本议事会")
    if submitted_on > timezone.localdate():
        raise CouncilError("提出日期不能晚于今天")
    proposal = Proposal.objects.create(council=council, meeting=meeting, title=_text(title, "建议标题", 200),
                                       text=_text(text, "建议内容", 20000), submitted_on=submitted_on,
                                       created_by=user)
    _step(user, proposal, S.SUBMITTED, unit=council.org_unit)
    log_action("councils.proposal.submitted", actor=user, obj=proposal, org_unit=council.org_unit,
               data={"after": {"title": proposal.title, "council": council.name}})
    return proposal


@transaction.atomic
def route(user, proposal: Proposal, *, to: OrgUnit, due_on: datetime.date, note: str = "") -> Proposal:
    council = proposal.council
    _require(can_manage(user, council), "只有议事会所在单位或协调员可以交办建议")
    if proposal.state not in (S.SUBMITTED, S.ROUTED):
        raise CouncilError(f"建议{proposal.get_state_display()}，不能再交办")
    if to.kind not in (K.DEPARTMENT, K.TOWN) or to.pk not in _area_units(council):
        raise CouncilError("答复单位应是本县的部门或镇（街道）")
    if due_on < proposal.submitted_on:
        raise CouncilError("答复期限不能早于建议提出日期")
    before = [proposal.state, proposal.routed_to_id]
    proposal.state, proposal.routed_to, proposal.due_on = S.ROUTED, to, due_on
    proposal.save()
    _step(user, proposal, S.ROUTED, _text(note, "交办说明", 2000, False), unit=to)
    log_action("councils.proposal.routed", actor=user, obj=proposal, org_unit=council.org_unit,
               data={"before": before, "after": [S.ROUTED, to.pk], "to": to.name, "due_on": due_on.isoformat()})
    return proposal


def _area_units(council: ChildrenCouncil) -> set[int]:
    from cfcity.orgs.tree import descendant_ids
    return descendant_ids([council.area_id])


def route_choices(council: ChildrenCouncil):
    return OrgUnit.objects.filter(pk__in=_area_units(council), kind__in=(K.DEPARTMENT, K.TOWN),
                                  active=True).order_by("kind", "order", "name")


@transaction.atomic
def answer(user, proposal: Proposal, *, text: str) -> Proposal:
    _require(can_answer(user, proposal), "只有被交办的单位可以答复该建议")
    if proposal.state not in (S.ROUTED, S.ANSWERED):
        raise CouncilError(f"建议{proposal.get_state_display()}，不能答复")
    before = proposal.state
    proposal.answer = _text(text, "答复内容", 20000)
    proposal.state, proposal.answered_by, proposal.answered_at = S.ANSWERED, user, timezone.now()
    proposal.save()
    _step(user, proposal, S.ANSWERED, unit=proposal.routed_to)
    log_action("councils.proposal.answered", actor=user, obj=proposal, org_unit=proposal.routed_to,
               data={"before": before, "after": S.ANSWERED, "late": bool(proposal.due_on and
                                                                          timezone.localdate() > proposal.due_on)})
    return proposal


@transaction.atomic
def close(user, proposal: Proposal, *, outcome: str, note: str = "") -> Proposal:
    council = proposal.council
    _require(can_manage(user, council), "只有议事会所在单位或协调员可以办结建议")
    if proposal.state != S.ANSWERED:
        raise CouncilError("建议答复后才能办结")
    if outcome not in Proposal.Outcome.values:
        raise CouncilError("请选择办理结果")
    proposal.state, proposal.outcome = S.CLOSED, outcome
    proposal.outcome_note, proposal.closed_at = _text(note, "办结说明", 2000, False), timezone.now()
    proposal.save()
    _step(user, proposal, S.CLOSED, proposal.outcome_note, unit=council.org_unit)
    log_action("councils.proposal.closed", actor=user, obj=proposal, org_unit=council.org_unit,
               data={"before": S.ANSWERED, "after": S.CLOSED, "outcome": outcome})
    return proposal


LABELS = {
    "councils.council.created": "登记儿童议事会", "councils.council.saved": "修改儿童议事会",
    "councils.member.added": "登记议事会成员", "councils.member.saved": "修改议事会成员",
    "councils.member.name_read": "查看议事会成员真实姓名", "councils.adviser.added": "登记议事会辅导员",
    "councils.meeting.recorded": "记录议事会会议", "councils.proposal.submitted": "登记儿童议事会建议",
    "councils.proposal.routed": "交办儿童议事会建议", "councils.proposal.answered": "答复儿童议事会建议",
    "councils.proposal.closed": "办结儿童议事会建议", "councils.judgement.register": "按议事会名册判断节点任务",
}
