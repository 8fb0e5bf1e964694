"""cfcity plan parse|import|export|list — thin: the work is in importer and services."""
from pathlib import Path

from django.db.models import Count

from cfcity.plans import importer, services
from cfcity.plans.display import period_text
from cfcity.plans.models import Plan

from ._base import Command as BaseCommand
from ._base import UserError

FORMATS = {"json": importer.to_json, "yaml": importer.to_yaml}


def summary_lines(plan: importer.Plan) -> list[str]:
    """A short Chinese summary of a parsed plan, for the terminal."""
    leads = plan.lead_departments()
    all_units = {n for t in plan.tasks() for n in (*t.lead_departments, *t.cooperating_departments)}
    coop_only = len(all_units - set(leads))
    out = [f"《{plan.title or '（未识别出标题）'}》"]
    meta = [f"发文单位：{plan.issuer}" if plan.issuer else "",
            f"文号：{plan.doc_number}" if plan.doc_number else "",
            f"日期：{plan.date}" if plan.date else "",
            f"实施期限：{period_text(plan.period.start, plan.period.end)}"
            if plan.period.start or plan.period.end else ""]
    if any(meta):
        out.append("  ".join(m for m in meta if m))
    counts = (f"领域 {len(plan.domains)} 个，行动 {len(plan.actions())} 项，任务 {len(plan.tasks())} 项，"
              f"目标 {len(plan.all_targets())} 个，牵头部门 {len(leads)} 个")
    if coop_only:
        counts += f"（另有配合部门 {coop_only} 个）"
    out.append(counts)
    if plan.targets:
        out.append(f"其中方案级指标（未对应到任务）{len(plan.targets)} 个")
    if plan.declared:
        names = {"domains": "个领域", "actions": "项行动", "tasks": "项任务"}
        out.append("文件声明：" + "、".join(f"{n} {names.get(k, k)}" for k, n in plan.declared.items()))
    if plan.warnings:
        out.append(f"提示 {len(plan.warnings)} 条：")
        out += [f"  {'第%d行' % w.line if w.line else '全文'}：{w.message}" for w in plan.warnings]
    else:
        out.append("没有提示。")
    return out


class Command(BaseCommand):
    help = "行动方案：解析、导入、导出、列出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{parse,import,export,list}")
        p = sub.add_parser("parse", help="解析方案文件并显示结果（不写数据库）")
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help="输出完整的 JSON")
        p = sub.add_parser("import", help="导入方案文件（.docx/.pdf/.txt/.md，或导出的 .json/.yaml）")
        p.add_argument("file")
        p.add_argument("--replace", action="store_true", help="替换已导入的同一文号（或同一标题）的方案")
        p = sub.add_parser("export", help="导出方案为 YAML 或 JSON，便于人工校对后重新导入")
        p.add_argument("plan", help="方案编号（见 plan list）或文号")
        p.add_argument("--format", choices=sorted(FORMATS), default="yaml")
        p.add_argument("-o", "--output", help="写入文件（默认输出到屏幕）")
        sub.add_parser("list", help="列出已导入的方案")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except (importer.PlanDocumentError, services.PlanError, UserError) as e:
            self.fail(str(e))

    def do_parse(self, *, file, json=False, **_):
        plan = importer.parse_file(file)
        if json:
            self.stdout.write(importer.to_json(plan))
        else:
            self.stdout.write("\n".join(summary_lines(plan)))

    def do_import(self, *, file, replace=False, **_):
        plan = importer.parse_file(file)
        self.require_database()
        row = services.store_plan(plan, replace=replace)
        self.stdout.write(f"已导入方案（编号 {row.pk}）")
        self.stdout.write("\n".join(summary_lines(plan)))

    def do_export(self, *, plan, format="yaml", output=None, **_):
        self.require_database()
        text = FORMATS[format](services.plan_to_importer(services.find_plan(plan)))
        if not text.endswith("\n"):
            text += "\n"
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as e:
                raise UserError(f"无法写入 {output}：{e.strerror}") from e
            self.stdout.write(f"已导出到 {output}")
        else:
            self.stdout.write(text, ending="")

    def do_list(self, **_):
        self.require_database()
        plans = list(Plan.objects.order_by("pk").annotate(n_tasks=Count("tasks")))
        if not plans:
            self.stdout.write("还没有导入方案。可用 cfcity plan import 文件 导入。")
            return
        self.stdout.write("编号\t文号\t标题\t任务数")
        for p in plans:
            self.stdout.write(f"{p.pk}\t{p.doc_number or '—'}\t{p.title}\t{p.n_tasks}")
