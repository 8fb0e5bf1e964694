"""cfcity report annual|bulletin — the annual monitoring report and the quarterly bulletin
as files, the same ones the coordinator's button makes (``cfcity.monitoring.reports``):

    cfcity report annual --year 2025 [--plan P] --format docx|xlsx|pdf --output FILE
    cfcity report bulletin --year 2025 --quarter 1 [--plan P] --format docx|xlsx --output FILE

The plan defaults to the only one stored; ``--format`` defaults to the output's extension.
Mistakes are one Chinese line on stderr with exit status 2."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.utils import timezone

from cfcity.plans import services as plan_services
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.plans.models import Plan

from ... import reports


def only_plan() -> Plan:
    plans = list(Plan.objects.order_by("pk")[:50])
    if not plans:
        raise UserError("数据库中还没有行动方案，请先用 cfcity plan import 导入。")
    if len(plans) > 1:
        listed = "；".join(f"{p.pk}：{p.title}" for p in plans[:10])
        raise UserError(f"数据库中有 {len(plans)} 个行动方案，请用 --plan 指定其一（方案编号或文号）：{listed}")
    return plans[0]


def check_output(output: str) -> Path:
    """The output path, refused before any work if it cannot be written."""
    path = Path(output).expanduser()
    if path.is_dir():
        raise UserError(f"输出路径是一个目录：{path}，请给出文件名。")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"无法写入 {path}：目录 {parent} 不存在。")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"无法写入 {path}：没有写入权限。")
    return path


def write(path: Path, content: bytes):
    """Write through a temporary file in the same directory: never a half-written report."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"无法写入 {path}：{e.strerror or e}") from e


class Command(BaseCommand):
    help = "生成年度监测报告（annual）或季度进度通报（bulletin）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{annual,bulletin}")
        for kind, text in (("annual", "年度监测报告（docx、xlsx 或 pdf）"), ("bulletin", "季度进度通报（docx 或 xlsx）")):
            p = sub.add_parser(kind, help=text)
            # checked in handle (not by argparse), so that a missing one is told in Chinese too
            p.add_argument("--year", help="年度，如 2025（必填）")
            if kind == "bulletin":
                p.add_argument("--quarter", help="季度：1—4（必填）")
            p.add_argument("--plan", help="方案编号（见 cfcity plan list）或文号；只有一个方案时可省略")
            p.add_argument("--format", help="文件格式：" + "、".join(reports.FORMATS[kind]) + "（默认取输出文件的扩展名）")
            p.add_argument("-o", "--output", help="输出文件（必填）")

    def handle(self, *args, kind, year=None, plan=None, format=None, output=None, quarter=None, **options):
        try:
            if not output:
                raise UserError("请用 --output 指定输出文件，如 --output 报告.docx")
            self.require_database()
            row = plan_services.find_plan(plan) if plan else only_plan()
            fmt = format or Path(output).suffix.lstrip(".")
            params = {"year": year, "format": fmt}
            if kind == "bulletin":
                params["quarter"] = quarter
            checked = reports.check(kind, row, params, timezone.localdate())
            path = check_output(output)

            def progress(percent, message):
                if options.get("verbosity", 1) >= 1:
                    self.stderr.write(f"{percent:3d}% {message}")

            content = reports.build(kind, row, checked, progress=progress)
            write(path, content)
        except (UserError, plan_services.PlanError, reports.ReportError) as e:
            self.fail(str(e))
        self.stdout.write(f"已生成{reports.KINDS[kind]}：{path}（{len(content) / 1024:.0f} KB）")
