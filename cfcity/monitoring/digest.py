"""The daily e-mail (`cfcity monitor digest`): each unit's users get at most one mail a day
with the reminders due to the unit and its active warnings; the coordinators of each area a
summary. Mail goes through Django's ``send_mail`` machinery (``EMAIL_BACKEND``).

A unit is mailed on a day when it has a reminder due or a warning it has not been told
about yet; the mail then lists every active warning of the unit, the new ones marked.
What was mailed is recorded — ``Reminder`` rows for the reminders, an audit entry per mail
(``monitoring.digest.sent`` / ``monitoring.digest.summary``, with the day, the recipients
and the warnings) — so a second run on the same day sends nothing twice, and the cadence
of reminders (``reminders.py``) reads what was sent.
"""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.plans.display import date_text

from . import reminders
from . import warnings as rules
from .models import Reminder, Warning

UNIT_ACTION = "monitoring.digest.sent"
SUMMARY_ACTION = "monitoring.digest.summary"
SUBJECT_PREFIX = "【儿童友好城市】"
MAX_LISTED = 50  # warnings listed in one mail; the rest are counted
SEVERITY_WORDS = dict(Warning.Severity.choices)
KIND_WORDS = dict(Warning.Kind.choices)


@dataclass
class Mail:
    kind: str  # "unit" or "summary"
    org_unit: OrgUnit  # the unit mailed, or the area summarised
    recipients: list[str]
    subject: str
    body: str
    warnings: list[Warning] = field(default_factory=list)
    reminders: list[reminders.Due] = field(default_factory=list)
    unreachable: list["Unreachable"] = field(default_factory=list)  # a summary: units to phone


@dataclass
class Digest:
    day: datetime.date
    dry_run: bool
    mails: list[Mail] = field(default_factory=list)  # sent (a dry run: would be sent)
    failed: list[tuple[Mail, str]] = field(default_factory=list)
    already: list[OrgUnit] = field(default_factory=list)  # mailed earlier the same day
    unreachable: list[OrgUnit] = field(default_factory=list)  # something to say, no one to tell
    reminders_recorded: int = 0

    def summary(self) -> str:
        units = sum(1 for m in self.mails if m.kind == "unit")
        summaries = len(self.mails) - units
        verb = "将发送" if self.dry_run else "已发送"
        parts = [f"{date_text(self.day)}：{verb}邮件 {len(self.mails)} 封（单位 {units} 封，协调员汇总 {summaries} 封）"]
        if not self.dry_run:
            parts.append(f"记录催报提醒 {self.reminders_recorded} 条")
        if self.already:
            parts.append(f"{len(self.already)} 个单位今天已发过，未重复发送")
        if self.unreachable:
            parts.append(f"{len(self.unreachable)} 个单位没有可接收邮件的账号（"
                         + "、".join(u.name for u in self.unreachable) + "）")
        if self.failed:
            parts.append(f"{len(self.failed)} 封发送失败")
        return "；".join(parts) + "。"


# --- who gets mail -----------------------------------------------------------------------------

def unit_recipients(unit_ids) -> dict[int, list[str]]:
    """The e-mail addresses of each unit's active users (by membership)."""
    out: dict[int, list[str]] = defaultdict(list)
    for unit_id, email in (Membership.objects.filter(org_unit_id__in=unit_ids, user__is_active=True)
                           .exclude(user__email="").order_by("user__username")
                           .values_list("org_unit_id", "user__email")):
        if email and email not in out[unit_id]:
            out[unit_id].append(email)
    return out


def _area_id(unit: OrgUnit, parents: dict[int, tuple[int | None, str]]) -> int | None:
    node, seen = unit.pk, set()
    while node is not None and node not in seen:
        seen.add(node)
        parent, kind = parents.get(node, (None, ""))
        if kind == OrgUnit.Kind.AREA:
            return node
        node = parent
    return None


def coordinators(area_ids) -> dict[int, list[str]]:
    """The e-mail addresses of the coordinators of each area (their unit's nearest area)."""
    parents = {pk: (parent, kind) for pk, parent, kind in OrgUnit.objects.values_list("pk", "parent_id", "kind")}
    out: dict[int, list[str]] = defaultdict(list)
    for m in (Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).exclude(user__email="")
              .select_related("user", "org_unit").order_by("user__username")):
        area = _area_id(m.org_unit, parents)
        if area in area_ids and m.user.email not in out[area]:
            out[area].append(m.user.email)
    return out


