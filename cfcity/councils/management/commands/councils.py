"""cfcity councils judge [--area 名称] — task (4)'s milestone judged again from the councils
register (who is active changes with time: a council without a meeting for twelve months stops
counting), for scheduling beside `cfcity lifecircle publish`. Thin: the rules are in
cfcity.councils.measures; a coordinator's own judgement is never replaced."""
from cfcity.councils import measures
from cfcity.plans.services import latest_plans
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError


class Command(BaseCommand):
    help = "儿童议事会：按名册重新判断“三级儿童议事会体系基本形成”（judge；协调员已作判断的不覆盖）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{judge}")
        p = sub.add_parser("judge", help="按名册重新判断各县最新方案中关于儿童议事会的节点任务")
        p.add_argument("--area", help="县（市、区）名称；默认每个有行动方案的县")

    def handle(self, *args, action, area=None, **options):
        try:
            self.require_database()
            plans = latest_plans(area)
            if not plans:
                raise UserError(f"没有找到县（市、区）“{area}”的行动方案" if area else "还没有行动方案")
            for plan in plans:
                written = measures.record_register_judgement(plan)
                if written:
                    said = "；".join(f"{j.target.task.number if j.target.task_id else ''}"
                                    f"{j.get_status_display()}" for j in written)
                    self.stdout.write(f"{plan.area.name}：已按名册判断（任务{said}）。")
                else:
                    self.stdout.write(f"{plan.area.name}：没有需要按名册判断的节点任务（或已由协调员判断）。")
        except UserError as e:
            self.fail(str(e))
