"""Every write on campaigns and works: checked, one transaction, audited.

Who runs a campaign (``can_manage``): the plan's coordinator (access.can_review_plan), and
the reporters and approvers of the lead departments of the plan's campaign task — the task
whose text speaks of 征集活动 (in the reference plan task (5), lead 县妇儿工委办公室), read
from plans.TaskDepartment, never from a name written here. They alone see works that are
not approved, and their files.

The public sends works (``submit_work``, no user); the audit entry holds the work's code,
kind and campaign — never a pseudonym, a title or a description a child typed.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action
from cfcity.plans import models as pm

from . import files
from .files import WorkRefused
from .models import ASSENT_FROM, AgeBand, Campaign, Kind, Submission, SubmissionFile

S = Submission.State
C = Campaign.Status
CONSENT_VERSION = getattr(settings, "CAMPAIGN_CONSENT_VERSION", "2025-1")
TASK_WORDS = ("征集",)  # the plan's task that campaigns serve: “开展…视频、歌曲、绘画等征集活动”
LIMITS = {"title": 40, "description": 500, "pseudonym": 12, "reason": 200}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- who runs campaigns ----------------------------------------------------------------------

def campaign_tasks(plan):
    q = Q()
    for word in TASK_WORDS:
        q |= Q(text__contains=word) | Q(title__contains=word)
    return pm.Task.objects.filter(plan=plan).filter(q).order_by("number")


def lead_unit_ids(plan) -> set[int]:
    return set(pm.TaskDepartment.objects.filter(task__in=campaign_tasks(plan), role=pm.TaskDepartment.Role.LEAD)
               .values_list("org_unit_id", flat=True))


def can_manage(user, plan) -> bool:
    if access.can_review_plan(user, plan):
        return True
    m = access.membership(user)
    return (m is not None and user.is_active and rules_for(m.role).write and m.org_unit_id in lead_unit_ids(plan)
            and m.org_unit_id in (access.scope_ids(user) or ()))


def managed_plans(user):
    return [p for p in access.visible_plans(user, pm.Plan.objects.order_by("-date", "-pk")) if can_manage(user, p)]


def _unit(user, plan):
    m = access.membership(user)
    return m.org_unit if m else plan.area


# --- campaigns -------------------------------------------------------------------------------

def _clean_campaign(title, description, kinds, opens_on, closes_on):
    title, description = title.strip(), description.strip()
    if not title:
        raise WorkRefused("请填写活动名称")
    kinds = [k for k in Kind.values if k in set(kinds)]
    if not kinds:
        raise WorkRefused("请至少选择一种征集的作品类别")
    if closes_on < opens_on:
        raise WorkRefused("截止日期不能早于开始日期")
    return title[:100], description, kinds


@transaction.atomic
def create_campaign(user, plan, *, title, description="", kinds, opens_on, closes_on) -> Campaign:
    _require(can_manage(user, plan), "只有协调员或征集任务的牵头单位可以设立征集活动")
    title, description, kinds = _clean_campaign(title, description, kinds, opens_on, closes_on)
    campaign = Campaign.objects.create(plan=plan, task=campaign_tasks(plan).first(), title=title,
                                       description=description, kinds=kinds, opens_on=opens_on,
                                       closes_on=closes_on, created_by=user)
    log_action("campaigns.campaign.created", actor=user, obj=campaign, org_unit=_unit(user, plan),
               data={"after": {"title": title, "kinds": kinds, "opens_on": opens_on.isoformat(),
                               "closes_on": closes_on.isoformat()}})
    return campaign


@transaction.atomic
def update_campaign(user, campaign: Campaign, *, title, description="", kinds, opens_on, closes_on) -> Campaign:
    _require(can_manage(user, campaign.plan), "只有协调员或征集任务的牵头单位可以修改征集活动")
    title, description, kinds = _clean_campaign(title, description, kinds, opens_on, closes_on)
    before = {"title": campaign.title, "description": campaign.description, "kinds": campaign.kinds,
              "opens_on": campaign.opens_on.isoformat(), "closes_on": campaign.closes_on.isoformat()}
    campaign.title, campaign.description, campaign.kinds = title, description, kinds
    campaign.opens_on, campaign.closes_on = opens_on, closes_on
    campaign.save()
    after = {"title": title, "description": description, "kinds": kinds, "opens_on": opens_on.isoformat(),
             "closes_on": closes_on.isoformat()}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        log_action("campaigns.campaign.saved", actor=user, obj=campaign, org_unit=_unit(user, campaign.plan),
                   data={"changes": changed})
    return campaign


@transaction.atomic
def set_status(user, campaign: Campaign, status: str) -> Campaign:
    _require(can_manage(user, campaign.plan), "只有协调员或征集任务的牵头单位可以开启或结束征集")
    if status not in (C.OPEN, C.CLOSED) or campaign.status == status:
        raise WorkRefused(f"征集活动{campaign.get_status_display()}，不能这样改")
    before = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    log_action(f"campaigns.campaign.{status}", actor=user, obj=campaign, org_unit=_unit(user, campaign.plan),
               data={"before": before, "after": status})
    return campaign


# --- a child's work ---------------------------------------------------------------------------

def _scrub(text: str) -> str:
    from cfcity.voice.scrub import scrub_text
    return scrub_text(text)


def check_text(label: str, text: str, limit: int, *, required: bool) -> str:
    """``text`` stripped, or ``WorkRefused``: empty when required, too long, or carrying markup."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch >= " ").strip()
    if required and not text:
        raise WorkRefused(f"请填写{label}")
    if len(text) > limit:
        raise WorkRefused(f"{label}太长了（{len(text)} 个字），请不超过 {limit} 个字")
    lowered = text.lower()
    if "<" in text or ">" in text or "javascript:" in lowered.replace(" ", "") or "&#" in text:
        raise WorkRefused(f"{label}里不能有 < > 这样的网页代码符号，请只写文字")
    return text


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Submission.objects.filter(code=code).exists():
            return code