# --- wording -----------------------------------------------------------------------------------

def when_text(deadline: datetime.date, day: datetime.date) -> str:
    left = (deadline - day).days
    if left > 0:
        return f"还有 {left} 天"
    return "今天到期" if left == 0 else f"已逾期 {-left} 天"


def _report_state(row) -> str:
    return row.report.get_status_display() if row.report else "未填报"


def reminder_lines(due: reminders.Due, day: datetime.date) -> list[str]:
    p = due.period
    lines = [f"《{p.plan.title}》{p.label}进展报告，报送期限 {date_text(p.deadline)}（{when_text(p.deadline, day)}），"
             f"尚未报送 {len(due.reports)} 项："]
    lines += [f"  · 任务（{r.assignment.task.number}）{r.assignment.task.title}（{_report_state(r)}）"
              for r in due.reports]
    return lines


def warning_lines(items: list[Warning], new_ids: set[int], *, with_unit: bool = False) -> list[str]:
    lines = []
    for i, w in enumerate(items[:MAX_LISTED], 1):
        mark = "【新】" if w.pk in new_ids else ""
        who = f"{w.org_unit.name}：" if with_unit else ""
        lines.append(f"{i}. {mark}【{SEVERITY_WORDS[w.severity]} · {KIND_WORDS[w.kind]}】{who}{w.message}")
        if not with_unit:
            lines.append(f"   消除方法：{w.clear_by}")
    if len(items) > MAX_LISTED:
        lines.append(f"……另有 {len(items) - MAX_LISTED} 条，请登录平台查看。")
    return lines


NUMERALS = "一二三四五六"
FOOTER = ["", "请登录儿童友好城市建设管理平台，在“我的填报”页面查看和处理。",
          "（本邮件由系统自动发送，请勿直接回复。）"]


def unit_mail(unit: OrgUnit, recipients: list[str], day: datetime.date, items: list[Warning],
              new_ids: set[int], due: list[reminders.Due]) -> Mail:
    bits = []
    if due:
        bits.append(f"{sum(len(d.reports) for d in due)} 项报告待报送")
    if items:
        bits.append(f"{len(items)} 条预警" + (f"（新增 {len(new_ids)} 条）" if new_ids else ""))
    subject = f"{SUBJECT_PREFIX}{unit.name} {date_text(day)}提醒：{'，'.join(bits)}"
    body = [f"{unit.name}：", "", f"儿童友好城市建设管理平台 {date_text(day)} 提醒："]
    sections = []
    if due:
        sections.append(("催报提醒", [line for d in due for line in reminder_lines(d, day)]))
    if items:
        sections.append((f"预警（共 {len(items)} 条" + (f"，其中新增 {len(new_ids)} 条）" if new_ids else "）"),
                         warning_lines(items, new_ids)))
    for n, (title, lines) in enumerate(sections):
        body += ["", f"{NUMERALS[n]}、{title}", *lines]
    body += FOOTER
    return Mail("unit", unit, recipients, subject, "\n".join(body), items, due)


