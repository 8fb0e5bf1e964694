"""cfcity audit verify|archive — thin: the chain is checked in cfcity.audit.integrity and
cfcity.audit.archive.

Exit status: 0 the log (or archive) is intact; 1 it is not (the first bad entry is named on
stderr); 2 a usage error (a missing file, a wrong anchor)."""
import sys
from pathlib import Path

from django.db import connection
from tqdm import tqdm

from cfcity.audit import archive, integrity, triggers
from cfcity.audit.models import AuditEntry
from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError

EXIT_BROKEN = 1


class Command(BaseCommand):
    help = "操作记录（审计日志）：核验哈希链是否完整（verify），或归档超过留存期的记录（archive）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{verify,archive}")
        p = sub.add_parser("verify", help="逐条核验操作记录的哈希链；完整时退出码 0，否则指出第一条有问题的记录")
        p.add_argument("--archive", metavar="FILE", help="核验一个归档文件（.jsonl.gz），而不是数据库")
        p.add_argument("--anchor", metavar="ID:HASH",
                       help="以前核验时记下的链尾（“记录编号:哈希”），核验它仍在日志中且未变，日志末尾没有被截断")
        p = sub.add_parser("archive", help="把超过留存期（CFCITY_AUDIT_RETENTION_DAYS，默认 180 天）的记录写入归档文件；"
                                           "数据库中的记录保留不删")
        p.add_argument("-o", "--output", metavar="FILE", help="归档文件路径，默认 <数据目录>/audit-archive/")

    def handle(self, *args, action, **options):
        try:
            if not options.get("archive"):
                self.require_database()
            getattr(self, f"do_{action}")(**options)
        except (UserError, archive.ArchiveError) as e:
            self.fail(str(e))

    def bar(self, total, desc):
        interactive = getattr(self, "_called_from_command_line", False) and sys.stderr.isatty()
        return tqdm(total=total, desc=desc, unit="条", file=sys.stderr, leave=False, disable=not interactive)

    def broken(self, message):
        if getattr(self, "_called_from_command_line", False):
            self.stderr.write(message)
            sys.exit(EXIT_BROKEN)
        from django.core.management.base import CommandError
        raise CommandError(message, returncode=EXIT_BROKEN)

    def do_verify(self, *, archive=None, anchor=None, **_):
        if archive:
            return self.verify_archive(Path(archive))
        try:
            anchor = integrity.parse_anchor(anchor) if anchor else None
        except ValueError as e:
            raise UserError(str(e)) from None
        if triggers.installed(connection) is False:
            self.stderr.write("警告：数据库中阻止修改、删除操作记录的触发器缺失（迁移重建了表？），"
                              "请按 docs/security.md（审计日志）重新安装。")
        with self.bar(AuditEntry.objects.count(), "核验操作记录") as bar:
            result = integrity.verify_database(anchor=anchor, on_row=bar.update)
        if not result.ok:
            self.broken(f"操作记录已被改动：已核验 {result.checked} 条完好的记录，问题出在{result.problem}")
        if not result.checked:
            self.stdout.write("操作记录为空：已核验 0 条记录。")
            return
        self.stdout.write(f"操作记录完整：已核验 {result.checked} 条记录（#{result.first_id}—#{result.last_id}）"
                          + ("，锚点记录仍在且未变。" if anchor else "。"))
        self.stdout.write(f"链尾（请另行保存，日后用 --anchor 核验日志未被截断）：{result.last_id}:{result.last_hash}")

    def verify_archive(self, path):
        if not path.is_file():
            raise UserError(f"找不到文件：{path}")
        with self.bar(None, "核验归档文件") as bar:
            header, result = archive.verify_file(path, on_row=bar.update)
        if not result.ok:
            self.broken(f"归档文件 {path.name} 已被改动：已核验 {result.checked} 条完好的记录，问题出在{result.problem}")
        start = ("日志的第一条记录" if header.get("prev_hash") == archive.chain.GENESIS
                 else f"前一归档的最后一条（哈希 {header.get('prev_hash', '')[:12]}…）")
        self.stdout.write(f"归档文件 {path.name} 完整：已核验 {result.checked} 条记录"
                          f"（#{result.first_id}—#{result.last_id}），接续{start}。")

    def do_archive(self, *, output=None, **_):
        rows, cutoff = archive.pending()
        with self.bar(rows.count(), "归档操作记录") as bar:
            done = archive.run(output=Path(output) if output else None, progress=bar.update)
        if done.path is None:
            self.stdout.write(f"没有需要归档的记录（{cutoff.astimezone():%Y-%m-%d} 以前的记录均已归档）。")
            return
        self.stdout.write(f"已归档 {done.count} 条记录（#{done.first_id}—#{done.last_id}）到 {done.path}\n"
                          f"SHA-256：{done.sha256}\n数据库中的记录保留不删；本次归档已记入操作记录。")
