"""`cfcity monitor digest|recompute`: the daily mail (sent once a day, recorded, Chinese),
the recompute with its counts, and Chinese errors for a bad date or an unknown plan."""
import datetime
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from cfcity.audit.models import AuditEntry
from cfcity.monitoring import digest
from cfcity.monitoring.models import Reminder, TargetStatus, Warning
from cfcity.reporting.models import Report
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def monitor(*args) -> str:
    out = StringIO()
    call_command("monitor", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def mailable(county):
    """The health bureau's two users and the coordinator have e-mail addresses; the
    leader's is there but the account is disabled; the other units have none."""
    for name, email in (("reporter", "tb@wjj.example.cn"), ("approver", "sh@wjj.example.cn"),
                        ("coordinator", "fgw@fgw.example.cn"), ("leader", "leader@fgw.example.cn")):
        county[name].email = email
        county[name].save()
    county["leader"].is_active = False
    county["leader"].save()
    return county


def test_the_digest_mails_each_unit_once_a_day_and_the_coordinator_a_summary(mailable, mailoutbox):
    county = mailable
    out = monitor("digest", "--date", "2025-01-10")  # 5 days before the 2024 deadline
    assert "已发送邮件 3 封（单位 2 封，协调员汇总 1 封）" in out
    by_to = {tuple(m.to): m for m in mailoutbox}
    health = by_to[("sh@wjj.example.cn", "tb@wjj.example.cn")]
    assert health.subject.startswith("【儿童友好城市】县卫生健康局 2025年1月10日提醒：1 项报告待报送，4 条预警（新增 4 条）")
    body = health.body
    assert body.startswith("县卫生健康局：")
    assert "一、催报提醒" in body and "2024年进展报告，报送期限 2025年1月15日（还有 5 天），尚未报送 1 项" in body
    assert "任务（2）发展普惠托育（未填报）" in body
    assert "二、预警" in body and "【新】【红色 · 逾期未报】" in body and "消除方法：" in body
    office = next(m for m in mailoutbox if m.subject.startswith("【儿童友好城市】县妇儿工委办公室 "))
    assert office.to == ["fgw@fgw.example.cn"]  # 县妇儿工委办公室 is a unit with tasks too
    summary = next(m for m in mailoutbox if "监测预警日报" in m.subject)
    assert summary.to == ["fgw@fgw.example.cn"] and "leader@fgw.example.cn" not in summary.to
    assert summary.subject == "【儿童友好城市】示例县监测预警日报（2025年1月10日）"
    assert "今日已向 2 个单位发送催报提醒" in summary.body
    assert "没有可接收邮件的账号，请电话联系" in summary.body and "县民政局：" in summary.body

    # recorded: the reminders (those phoned too) and an audit entry per mail
    reminders = {(r.org_unit.name, r.period.year, r.step) for r in Reminder.objects.all()}
    assert ("县卫生健康局", 2024, "before_7") in reminders and ("县民政局", 2024, "before_7") in reminders
    sent = AuditEntry.objects.get(action="monitoring.digest.sent", org_unit=county["health"])
    assert sent.data["day"] == "2025-01-10" and sent.data["recipients"] == ["sh@wjj.example.cn", "tb@wjj.example.cn"]
    assert AuditEntry.objects.filter(action="monitoring.digest.summary").count() == 1

    mailoutbox.clear()
    out = monitor("digest", "--date", "2025-01-10")  # a second run the same day
    assert mailoutbox == [] and "已发送邮件 0 封" in out
    monitor("digest", "--date", "2025-01-11")  # nothing new, the cadence waits
    assert mailoutbox == []
    monitor("digest", "--date", "2025-01-14")  # the day before the deadline
    assert [m.subject.split(" ")[0] for m in mailoutbox if "日报" not in m.subject] == [
        "【儿童友好城市】县卫生健康局", "【儿童友好城市】县妇儿工委办公室"]
    assert "2024年进展报告，报送期限 2025年1月15日（还有 1 天）" in mailoutbox[0].body


def test_a_unit_that_has_sent_its_report_is_not_chased(mailable, mailoutbox):
    county = mailable
    for period in county["plan"].periods.all():
        Report.objects.create(task=county["task"], org_unit=county["health"], period=period,
                              status=Report.Status.SUBMITTED, submitted_at=timezone.now())
    monitor("digest", "--date", "2025-01-10")
    health = [m for m in mailoutbox if "tb@wjj.example.cn" in m.to]
    assert len(health) == 1 and "催报提醒" not in health[0].body  # the warnings still come: 数据长期未更新
    assert not Reminder.objects.filter(org_unit=county["health"]).exists()


def test_a_dry_run_lists_and_leaves_everything_as_it_was(mailable, mailoutbox):
    out = monitor("digest", "--date", "2025-01-10", "--dry-run")
    assert "— 【儿童友好城市】县卫生健康局 2025年1月10日提醒：" in out and "收件人：sh@wjj.example.cn、tb@wjj.example.cn" in out
    assert "将发送邮件 3 封" in out
    assert mailoutbox == []
    assert not Warning.objects.exists() and not Reminder.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="monitoring.").exists()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("连接被拒绝")


def test_a_mail_that_fails_is_not_recorded_and_is_tried_again(mailable, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_monitor_command.BrokenBackend"
    with pytest.raises(CommandError, match="封邮件发送失败"):
        monitor("digest", "--date", "2025-01-10")
    assert not Reminder.objects.filter(org_unit=mailable["health"]).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monitor("digest", "--date", "2025-01-10")
    assert len(mailoutbox) == 3


def test_bad_dates_and_unknown_plans_are_refused_in_chinese(county):
    with pytest.raises(CommandError, match="日期“2025-13-01”不是有效的日期"):
        monitor("digest", "--date", "2025-13-01")
    with pytest.raises(CommandError, match="日期“明天”不是有效的日期"):
        monitor("recompute", "--date", "明天")
    with pytest.raises(CommandError, match="没有找到方案“999”"):
        monitor("recompute", "--plan", "999")


def test_digest_run_returns_what_it_did(mailable, mailoutbox):
    result = digest.run(datetime.date(2025, 1, 10))
    assert len(result.mails) == 3 and result.reminders_recorded >= 2
    assert {u.name for u in result.unreachable} >= {"县民政局", "县住房城乡建设局"}


def test_recompute_stores_verdicts_and_warnings(county):
    out = monitor("recompute", "--plan", str(county["plan"].pk), "--date", "2025-01-20")
    statuses = TargetStatus.objects.filter(target__plan=county["plan"]).count()
    active = Warning.objects.filter(plan=county["plan"], resolved_at__isnull=True).count()
    assert statuses >= county["plan"].targets.count() and active > 0
    assert f"已按 2025年1月20日 重新计算 1 个方案：目标进展 {statuses} 条，当前预警 {active} 条，用时" in out
    assert Warning.objects.filter(plan=county["plan"], kind="overdue", org_unit=county["health"]).exists()
    monitor("recompute")  # every plan, today
