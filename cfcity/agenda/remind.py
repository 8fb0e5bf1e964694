"""Deadline reminders by e-mail (`cfcity agenda remind`): each user with an address gets at
most one mail a run, listing the deadlines they may see whose reminder step is due today.

The cadence is the reporting one (cfcity/monitoring/reminders.py window_step: 30, 7 and 1
days ahead, 1 and 7 days late, then every 30 days). Reports due are left out: the daily
digest (`cfcity monitor digest`) already chases them unit by unit. Each (user, deadline,
step) is recorded in ``SentReminder`` after the mail went out, so a second run sends
nothing twice and a failed mail is tried again next time.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from cfcity.audit.services import log_action
from cfcity.monitoring.reminders import BEFORE_STEPS, step_label, window_step
from cfcity.monitoring.digest import SUBJECT_PREFIX

from . import display
from .models import SentReminder
from .registry import Deadline, deadlines_for

SKIP_KINDS = {"report"}  # mailed by cfcity.monitoring.digest
LOOK_BACK_DAYS = 366


@dataclass
class Mail:
    user: object
    items: list[tuple[Deadline, str]]  # (deadline, step)
    subject: str = ""
    body: str = ""


@dataclass
class Result:
    day: datetime.date
    dry_run: bool
    mails: list[Mail] = field(default_factory=list)
    failed: list[tuple[Mail, str]] = field(default_factory=list)

    def summary(self) -> str:
        verb = "将发送" if self.dry_run else "已发送"
        text = (f"{display.long_date(self.day)}：{verb}事项提醒邮件 {len(self.mails)} 封，"
                f"共 {sum(len(m.items) for m in self.mails)} 项")
        return text + (f"；{len(self.failed)} 封发送失败。" if self.failed else "。")


def _users():
    return (get_user_model().objects.filter(is_active=True, membership__isnull=False).exclude(email="")
            .select_related("membership__org_unit").order_by("username"))


def due_for(user, day: datetime.date) -> list[tuple[Deadline, str]]:
    """The user's deadlines with a reminder step due on ``day`` and not yet sent."""
    items = deadlines_for(user, day - datetime.timedelta(days=LOOK_BACK_DAYS),
                          day + datetime.timedelta(days=BEFORE_STEPS[0][1]))
    sent = set(SentReminder.objects.filter(user=user).values_list("deadline_uid", "step"))
    out = []
    for d in items:
        if d.kind in SKIP_KINDS or d.done:
            continue
        step = window_step(d.date, day)
        if step and (d.uid, step) not in sent:
            out.append((d, step))
    return out


def compose(user, items, day: datetime.date, base_url: str) -> Mail:
    late = sum(1 for d, _ in items if d.date < day)
    subject = (f"{SUBJECT_PREFIX}{display.long_date(day)}：{len(items)} 项事项临近或已过期限"
               + (f"（已逾期 {late} 项）" if late else ""))
    name = user.get_full_name() or user.get_username()
    body = [f"{name}：", "", "以下事项临近期限或已经逾期，请及时办理：", ""]
    for i, (d, step) in enumerate(items, 1):
        flag = "【已逾期】" if d.date < day else ""
        body.append(f"{i}. {flag}【{display.kind_label(d.kind)}】{d.title}")
        body.append(f"   期限：{display.long_date(d.date)}（{display.when_text(d.date, day)}，{step_label(step)}）")
        body.append(f"   办理：{base_url.rstrip('/')}{d.url}")
    body += ["", f"全部日程：{base_url.rstrip('/')}/agenda/（登录平台后查看）", "（本邮件由系统自动发送，请勿直接回复。）"]
    return Mail(user, items, subject, "\n".join(body))


def run(day: datetime.date, *, base_url: str = "", dry_run: bool = False, connection=None) -> Result:
    result = Result(day, dry_run)
    mails = [compose(u, items, day, base_url) for u in _users() if (items := due_for(u, day))]
    if dry_run:
        result.mails = mails
        return result
    connection = connection or get_connection()
    for mail in mails:
        message = EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.user.email],
                               connection=connection)
        try:
            message.send()
        except Exception as e:  # SMTP refused, network down: say so, go on, retry next run
            result.failed.append((mail, str(e) or e.__class__.__name__))
            continue
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [SentReminder(user=mail.user, deadline_uid=d.uid, step=step, sent_on=day) for d, step in mail.items],
                ignore_conflicts=True)
            log_action("agenda.reminder.sent", obj=mail.user, org_unit=mail.user.membership.org_unit, data={
                "day": day.isoformat(), "subject": mail.subject, "recipients": [mail.user.email],
                "items": [[d.kind, d.date.isoformat(), d.title, step] for d, step in mail.items]})
        result.mails.append(mail)
    return result
