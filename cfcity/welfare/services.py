"""Every write to the register, and every full view of a record: checked, done in one
transaction, recorded in the audit log. Audit entries never hold a child's identity: only
the record number and which fields changed."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit

from . import access, idcard, keys
from .models import (Alert, Category, Child, ChildCategory, DeletionRequest, ExportRequest,
                     Support, Training, Visit, Worker)

IDENTITY = ("name", "id_number", "birth_date", "guardian_name", "guardian_phone", "address")
ORDINARY = ("guardian_relation", "hope_house_eligible", "guardian_consent", "consent_statistics",
            "child_assent", "notice_version", "consent_date")
SENSITIVE = ("health_details", "cp_indicated")


class WelfareError(ValueError):
    """Input the register refuses; ``errors`` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"__all__": errors}
        super().__init__("；".join(self.errors.values()))


def _require(ok: bool, message: str = "您没有此项权限"):
    if not ok:
        raise PermissionDenied(message)


def conf(name: str):
    return settings.WELFARE[name]


@dataclass
class ChildInput:
    name: str
    id_number: str
    town: OrgUnit
    village: OrgUnit
    categories: list[str]
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    address: str = ""
    health_details: str = ""
    cp_indicated: bool = False
    hope_house_eligible: bool = False
    guardian_consent: bool = False
    consent_statistics: bool = False
    child_assent: bool | None = None
    notice_version: str = ""
    consent_date: datetime.date | None = None
    registered_on: datetime.date | None = None  # 建档日期; today when not given


