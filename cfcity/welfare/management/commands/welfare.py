"""cfcity welfare retention [--apply] | publish — the register's scheduled work. Thin: the
rules are in cfcity.welfare.services (retention) and cfcity.welfare.measures (figures)."""
from django.utils import timezone

from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.reporting.services import ReportingError, parse_date
from cfcity.welfare import measures, services


class Command(BaseCommand):
    help = "困境儿童台账：留存期满记录的审查与匿名化（retention），把台账和名册数据写入监测（publish）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{retention,publish}")
        p = sub.add_parser("retention", help="列出销档已满留存年限、应匿名化的记录；加 --apply 执行匿名化")
        p.add_argument("--apply", action="store_true", help="对列出的记录执行匿名化（不可恢复）")
        p.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天")
        p = sub.add_parser("publish", help="按台账和名册重新计算儿童督导员、儿童主任配备及救助到位等指标")
        p.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, action, **options):
        try:
            self.require_database()
            day = timezone.localdate()
            if options.get("date"):
                try:
                    day = parse_date(options["date"], "日期")
                except ReportingError as e:
                    raise UserError(str(e)) from None
            getattr(self, f"do_{action}")(day=day, **options)
        except UserError as e:
            self.fail(str(e))

    def do_retention(self, *, day, apply=False, **_):
        years = services.conf("retention_years")
        due = list(services.due_for_anonymisation(day).select_related("town", "village").order_by("closed_on", "pk"))
        if not due:
            self.stdout.write(f"没有销档满 {years} 年、需要匿名化的记录。")
            return
        self.stdout.write(f"销档满 {years} 年、应匿名化的记录 {len(due)} 条：")
        for c in due:  # the record number only: this output may end up in a log
            self.stdout.write(f"  记录 #{c.pk}  {c.town.name}/{c.village.name}  销档日期 {c.closed_on:%Y-%m-%d}")
        if not apply:
            self.stdout.write("以上记录尚未处理；核对后加 --apply 执行匿名化（姓名、身份证号码等身份信息将永久删除，"
                              "统计所需的镇村、类别、性别、出生年份保留）。")
            return
        for c in due:
            services.anonymise(c)
        self.stdout.write(f"已匿名化 {len(due)} 条记录。")

    def do_publish(self, *, day, **_):
        n = measures.publish(as_of=day)
        self.stdout.write(f"已按台账和名册更新 {n} 项监测数据（{day:%Y-%m-%d}）。")
