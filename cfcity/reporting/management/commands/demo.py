"""cfcity demo [--seed N] [--force]: fill an empty database with a synthetic county to look
around in (演示数据，非真实). Thin: the work is in ``cfcity.reporting.demo``."""
import unicodedata

from django.core.management import call_command
from tqdm import tqdm

from cfcity.plans import importer
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.reporting import demo


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[list[str]]) -> list[str]:
    """Columns aligned for a terminal, Chinese characters counted as two wide."""
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths)).rstrip()
            for row in rows]


class Command(BaseCommand):
    help = "生成演示数据（演示数据，非真实）：默认方案、镇街村居、各角色用户、三年的填报与审核记录"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1,
                            help="随机种子：同一种子生成同样的数据（密码总是随机的），默认 1")
        parser.add_argument("--force", action="store_true",
                            help="数据库中已有用户（如 make run 创建的 admin）但只含默认方案时，仍然生成")

    def handle(self, *, seed, force, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            reference = demo.reference_plan_parsed()
            plan = demo.check_database(force=force, reference=reference)
        except (demo.DemoError, importer.PlanDocumentError) as e:
            self.fail(str(e))
        with tqdm(total=demo.steps(reference), desc="生成演示数据", unit="步", leave=False,
                  disable=None) as bar:
            result = demo.build(seed=seed, reference=reference, plan=plan, progress=bar)
        for line in demo.summary(result):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("演示账号（密码只显示这一次；演示账号登录后无须修改密码）：")
        rows = [["用户名", "姓名", "单位", "角色", "密码"]]
        rows += [[u.username, u.name, u.unit, u.role, u.password] for u in result.users]
        lines = table(rows)
        lines.insert(1, "-" * width(lines[0]))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("启动网站：cfcity serve（或 make run），用上表中的账号登录。")
