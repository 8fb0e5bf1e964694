"""cfcity agenda remind — thin: the work is in cfcity.agenda.remind."""
from django.utils import timezone

from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.reporting.services import ReportingError, parse_date


class Command(BaseCommand):
    help = "工作日程：给用户发送临近或已过期限的事项提醒邮件（remind）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{remind}")
        p = sub.add_parser("remind", help="发送今天到了提醒节点的事项（工作计划、整改、节点目标等），每项每个节点只发一次")
        p.add_argument("--date", help="按这一天发送（YYYY-MM-DD），默认今天")
        p.add_argument("--base-url", default="", help="邮件中链接的网站地址，如 https://etyh.example.gov.cn")
        p.add_argument("--dry-run", action="store_true", help="只列出将要发送的邮件，不发送、不记录")

    def handle(self, *args, action, **options):
        try:
            self.require_database()
            day = timezone.localdate()
            if options.get("date"):
                try:
                    day = parse_date(options["date"], "日期")
                except ReportingError as e:
                    raise UserError(str(e)) from None
            from cfcity.agenda import remind
            result = remind.run(day, base_url=options["base_url"], dry_run=options["dry_run"])
        except UserError as e:
            self.fail(str(e))
        if options["dry_run"]:
            for mail in result.mails:
                self.stdout.write(f"— {mail.subject}（{mail.user.email}）")
        for mail, error in result.failed:
            self.stderr.write(f"发送失败：{mail.subject}（{mail.user.email}）：{error}")
        self.stdout.write(result.summary())
        if result.failed:
            self.fail(f"{len(result.failed)} 封邮件发送失败，请检查邮件服务器设置（CFCITY_EMAIL_*）后重新运行；"
                      "已发送的不会重复发送。")