def summary_mail(area: OrgUnit, recipients: list[str], day: datetime.date, items: list[Warning],
                 new_ids: set[int], sent: list[Mail], unreachable: list[tuple[OrgUnit, list]]) -> Mail:
    by_sev = Counter(w.severity for w in items)
    by_kind = Counter(w.kind for w in items)
    subject = f"{SUBJECT_PREFIX}{area.name}监测预警日报（{date_text(day)}）"
    body = [f"{area.name}妇儿工委办：", "", f"{date_text(day)}监测预警情况如下。"]
    sections = [("当前预警", [
        f"共 {len(items)} 条：" + "，".join(f"{SEVERITY_WORDS[s]} {by_sev[s]} 条" for s in Warning.Severity.values) + "。",
        *(["按类型：" + "，".join(f"{KIND_WORDS[k]} {n} 条" for k, n in sorted(by_kind.items(), key=lambda x: -x[1])) + "。"]
          if items else [])])]
    fresh = [w for w in items if w.pk in new_ids]
    if fresh:
        sections.append((f"新增预警 {len(fresh)} 条", warning_lines(fresh, set(), with_unit=True)))
    mailed = [m for m in sent if m.reminders]
    if mailed:
        sections.append((f"今日已向 {len(mailed)} 个单位发送催报提醒", [
            f"  · {m.org_unit.name}：" + "；".join(
                f"{d.period.label}进展报告{reminders.step_label(d.step)}（尚未报送 {len(d.reports)} 项）"
                for d in m.reminders) for m in mailed]))
    if unreachable:
        sections.append(("以下单位有待办事项，但没有可接收邮件的账号，请电话联系", [
            f"  · {u.name}：" + "；".join(what) for u, what in unreachable]))
    for n, (title, lines) in enumerate(sections):
        body += ["", f"{NUMERALS[n]}、{title}", *lines]
    body += FOOTER[:1] + ["请登录儿童友好城市建设管理平台查看详情。", FOOTER[2]]
    return Mail("summary", area, recipients, subject, "\n".join(body), items)


# --- the run -------------------------------------------------------------------------------------

def _mailed_before(action: str, unit_ids) -> tuple[dict[int, set[int]], dict[int, set[str]]]:
    """Per unit (or area): the warning ids already mailed, and the days mailed."""
    ids: dict[int, set[int]] = defaultdict(set)
    days: dict[int, set[str]] = defaultdict(set)
    for unit_id, data in AuditEntry.objects.filter(action=action, org_unit_id__in=unit_ids).values_list(
            "org_unit_id", "data"):
        data = data or {}
        ids[unit_id].update(int(i) for i in data.get("warnings", []))
        if data.get("day"):
            days[unit_id].add(data["day"])
    return ids, days


@dataclass
class Unreachable:
    """A unit with something to be told and no user with an e-mail: the coordinators are
    asked to phone it, and that counts as telling it."""
    unit: OrgUnit
    warnings: list[Warning]
    new_ids: set[int]
    reminders: list[reminders.Due]

    def what(self) -> list[str]:
        out = [f"{d.period.label}进展报告{reminders.step_label(d.step)}（尚未报送 {len(d.reports)} 项）"
               for d in self.reminders]
        return out + ([f"新增预警 {len(self.new_ids)} 条"] if self.new_ids else [])


@dataclass
class _State:
    day: datetime.date
    result: Digest
    active: list[Warning]
    areas_of_unit: dict[int, set[int]]
    unreachable: dict[int, list[Unreachable]]


def _unit_mails(day: datetime.date) -> _State:
    result = Digest(day, dry_run=True)
    iso = day.isoformat()
    active = list(rules.active())
    by_unit: dict[int, list[Warning]] = defaultdict(list)
    for w in active:
        by_unit[w.org_unit_id].append(w)
    due_by_unit: dict[int, list[reminders.Due]] = defaultdict(list)
    for d in reminders.due_reminders(day):
        due_by_unit[d.unit.pk].append(d)
    unit_ids = set(by_unit) | set(due_by_unit)
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    told, mailed_days = _mailed_before(UNIT_ACTION, unit_ids)
    recipients = unit_recipients(unit_ids)
    areas_of_unit: dict[int, set[int]] = defaultdict(set)
    for w in active:
        if w.plan.area_id:
            areas_of_unit[w.org_unit_id].add(w.plan.area_id)
    for ds in due_by_unit.values():
        for d in ds:
            if d.period.plan.area_id:
                areas_of_unit[d.unit.pk].add(d.period.plan.area_id)
    unreachable: dict[int, list[Unreachable]] = defaultdict(list)
    for unit in sorted(units.values(), key=lambda u: (u.name, u.pk)):
        items, due = by_unit.get(unit.pk, []), due_by_unit.get(unit.pk, [])
        new_ids = {w.pk for w in items} - told.get(unit.pk, set())
        if not due and not new_ids:
            continue  # nothing the unit has not been told already
        if iso in mailed_days.get(unit.pk, set()):
            result.already.append(unit)
            continue
        if not recipients.get(unit.pk):
            result.unreachable.append(unit)
            for area_id in areas_of_unit[unit.pk]:
                unreachable[area_id].append(Unreachable(unit, items, new_ids, due))
            continue
        result.mails.append(unit_mail(unit, recipients[unit.pk], day, items, new_ids, due))
    return _State(day, result, active, areas_of_unit, unreachable)


