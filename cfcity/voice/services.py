"""Every write on children's messages: checked, one transaction, audited (never with the
message's text — the audit log records which message and what was done).

Who sees what:
- a message waiting for moderation, not taken, or flagged: the coordinator of its area
  (``review``), scrubbed text only;
- a flagged message: the safeguarding team of its area (``safeguard``) as well, with the
  original text (each opening audited);
- an approved message: staff whose scope holds its town (or, without a town, its area),
  scrubbed text;
- the public: aggregates only (``stats``), and quotes a second person approved.
No one else, superusers included: a 404.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit

from . import danger
from .models import Message, Referral
from .scrub import scrub

log = logging.getLogger(__name__)
S = Message.State
LABELS = {
    "voice.received": "收到儿童留言",
    "voice.approved": "儿童留言审核通过",
    "voice.rejected": "儿童留言未采用",
    "voice.flagged": "儿童留言标记为疑似危险",
    "voice.unflagged": "儿童留言取消危险标记",
    "voice.viewed_original": "查看儿童留言原文",
    "voice.responded": "儿童留言已处置",
    "voice.referred": "儿童留言转介",
    "voice.quote_proposed": "提议公开引用儿童留言",
    "voice.quote_approved": "确认公开引用儿童留言",
    "voice.quote_withdrawn": "撤回儿童留言引用",
    "voice.erased": "儿童留言彻底删除",
    "voice.rule_saved": "修改危险信号规则",
    "voice.exported": "导出儿童留言",
}


class VoiceError(ValidationError):
    """A step that cannot be taken now; the message is for the user as is."""


def response_hours() -> int:
    return int(getattr(settings, "CFCITY_SAFEGUARDING_RESPONSE_HOURS", 24))


# --- who ------------------------------------------------------------------------------------

def _rules(user):
    m = access.membership(user)
    if m is None or not user.is_active:
        return None
    return rules_for(m.role)


def _area_scope(user) -> set[int]:
    ids = access.scope_ids(user)
    return set() if ids is access.ALL else ids  # a superuser without a role sees no message


def is_coordinator(user, area_id: int | None = None) -> bool:
    r = _rules(user)
    return bool(r and r.review and (area_id is None or area_id in _area_scope(user)))


def is_team(user, area_id: int | None = None) -> bool:
    r = _rules(user)
    return bool(r and r.safeguard and (area_id is None or area_id in _area_scope(user)))


def may_approve_quote(user, area_id: int) -> bool:
    """A second person: a coordinator or a leader of the area."""
    r = _rules(user)
    m = access.membership(user)
    return bool(r and (r.review or m.role == "leader") and area_id in _area_scope(user))


def moderation_queue(user):
    """Every message of the areas ``user`` coordinates (scrubbed text only on the pages)."""
    if not is_coordinator(user):
        return Message.objects.none()
    return Message.objects.filter(area_id__in=_area_scope(user))


def team_queue(user):
    if not is_team(user):
        return Message.objects.none()
    return Message.objects.filter(area_id__in=_area_scope(user), state__in=(S.FLAGGED, S.HANDLED))


def approved_for(user):
    """Approved messages whose town (or, without a town, whose area) is in ``user``'s scope."""
    if _rules(user) is None:
        return Message.objects.none()
    ids = _area_scope(user)
    return Message.objects.filter(Q(town_id__in=ids) | Q(town__isnull=True, area_id__in=ids), state=S.APPROVED)


def visible_messages(user):
    return (moderation_queue(user) | team_queue(user) | approved_for(user)).distinct()


def get_message(user, pk) -> Message:
    try:
        return visible_messages(user).select_related("area", "town").get(pk=pk)
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到，或您无权查看")


def _require(ok: bool, message: str = "您没有权限进行这项操作"):
    if not ok:
        raise PermissionDenied(message)


# --- the public page ------------------------------------------------------------------------

def public_areas():
    """The areas a child can write to: those with a plan, oldest first."""
    from cfcity.plans.models import Plan
    ids = Plan.objects.values_list("area_id", flat=True)
    return OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.AREA).order_by("pk")


def towns_of(area: OrgUnit):
    from cfcity.orgs.tree import descendant_ids
    return OrgUnit.objects.filter(pk__in=descendant_ids([area.pk]), kind=OrgUnit.Kind.TOWN, active=True) \
        .order_by("order", "name")


@dataclass
class Received:
    message: Message
    flagged: bool


@transaction.atomic
def receive(*, area: OrgUnit, town: OrgUnit | None, topic: str, about: str, age_band: str, text: str,
            now=None) -> Received:
    """Store a child's message: scrubbed, checked against the danger rules; a flagged one gets
    its response time and the team an e-mail (after the commit, without the text)."""
    now = now or timezone.now()
    if town is not None and town.pk not in set(towns_of(area).values_list("pk", flat=True)):
        raise VoiceError("请选择列表里的镇（街道）")
    cleaned = scrub(text)
    categories = danger.match(text, area.pk)
    flagged = bool(categories)
    msg = Message.objects.create(
        area=area, town=town, topic=topic, about=about, age_band=age_band or "", original=text,
        scrubbed=cleaned.text, scrub_summary=cleaned.summary()[:200], danger=flagged,
        danger_categories=",".join(categories), state=S.FLAGGED if flagged else S.PENDING, created_at=now,
        response_due=now + timedelta(hours=response_hours()) if flagged else None)
    if flagged:
        _notify_soon(msg.pk)
    log_action("voice.received", obj=msg, org_unit=area, data={"flagged": flagged})
    return Received(msg, flagged)


