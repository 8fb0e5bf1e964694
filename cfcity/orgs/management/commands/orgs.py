"""cfcity orgs export|import — thin: the work is in cfcity.orgs.excel."""
import sys
from pathlib import Path

from tqdm import tqdm

from cfcity.orgs import excel
from cfcity.orgs.tree import TreeError, find
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError

PROGRESS_FROM_ROWS = 2000   # smaller sheets are read in a blink: no bar


class Command(BaseCommand):
    help = "组织机构（单位树）：导出为 Excel 表格，或从 Excel 表格导入"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        p = sub.add_parser("export", help="把单位树导出为 Excel 表格（.xlsx）")
        p.add_argument("-o", "--output", default="单位.xlsx", help="写入的文件（默认 单位.xlsx）")
        p.add_argument("--root", help="只导出这个单位及其下级（名称，重名时写完整路径，如 淄博市/桓台县）")
        p = sub.add_parser("import", help="从 Excel 表格导入单位：整张表无误才保存")
        p.add_argument("file")
        p.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except excel.OrgSheetError as e:
            self.fail(e.lines())
        except (TreeError, UserError) as e:
            self.fail(str(e))

    def do_export(self, *, output, root=None, **_):
        self.require_database()
        unit = find(root) if root else None
        if not str(output).lower().endswith(".xlsx"):
            raise UserError(f"导出文件名应以 .xlsx 结尾：{output}")
        try:
            n = excel.export_tree(output, root=unit)
        except OSError as e:
            raise UserError(f"无法写入 {output}：{e.strerror or e}") from e
        self.stdout.write(f"已导出 {n} 个单位到 {output}")

    def do_import(self, *, file, dry_run=False, **_):
        self.require_database()
        interactive = getattr(self, "_called_from_command_line", False) and sys.stderr.isatty()

        def progress(rows, total):
            return tqdm(rows, total=total, desc="读取", unit="行", file=sys.stderr, leave=False,
                        disable=not interactive or (total or 0) < PROGRESS_FROM_ROWS)

        result = excel.import_tree(Path(file), dry_run=dry_run, progress=progress)
        self.stdout.write(result.summary())
