"""cfcity periods PLAN [--kind year|half|quarter] [--years 2024 2025]: set a plan up for
reporting — its periods, and the assignments of its lead and co-operating departments."""
from cfcity.plans import services as plan_services
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.reporting import services


class Command(BaseCommand):
    help = "为行动方案生成填报周期（年度、半年或季度）并按牵头、配合部门分配任务"

    def add_arguments(self, parser):
        parser.add_argument("plan", help="方案编号（见 cfcity plan list）或文号")
        parser.add_argument("--kind", default="year", choices=["year", "half", "quarter"])
        parser.add_argument("--years", type=int, nargs="*", help="只为这些年份生成（默认：方案实施期限内每一年）")

    def handle(self, *, plan, kind, years, **options):
        try:
            self.require_database()
            row = plan_services.find_plan(plan)
            created, assigned = services.set_up_periods(row, kind, years or None)
        except (UserError, plan_services.PlanError, services.ReportingError) as e:
            self.fail(str(e))
        self.stdout.write(f"{row.title}：新增填报周期 {len(created)} 个"
                          f"{'（' + '、'.join(p.label for p in created) + '）' if created else ''}，"
                          f"新增任务分工 {assigned} 条。")