def _notify_soon(message_id: int) -> None:
    from cfcity.ops import background

    from . import tasks
    background.after_commit(tasks.notify_team, message_id)


def notify_team(message_id: int) -> int:
    """E-mail the safeguarding team of the message's area: that a message waits, and until
    when — never what it says."""
    from django.core.mail import send_mail

    from cfcity.accounts.models import Membership
    from cfcity.orgs.tree import descendant_ids
    msg = Message.objects.filter(pk=message_id).first()
    if msg is None:
        return 0
    to = sorted({m.user.email for m in Membership.objects.filter(
        role="safeguarding", org_unit_id__in=descendant_ids([msg.area_id]), user__is_active=True)
        .select_related("user") if m.user.email})
    if not to:
        return 0
    due = timezone.localtime(msg.response_due).strftime("%Y-%m-%d %H:%M")
    try:  # a mail server down must not lose the child's message
        return send_mail("【儿童安全】有一条儿童留言需要尽快处置",
                         f"有一条儿童留言（编号 {msg.pk}）被标记为疑似危险，请在 {due} 前登录平台处置：儿童心声—安全处置。\n"
                         "本邮件不含留言内容。", settings.DEFAULT_FROM_EMAIL, to)
    except OSError:
        log.warning("儿童安全提醒邮件发送失败 message=%s", msg.pk)
        return 0


# --- moderation (the coordinator) -------------------------------------------------------------

def _locked(user, pk, queue) -> Message:
    try:
        return queue(user).select_for_update().get(pk=pk)
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到，或您无权查看")


@transaction.atomic
def moderate(user, pk, action: str) -> Message:
    """approve / reject / flag / unflag a message (the coordinator)."""
    msg = _locked(user, pk, moderation_queue)
    now = timezone.now()
    allowed = {"approve": (S.PENDING, S.REJECTED), "reject": (S.PENDING, S.APPROVED),
               "flag": (S.PENDING, S.APPROVED, S.REJECTED), "unflag": (S.FLAGGED,)}
    if action not in allowed:
        raise VoiceError("未知的操作")
    if msg.state not in allowed[action]:
        raise VoiceError(f"这条留言现在是“{msg.get_state_display()}”，不能这样处理")
    if action == "approve":
        msg.state = S.APPROVED
    elif action == "reject":
        msg.state = S.REJECTED
        msg.quote_state, msg.quote_text = "", ""
    elif action == "flag":
        msg.state, msg.danger = S.FLAGGED, True
        msg.danger_categories = msg.danger_categories or "other"
        msg.response_due = now + timedelta(hours=response_hours())
        msg.quote_state, msg.quote_text = "", ""
        _notify_soon(msg.pk)
    else:
        msg.state, msg.danger, msg.response_due = S.PENDING, False, None
    msg.moderated_by, msg.moderated_at = user, now
    msg.save()
    log_action({"approve": "voice.approved", "reject": "voice.rejected", "flag": "voice.flagged",
                "unflag": "voice.unflagged"}[action], actor=user, obj=msg, org_unit=msg.area)
    return msg


@transaction.atomic
def propose_quote(user, pk, text: str) -> Message:
    msg = _locked(user, pk, moderation_queue)
    if msg.state != S.APPROVED:
        raise VoiceError("只有审核通过的留言可以提议公开引用")
    text = " ".join((text or "").split())
    if not text:
        raise VoiceError("请填写要公开引用的文字")
    if len(text) > 300:
        raise VoiceError("引用文字不超过 300 字")
    if scrub(text).changed:
        raise VoiceError("引用文字中仍有电话、地址、姓名等个人信息，请改写后再提议")
    msg.quote_state, msg.quote_text, msg.quote_proposed_by = Message.Quote.PROPOSED, text, user
    msg.quote_approved_by, msg.quote_approved_at = None, None
    msg.save()
    log_action("voice.quote_proposed", actor=user, obj=msg, org_unit=msg.area)
    return msg