def _summaries(state: _State, sent: list[Mail]) -> list[Mail]:
    """One mail per area to its coordinators, when something happened: new warnings,
    reminders sent to its units, units that could not be mailed."""
    iso = state.day.isoformat()
    area_ids = {a for ms in state.areas_of_unit.values() for a in ms}
    told_area, summarised_days = _mailed_before(SUMMARY_ACTION, area_ids)
    bosses = coordinators(area_ids)
    areas = OrgUnit.objects.in_bulk(list(area_ids))
    out = []
    for area_id in sorted(area_ids, key=lambda a: (areas[a].name, a)):
        items = [w for w in state.active if w.plan.area_id == area_id]
        new_ids = {w.pk for w in items} - told_area.get(area_id, set())
        mailed = [m for m in sent if area_id in state.areas_of_unit.get(m.org_unit.pk, set())]
        phone = state.unreachable.get(area_id, [])
        if not (new_ids or mailed or phone):
            continue
        if iso in summarised_days.get(area_id, set()) or not bosses.get(area_id):
            continue
        mail = summary_mail(areas[area_id], bosses[area_id], state.day, items, new_ids, mailed,
                            [(u.unit, u.what()) for u in phone])
        mail.unreachable = phone
        out.append(mail)
    return out


def compose(day: datetime.date) -> Digest:
    """Every mail due on ``day`` (nothing sent, nothing written)."""
    state = _unit_mails(day)
    state.result.mails += _summaries(state, list(state.result.mails))
    return state.result


def _record(mail: Mail, day: datetime.date) -> int:
    """What was mailed: the reminders (so the cadence moves on) and an audit entry; for a
    summary, also the units it asks the coordinators to phone."""
    def entry(action, unit, recipients, items, due):
        log_action(action, obj=unit, org_unit=unit, data={
            "day": day.isoformat(), "subject": mail.subject, "recipients": recipients,
            "warnings": [w.pk for w in items], "reminders": [[d.period.pk, d.step] for d in due]})
        rows = [Reminder(org_unit=unit, period=d.period, step=d.step, sent_on=day, recipients=recipients)
                for d in due]
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    with transaction.atomic():
        if mail.kind == "unit":
            return entry(UNIT_ACTION, mail.org_unit, mail.recipients, mail.warnings, mail.reminders)
        count = 0
        for u in mail.unreachable:  # told through the coordinators
            count += entry(UNIT_ACTION, u.unit, [], u.warnings, u.reminders)
        entry(SUMMARY_ACTION, mail.org_unit, mail.recipients, mail.warnings, [])
        return count


def refresh_warnings(day: datetime.date) -> int:
    """Bring every plan's date-driven warnings (overdue, not started, stale) up to ``day``."""
    return sum(rules.refresh(plan, as_of=day) for plan in pm.Plan.objects.all())


def _send(result: Digest, mails: list[Mail], connection) -> list[Mail]:
    sent = []
    for mail in mails:
        message = EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, mail.recipients,
                               connection=connection)
        try:
            message.send()
        except Exception as e:  # SMTP refused, network down: say so, carry on with the others
            result.failed.append((mail, str(e) or e.__class__.__name__))
            continue
        result.reminders_recorded += _record(mail, result.day)
        sent.append(mail)
    return sent


def run(day: datetime.date, *, dry_run: bool = False, connection=None) -> Digest:
    """Refresh the warnings for ``day``, then send (``dry_run``: only list) the mails due
    and record them. A mail that fails to send is not recorded: the next run tries again."""
    if dry_run:
        with transaction.atomic():
            refresh_warnings(day)
            result = compose(day)
            transaction.set_rollback(True)  # a dry run leaves the database as it was
        return result
    with transaction.atomic():
        refresh_warnings(day)
    state = _unit_mails(day)
    result = state.result
    result.dry_run = False
    connection = connection or get_connection()
    sent = _send(result, result.mails, connection)
    sent += _send(result, _summaries(state, sent), connection)
    result.mails = sent
    return result