def check(data: ChildInput, *, today: datetime.date | None = None) -> idcard.IdNumber:
    """The rules a record must meet before it is stored; every problem at once."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50 or any(c in name for c in "<>{}\\/=;\x00"):
        errors["name"] = "姓名过长或含有不允许的字符"
    parsed = None
    try:
        parsed = idcard.parse(data.id_number, today=today, for_minor=True)
    except idcard.IdNumberError as e:
        errors["id_number"] = str(e)
    if parsed and idcard.age_on(parsed.birth_date, today) >= 18:
        errors["id_number"] = "按身份证号码，此人已年满 18 周岁，不属于儿童"
    if data.village.parent_id != data.town.pk:
        errors["village"] = f"{data.village.name}不属于{data.town.name}"
    bad = [c for c in data.categories if c not in Category.values]
    if not data.categories:
        errors["categories"] = "请至少选择一个困境类别"
    elif bad:
        errors["categories"] = f"未知的类别：{'、'.join(bad)}"
    if data.guardian_phone and not (data.guardian_phone.isdigit() and 7 <= len(data.guardian_phone) <= 12):
        errors["guardian_phone"] = "电话号码应为 7—12 位数字"
    if not data.guardian_consent:
        errors["guardian_consent"] = "须有监护人同意（个人信息保护法第三十一条）方可建档"
    elif not data.notice_version:
        errors["notice_version"] = "请填写监护人同意的告知书版本"
    if parsed and data.guardian_consent and idcard.age_on(parsed.birth_date, today) >= conf("assent_age") \
            and data.child_assent is None:
        errors["child_assent"] = f"儿童已满 {conf('assent_age')} 周岁，请记录其本人是否同意"
    if len(data.guardian_relation or "") > 20:
        errors["guardian_relation"] = "监护人关系不超过 20 字"
    if data.registered_on and data.registered_on > today:
        errors["registered_on"] = "建档日期不能晚于今天"
    elif data.registered_on and parsed and data.registered_on < parsed.birth_date:
        errors["registered_on"] = "建档日期不能早于出生日期"
    for f in ("guardian_name", "address", "health_details"):
        if len(getattr(data, f) or "") > 2000:
            errors[f] = "内容过长（不超过 2000 字）"
    if errors:
        raise WelfareError(errors)
    return parsed


def find_by_id_number(user, number: str):
    """Records ``user`` may see with this ID number: through the keyed hash, never by
    decrypting the table. A malformed number finds nothing."""
    try:
        parsed = idcard.parse(number)
    except idcard.IdNumberError:
        return access.children_for(user).none()
    return access.children_for(user).filter(id_hash__in=keys.id_search_hashes(parsed.number))


@transaction.atomic
def register_child(user, data: ChildInput) -> Child:
    _require(access.may(user, access.EDIT))
    _require(data.village.pk in access.unit_ids(user), "只能为本辖区的儿童建档")
    parsed = check(data)
    hashes = keys.id_search_hashes(parsed.number)
    if Child.objects.filter(id_hash__in=hashes).exists():
        raise WelfareError({"id_number": "该身份证号码已在台账中"})
    child = Child(town=data.town, village=data.village, name=data.name.strip(), id_number=parsed.number,
                  id_hash=keys.id_hash(parsed.number), birth_date=parsed.birth_date.isoformat(),
                  birth_year=parsed.birth_date.year, sex=parsed.sex,
                  registered_on=data.registered_on or timezone.localdate())
    for f in ORDINARY + ("guardian_name", "guardian_phone", "address"):
        setattr(child, f, getattr(data, f))
    if access.may(user, access.SENSITIVE):
        child.health_details, child.cp_indicated = data.health_details, data.cp_indicated
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        raise WelfareError({"id_number": "该身份证号码已在台账中"}) from None
    ChildCategory.objects.bulk_create([ChildCategory(child=child, category=c) for c in set(data.categories)])
    log_action("welfare.child.registered", actor=user, obj=child, org_unit=data.village,
               data={"categories": sorted(set(data.categories))})
    _measures_changed()
    return child


@transaction.atomic
def update_child(user, child: Child, data: ChildInput, *, version: int) -> Child:
    """Change a record; the identity fields only if given (empty = unchanged)."""
    _require(access.may_on(user, access.EDIT, child))
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if locked.version != version:
        raise WelfareError("记录已被他人修改，请刷新后重试")
    if locked.status != Child.Status.OPEN:
        raise WelfareError("已销档的记录不能修改")
    if not data.id_number:
        data.id_number = locked.id_number
    if not data.name:
        data.name = locked.name
    _require(data.village.pk in access.unit_ids(user), "只能为本辖区的儿童建档")
    parsed = check(data)
    changed = []
    if parsed.number != locked.id_number:
        if Child.objects.filter(id_hash__in=keys.id_search_hashes(parsed.number)).exclude(pk=locked.pk).exists():
            raise WelfareError({"id_number": "该身份证号码已在台账中"})
        locked.id_number, locked.id_hash = parsed.number, keys.id_hash(parsed.number)
        locked.birth_date, locked.birth_year, locked.sex = (parsed.birth_date.isoformat(),
                                                            parsed.birth_date.year, parsed.sex)
        changed.append("id_number")
    fields = ("name", "guardian_name", "guardian_phone", "address", "town", "village") + ORDINARY
    if access.may_on(user, access.SENSITIVE, locked):
        fields += SENSITIVE
    for f in fields:
        if getattr(locked, f) != getattr(data, f):
            setattr(locked, f, getattr(data, f))
            changed.append(f)
    cats = set(data.categories)
    old = set(locked.categories.values_list("category", flat=True))
    if cats != old:
        locked.categories.exclude(category__in=cats).delete()
        ChildCategory.objects.bulk_create([ChildCategory(child=locked, category=c) for c in cats - old])
        changed.append("categories")
    locked.version += 1
    locked.save()
    log_action("welfare.child.changed", actor=user, obj=locked, org_unit=locked.village,
               data={"fields": changed})  # which fields, never their values
    _measures_changed()
    return locked


def view_full(user, child: Child, reason: str) -> Child:
    """Seeing a full record is a deliberate act: a reason, an audit entry, and an alert to the
    coordinator when one user opens unusually many in an hour."""
    _require(access.may_on(user, access.VIEW_FULL, child))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WelfareError({"reason": "请写明查看完整信息的事由（至少 4 个字）"})
    if len(reason) > 200:
        raise WelfareError({"reason": "事由不超过 200 字"})
    with transaction.atomic():
        log_action("welfare.child.viewed_full", actor=user, obj=child, org_unit=child.village,
                   data={"reason": reason, "sensitive": access.may_on(user, access.SENSITIVE, child)})
        _check_view_rate(user, child)
    return child


def _check_view_rate(user, child: Child):
    since = timezone.now() - datetime.timedelta(hours=1)
    n = AuditEntry.objects.filter(action="welfare.child.viewed_full", actor=user, created_at__gte=since).count()
    limit = conf("full_views_per_hour")
    if n == limit + 1:  # once per run, when the run passes the limit
        raise_alert(Alert.Kind.MANY_FULL_VIEWS, actor=user, area=access.area_of_user(user),
                    detail=f"{user.get_username()} 一小时内查看完整信息 {n} 次（提醒阈值 {limit} 次）")


def raise_alert(kind: str, *, actor, area, detail: str) -> Alert:
    alert = Alert.objects.create(kind=kind, actor=actor, area=area, detail=detail)
    log_action("welfare.alert.raised", actor=actor, obj=alert, org_unit=area, data={"kind": kind})
    from cfcity.ops import background  # e-mail the area's coordinators when mail is configured

    from . import tasks
    background.after_commit(tasks.mail_alert, alert.pk)
    return alert


@transaction.atomic
def acknowledge_alert(user, alert: Alert) -> Alert:
    _require(access.may_approve_exports(user) and alert.area_id == access.area_of_user(user).pk)
    alert.acknowledged_by, alert.acknowledged_at = user, timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    log_action("welfare.alert.acknowledged", actor=user, obj=alert, org_unit=alert.area)
    return alert


@transaction.atomic
def add_support(user, child: Child, *, kind: str, date: datetime.date, amount=None, note: str = "") -> Support:
    _require(access.may_on(user, access.EDIT, child))
    if date > timezone.localdate():
        raise WelfareError({"date": "日期不能晚于今天"})
    s = Support.objects.create(child=child, kind=kind, date=date, amount=amount, note=note, recorded_by=user)
    log_action("welfare.support.added", actor=user, obj=child, org_unit=child.village, data={"kind": kind})
    _measures_changed()
    return s


@transaction.atomic
def add_visit(user, child: Child, *, date: datetime.date, note: str = "", follow_up: bool = False,
              worker: Worker | None = None) -> Visit:
    _require(access.may_on(user, access.EDIT, child))
    if date > timezone.localdate():
        raise WelfareError({"date": "日期不能晚于今天"})
    if worker is None:
        worker = Worker.objects.filter(org_unit=child.village, kind=Worker.Kind.DIRECTOR, left_on__isnull=True).first()
    v = Visit.objects.create(child=child, worker=worker, date=date, note=note, follow_up=follow_up, recorded_by=user)
    log_action("welfare.visit.added", actor=user, obj=child, org_unit=child.village)
    return v


@transaction.atomic
def close_child(user, child: Child, *, reason: str, on: datetime.date | None = None) -> Child:
    _require(access.may_on(user, access.CLOSE, child))
    if not (reason or "").strip():
        raise WelfareError({"reason": "请填写销档原因（如：年满 18 周岁、情况改善、迁出本县）"})
    child.status, child.closed_on, child.closed_reason = Child.Status.CLOSED, on or timezone.localdate(), reason.strip()[:200]
    child.version += 1
    child.save(update_fields=["status", "closed_on", "closed_reason", "version", "updated_at"])
    log_action("welfare.child.closed", actor=user, obj=child, org_unit=child.village, data={"reason": child.closed_reason})
    _measures_changed()
    return child


# --- deletion (PIPL art. 47) and retention -------------------------------------------------

@transaction.atomic
def request_deletion(user, child: Child, reason: str) -> DeletionRequest:
    _require(access.may_on(user, access.CLOSE, child) or access.may_on(user, access.EDIT, child))
    if not (reason or "").strip():
        raise WelfareError({"reason": "请填写删除理由（如：监护人撤回同意、依法应当删除）"})
    if child.deletion_requests.filter(status=DeletionRequest.Status.PENDING).exists():
        raise WelfareError("该记录已有待审批的删除申请")
    r = DeletionRequest.objects.create(child=child, child_ref=str(child.pk), town=child.town,
                                       reason=reason.strip()[:300], requested_by=user)
    log_action("welfare.deletion.requested", actor=user, obj=r, org_unit=child.village, data={"reason": r.reason})
    return r


@transaction.atomic
def decide_deletion(user, req: DeletionRequest, *, approve: bool, note: str = "") -> DeletionRequest:
    """The civil-affairs bureau's designated user decides, never the one who asked."""
    _require(access.may(user, access.EXPORT) and req.town_id in access.unit_ids(user),
             "删除申请由民政部门指定人员审批")
    _require(req.requested_by_id != user.pk, "不能审批自己提出的删除申请")
    if req.status != DeletionRequest.Status.PENDING:
        raise WelfareError("该申请已处理")
    req.status = DeletionRequest.Status.DONE if approve else DeletionRequest.Status.REFUSED
    req.decided_by, req.decided_at, req.decision_note = user, timezone.now(), (note or "")[:300]
    if approve and req.child is not None:
        child = req.child
        req.child = None
        req.save()
        child.delete()  # supports, visits and categories go with it
        _measures_changed()
    else:
        req.save()
    log_action("welfare.deletion.decided", actor=user, obj=req, org_unit=req.town,
               data={"approved": approve, "record": req.child_ref, "note": req.decision_note})
    return req