@transaction.atomic
def approve_quote(user, pk, text: str | None = None) -> Message:
    """The second person (a coordinator or leader, not the proposer) approves the quote,
    possibly edited."""
    msg = Message.objects.select_for_update().filter(pk=pk).first()
    if msg is None or not (may_approve_quote(user, msg.area_id) and visible_messages(user).filter(pk=msg.pk).exists()):
        raise Http404("没有找到，或您无权查看")
    if msg.quote_state != Message.Quote.PROPOSED or msg.state != S.APPROVED:
        raise VoiceError("这条留言没有待确认的引用")
    if msg.quote_proposed_by_id == user.pk:
        raise VoiceError("引用须由提议人以外的另一人确认")
    if text is not None and " ".join(text.split()):
        text = " ".join(text.split())
        if len(text) > 300 or scrub(text).changed:
            raise VoiceError("引用文字不超过 300 字，且不能含电话、地址、姓名等个人信息")
        msg.quote_text = text
    msg.quote_state, msg.quote_approved_by, msg.quote_approved_at = Message.Quote.APPROVED, user, timezone.now()
    msg.save()
    log_action("voice.quote_approved", actor=user, obj=msg, org_unit=msg.area)
    return msg


@transaction.atomic
def withdraw_quote(user, pk) -> Message:
    msg = _locked(user, pk, moderation_queue)
    msg.quote_state, msg.quote_text, msg.quote_approved_by, msg.quote_approved_at = "", "", None, None
    msg.save()
    log_action("voice.quote_withdrawn", actor=user, obj=msg, org_unit=msg.area)
    return msg


# --- the safeguarding team ----------------------------------------------------------------------

def read_original(user, msg: Message) -> str:
    """The original text, for the team only; every reading is audited."""
    _require(is_team(user, msg.area_id) and msg.flagged, "只有儿童安全保护专员可以查看原文")
    log_action("voice.viewed_original", actor=user, obj=msg, org_unit=msg.area)
    return msg.original


@transaction.atomic
def respond(user, pk, note: str) -> Message:
    msg = _locked(user, pk, team_queue)
    note = (note or "").strip()
    if not note:
        raise VoiceError("请写明如何处置（已联系谁、做了什么）")
    if len(note) > 2000:
        raise VoiceError("处置记录不超过 2000 字")
    if "\x00" in note:
        raise VoiceError("处置记录中有不可见的控制字符")
    now = timezone.now()
    if msg.responded_at is None:
        msg.responded_at, msg.responded_by = now, user
    msg.response_note = (msg.response_note + "\n" if msg.response_note else "") + \
        f"[{timezone.localtime(now):%Y-%m-%d %H:%M} {user.get_username()}] {note}"
    msg.state = S.HANDLED
    msg.save()
    log_action("voice.responded", actor=user, obj=msg, org_unit=msg.area, data={"late": now > msg.response_due}
               if msg.response_due else {})
    return msg


def referral_units(area: OrgUnit):
    """Where a referral can go: the area's departments and towns."""
    from cfcity.orgs.tree import descendant_ids
    return OrgUnit.objects.filter(pk__in=descendant_ids([area.pk]),
                                  kind__in=(OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TOWN), active=True) \
        .order_by("kind", "order", "name")


@transaction.atomic
def refer(user, pk, *, to_unit: OrgUnit, reason: str) -> Referral:
    """Record a referral of a flagged message to a unit — the only way a message reaches the
    register of children in difficulty. No welfare record is made here."""
    msg = _locked(user, pk, team_queue)
    if to_unit is None or not referral_units(msg.area).filter(pk=to_unit.pk).exists():
        raise VoiceError("请选择本县（市、区）的部门或镇（街道）")
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000 or "\x00" in reason:
        raise VoiceError("请写明转介原因（不超过 1000 字）")
    ref = Referral.objects.create(message=msg, message_number=msg.pk, area=msg.area, to_unit=to_unit,
                                  reason=reason, created_by=user)
    log_action("voice.referred", actor=user, obj=ref, org_unit=msg.area,
               data={"message": msg.pk, "to_unit": to_unit.pk})
    return ref


def referrals_for(user):
    """The team's referrals (their area), and those addressed to a welfare officer's units."""
    r = _rules(user)
    if r is None:
        return Referral.objects.none()
    ids = _area_scope(user)
    q = Q(pk__in=[])
    if r.safeguard:
        q |= Q(area_id__in=ids)
    if r.personal:
        q |= Q(to_unit_id__in=ids)
    return Referral.objects.filter(q).select_related("to_unit", "area")


# --- erasing -------------------------------------------------------------------------------------

@transaction.atomic
def erase(user, pk) -> int:
    """Erase a message completely: the row (with its encrypted original and response note)
    is deleted; referrals keep only that a message existed. The audit entry names its number."""
    msg = Message.objects.select_for_update().filter(pk=pk).first()
    if msg is None:
        raise Http404("没有找到，或您无权查看")
    allowed = is_coordinator(user, msg.area_id) or (is_team(user, msg.area_id) and msg.flagged)
    if not allowed:
        if visible_messages(user).filter(pk=msg.pk).exists():
            raise PermissionDenied("您不能删除这条留言")
        raise Http404("没有找到，或您无权查看")
    number, area = msg.pk, msg.area
    Referral.objects.filter(message=msg).update(message=None, message_erased=True)
    msg.delete()
    log_action("voice.erased", actor=user, org_unit=area, data={"message": number})
    return number
