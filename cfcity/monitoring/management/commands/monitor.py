"""cfcity monitor recompute|digest — thin: the work is in cfcity.monitoring.services
(recompute) and cfcity.monitoring.digest (the daily e-mail)."""
import sys

from django.utils import timezone
from tqdm import tqdm

from cfcity.plans import services as plan_services
from cfcity.plans.display import date_text
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.reporting.services import ReportingError, parse_date


class Command(BaseCommand):
    help = "监测预警：重新计算目标进展和预警（recompute），或发送每日提醒邮件（digest）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{recompute,digest}")
        p = sub.add_parser("recompute", help="重新计算各方案的目标进展（监测评估）并刷新预警")
        p.add_argument("--plan", help="只计算这个方案（编号见 cfcity plan list，或文号）；默认全部方案")
        p.add_argument("--date", help="按这一天评估（YYYY-MM-DD），默认今天")
        p = sub.add_parser("digest", help="给各单位发送当天的催报提醒和预警邮件，给协调员发送汇总")
        p.add_argument("--date", help="按这一天发送（YYYY-MM-DD），默认今天")
        p.add_argument("--dry-run", action="store_true", help="只列出将要发送的邮件，不发送、不记录")

    def handle(self, *args, action, **options):
        try:
            self.require_database()
            day = self.day(options.get("date"))
            getattr(self, f"do_{action}")(day=day, **options)
        except (UserError, plan_services.PlanError) as e:
            self.fail(str(e))

    @staticmethod
    def day(text):
        if not text:
            return timezone.localdate()
        try:
            return parse_date(text, "日期")
        except ReportingError as e:
            raise UserError(str(e)) from None

    def do_recompute(self, *, day, plan=None, **_):
        plans = [plan_services.find_plan(plan)] if plan else None
        from cfcity.monitoring import services  # the engine, imported only when needed
        interactive = getattr(self, "_called_from_command_line", False) and sys.stderr.isatty()
        with tqdm(total=1 if plans else None, desc="计算目标进展", unit="个方案", file=sys.stderr,
                  leave=False, disable=not interactive) as bar:
            def progress(done, total):
                bar.total = total
                bar.n = done
                bar.refresh()

            result = services.recompute(plans, as_of=day, progress=progress)
        self.stdout.write(f"已按 {date_text(day)} 重新计算 {result.plans} 个方案：目标进展 {result.statuses} 条，"
                          f"当前预警 {result.warnings} 条，用时 {result.seconds:.1f} 秒。")

    def do_digest(self, *, day, dry_run=False, **_):
        from cfcity.monitoring import digest

        result = digest.run(day, dry_run=dry_run)
        if dry_run:
            for mail in result.mails:
                self.stdout.write(f"— {mail.subject}")
                self.stdout.write(f"  收件人：{'、'.join(mail.recipients)}")
        for mail, error in result.failed:
            self.stderr.write(f"发送失败：{mail.subject}（{'、'.join(mail.recipients)}）：{error}")
        self.stdout.write(result.summary())
        if result.failed:
            self.fail(f"{len(result.failed)} 封邮件发送失败，请检查邮件服务器设置（CFCITY_EMAIL_*）后重新运行；"
                      "已发送的不会重复发送。")