def anonymise(child: Child, *, actor=None) -> Child:
    """Identity gone for good; what statistics need (town, village, categories, sex, birth
    year) stays. The keyed hash is replaced so the number can no longer be found."""
    with transaction.atomic():
        for f in IDENTITY + ("health_details",):
            setattr(child, f, "")
        child.name = "（已匿名）"
        child.id_hash = f"anon:{child.pk}"
        child.anonymised_at = timezone.now()
        child.save()
        child.supports.update(note="")
        child.visits.update(note="")
        log_action("welfare.child.anonymised", actor=actor, obj=child, org_unit=child.village)
    return child


def due_for_anonymisation(today: datetime.date | None = None):
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - conf("retention_years"))
    except ValueError:  # 29 February, the cutoff year has none
        cutoff = today.replace(year=today.year - conf("retention_years"), day=28)
    return Child.objects.filter(status=Child.Status.CLOSED, anonymised_at__isnull=True, closed_on__lte=cutoff)


# --- the roster --------------------------------------------------------------------------

def may_edit_roster(user, unit: OrgUnit) -> bool:
    """The civil-affairs bureau keeps the roster; a town's supervisor its own villages'."""
    m = access.membership(user)
    if m is None or not access.may(user, access.EDIT):
        return False
    return unit.pk in access.unit_ids(user) and m.role != "child_director"