@transaction.atomic
def submit_work(campaign: Campaign, *, kind: str, title: str, description: str, pseudonym: str, age_band: str,
                town=None, guardian_consent: bool, guardian_relationship: str, child_assent: bool,
                data: bytes) -> Submission:
    """A work sent through the public page. Everything is checked before anything is stored;
    the text is scrubbed of names, phone numbers, ID numbers and addresses before it is saved."""
    if not campaign.accepting(timezone.localdate()):
        raise WorkRefused("这个征集活动现在不接收作品")
    if kind not in campaign.kinds:
        raise WorkRefused("这个征集活动不征集这一类作品")
    if not guardian_consent:
        raise WorkRefused("需要爸爸、妈妈或其他监护人阅读说明并勾选同意，才能提交作品")
    if guardian_relationship not in Submission.Relationship.values:
        raise WorkRefused("请选择监护人与孩子的关系")
    if age_band not in AgeBand.values:
        raise WorkRefused("请选择年龄段")
    if age_band in ASSENT_FROM and not child_assent:
        raise WorkRefused("8岁及以上的小朋友，请自己也读一读说明，勾选“我同意”")
    if town is not None and (town.parent_id != campaign.plan.area_id or town.kind != "town"):
        raise WorkRefused("请选择本县的镇（街道）")
    # a placeholder (〔姓名〕) may be longer than what it replaced: cut to the column's size
    title = _scrub(check_text("作品名称", title, LIMITS["title"], required=True))[:60]
    description = _scrub(check_text("作品说明", description, LIMITS["description"], required=False))
    pseudonym = _scrub(check_text("笔名", pseudonym, LIMITS["pseudonym"], required=True))[:20]
    data, ctype = files.clean(kind, data)
    now = timezone.now()
    work = Submission.objects.create(
        campaign=campaign, code=new_code(), kind=kind, title=title, description=description, pseudonym=pseudonym,
        age_band=age_band, town=town, guardian_consent=True, guardian_relationship=guardian_relationship,
        child_assent=bool(child_assent), consent_version=CONSENT_VERSION, consented_at=now, submitted_at=now)
    row = SubmissionFile(submission=work, **files.stored(data, ctype))
    row.file.save("x", ContentFile(data), save=False)
    row.save()
    log_action("campaigns.work.submitted", actor=None, obj=work, org_unit=campaign.plan.area,
               data={"after": {"code": work.code, "kind": kind, "campaign": campaign.pk, "type": ctype,
                               "size": row.size, "sha256": row.sha256}})
    return work


# --- moderation -------------------------------------------------------------------------------

def _moderate(user, work: Submission, to: str, **fields) -> Submission:
    before = work.state
    work.state, work.moderated_by, work.moderated_at = to, user, timezone.now()
    for k, v in fields.items():
        setattr(work, k, v)
    work.save()
    log_action(f"campaigns.work.{to}", actor=user, obj=work, org_unit=_unit(user, work.campaign.plan),
               data={"before": before, "after": to, "code": work.code,
                     **({"reason": fields["reject_reason"]} if fields.get("reject_reason") else {})})
    return work


@transaction.atomic
def approve(user, work: Submission) -> Submission:
    _require(can_manage(user, work.campaign.plan), "只有协调员可以审核作品")
    if work.state not in (S.PENDING, S.REJECTED):
        raise WorkRefused(f"作品{work.get_state_display()}，不能通过")
    return _moderate(user, work, S.APPROVED, reject_reason="")


@transaction.atomic
def reject(user, work: Submission, reason: str) -> Submission:
    _require(can_manage(user, work.campaign.plan), "只有协调员可以审核作品")
    if work.state not in (S.PENDING, S.APPROVED):
        raise WorkRefused(f"作品{work.get_state_display()}，不能设为未通过")
    reason = _scrub(" ".join(reason.split()))[:LIMITS["reason"]]  # it is exported, and audited
    if not reason:
        raise WorkRefused("请写明未通过的原因（例如：含有真实姓名、与主题无关）")
    return _moderate(user, work, S.REJECTED, reject_reason=reason)


@transaction.atomic
def withdraw(user, work: Submission) -> Submission:
    """On a guardian's request: the files are deleted, the text cleared; the row stays."""
    _require(can_manage(user, work.campaign.plan), "只有协调员可以撤回作品")
    if work.state == S.WITHDRAWN:
        raise WorkRefused("作品已经撤回")
    stored = [(r.file.storage, r.file.name) for r in work.files.all()]
    work.files.all().delete()
    before = work.state
    work.state, work.withdrawn_at = S.WITHDRAWN, timezone.now()
    work.title, work.description, work.pseudonym = "（已撤回）", "", ""
    work.save()
    log_action("campaigns.work.withdrawn", actor=user, obj=work, org_unit=_unit(user, work.campaign.plan),
               data={"before": before, "after": S.WITHDRAWN, "code": work.code, "files": len(stored)})

    def remove():
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:
                pass
    transaction.on_commit(remove)
    return work


LABELS = {
    "campaigns.campaign.created": "设立作品征集活动", "campaigns.campaign.saved": "修改作品征集活动",
    "campaigns.campaign.open": "开始作品征集", "campaigns.campaign.closed": "结束作品征集",
    "campaigns.work.submitted": "收到征集作品", "campaigns.work.approved": "征集作品审核通过",
    "campaigns.work.rejected": "征集作品未通过", "campaigns.work.withdrawn": "按监护人要求撤回征集作品",
}