@transaction.atomic
def appoint(user, *, kind: str, unit: OrgUnit, name: str, phone: str = "",
            appointed_on: datetime.date) -> Worker:
    _require(may_edit_roster(user, unit))
    expected = OrgUnit.Kind.TOWN if kind == Worker.Kind.SUPERVISOR else OrgUnit.Kind.VILLAGE
    if unit.kind != expected:
        raise WelfareError({"org_unit": f"{Worker.Kind(kind).label}应配备在{OrgUnit.Kind(expected).label}"})
    if not (name or "").strip() or len(name) > 50:
        raise WelfareError({"name": "请填写姓名（不超过 50 字）"})
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise WelfareError({"phone": "电话号码应为 7—12 位数字"})
    w = Worker.objects.create(kind=kind, org_unit=unit, name=name.strip(), phone=phone, appointed_on=appointed_on)
    log_action("welfare.worker.appointed", actor=user, obj=w, org_unit=unit, data={"kind": kind})
    _measures_changed()
    return w


@transaction.atomic
def end_appointment(user, worker: Worker, *, on: datetime.date) -> Worker:
    _require(may_edit_roster(user, worker.org_unit))
    if on < worker.appointed_on:
        raise WelfareError({"left_on": "离任日期不能早于任职日期"})
    worker.left_on = on
    worker.save(update_fields=["left_on"])
    log_action("welfare.worker.left", actor=user, obj=worker, org_unit=worker.org_unit)
    _measures_changed()
    return worker


@transaction.atomic
def add_training(user, worker: Worker, *, date: datetime.date, title: str, hours=None, provider: str = "") -> Training:
    _require(may_edit_roster(user, worker.org_unit))
    if not (title or "").strip():
        raise WelfareError({"title": "请填写培训内容"})
    t = Training.objects.create(worker=worker, date=date, title=title.strip()[:200], hours=hours,
                                provider=(provider or "")[:100])
    log_action("welfare.training.added", actor=user, obj=worker, org_unit=worker.org_unit)
    return t


# --- exports -----------------------------------------------------------------------------

@transaction.atomic
def request_export(user, unit: OrgUnit, reason: str) -> ExportRequest:
    _require(access.may(user, access.EXPORT) and unit.pk in access.unit_ids(user), "您没有导出个人信息的权限")
    if len((reason or "").strip()) < 4:
        raise WelfareError({"reason": "请写明导出用途（至少 4 个字）"})
    r = ExportRequest.objects.create(requested_by=user, org_unit=unit, reason=reason.strip()[:300])
    log_action("welfare.export.requested", actor=user, obj=r, org_unit=unit, data={"reason": r.reason})
    return r


@transaction.atomic
def decide_export(user, req: ExportRequest, *, approve: bool) -> ExportRequest:
    area = access.area_of_user(user)
    _require(access.may_approve_exports(user) and area is not None
             and req.org_unit_id in access.descendant_ids([area.pk]), "导出申请由协调员审批")
    if req.status != ExportRequest.Status.PENDING:
        raise WelfareError("该申请已处理")
    req.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REFUSED
    req.decided_by, req.decided_at = user, timezone.now()
    if approve:
        req.expires_at = req.decided_at + datetime.timedelta(days=conf("export_days"))
    req.save()
    log_action("welfare.export.decided", actor=user, obj=req, org_unit=req.org_unit, data={"approved": approve})
    return req


def export_usable(req: ExportRequest, user, now=None) -> str | None:
    """Why ``user`` cannot download ``req`` now, or None."""
    now = now or timezone.now()
    if req.requested_by_id != user.pk:
        return "只有申请人可以下载"
    if req.status != ExportRequest.Status.APPROVED:
        return "该导出申请未获批准"
    if req.expires_at is None or req.expires_at <= now:
        return "该导出已过期（批准后 %d 天内有效），请重新申请" % conf("export_days")
    if not access.may(user, access.EXPORT):
        return "您已没有导出权限"
    return None


def _measures_changed():
    from .measures import publish_soon
    publish_soon()
