"""cfcity backup create|verify|restore FILE — thin: the work is in cfcity.backup.services."""
import sys

from django.db import DatabaseError
from tqdm import tqdm

from cfcity.backup import BackupError, database, services
from cfcity.plans.management.commands._base import Command as BaseCommand


def size_text(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def contents(manifest: dict) -> str:
    tables = manifest["tables"]
    return (f"{database.ENGINE_NAMES[manifest['engine']]} 数据库 {len(tables)} 张表 {sum(tables.values()):,} 行，"
            f"上传文件 {manifest['media']['files']:,} 个（{size_text(manifest['media']['bytes'])}）")


class Command(BaseCommand):
    help = "备份与恢复：把数据库和上传文件写入一个加密的备份文件，或从备份文件恢复"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,verify,restore}")
        p = sub.add_parser("create", help="备份：数据库的一致快照和全部上传文件，加密写入 FILE")
        p.add_argument("file", metavar="FILE")
        p.add_argument("--quiet", action="store_true", help="不显示进度和摘要")
        p = sub.add_parser("verify", help="只校验备份文件（解密、核对清单和数据库结构），不改动任何数据")
        p.add_argument("file", metavar="FILE")
        p.add_argument("--quiet", action="store_true", help="不显示进度")
        p = sub.add_parser("restore", help="恢复：先完整校验，再替换当前数据库和上传文件")
        p.add_argument("file", metavar="FILE")
        p.add_argument("--yes", "--noinput", dest="yes", action="store_true", help="不询问，直接恢复")
        p.add_argument("--quiet", action="store_true", help="不显示进度和摘要")

    def handle(self, *args, action, file, quiet=False, **options):
        self.quiet = quiet
        try:
            getattr(self, f"do_{action}")(file, **options)
        except BackupError as e:
            self.fail(str(e))
        except OSError as e:
            self.fail(f"{getattr(e, 'filename', None) or file}：{e.strerror or e}")
        except DatabaseError as e:
            self.fail(f"无法读写数据库：{str(e).strip().splitlines()[0] if str(e).strip() else e!r}")

    def progress(self, total, desc):
        interactive = getattr(self, "_called_from_command_line", False) and sys.stderr.isatty()
        return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                    file=sys.stderr, leave=False, disable=self.quiet or not interactive)

    def say(self, line=""):
        if not self.quiet:
            self.stdout.write(line)

    def do_create(self, file, **_):
        r = services.create(file, progress=self.progress)
        self.say(f"已备份到 {r.path}（{size_text(r.size)}，用时 {r.seconds:.1f} 秒）")
        self.say(f"  内容：{contents(r.manifest)}")
        self.say(f"  SHA-256：{r.sha256}")
        key_line = (f"备份已用 AES-256-GCM 加密，密钥在{r.key.where}"
                    f"{'（本次新生成）' if r.key.created else ''}。没有这个密钥，备份文件无法恢复、毫无用处："
                    "请把密钥另行妥善保存（不要与备份文件放在一起），丢失密钥就等于丢失全部备份。")
        if r.key.created or not self.quiet:  # a new key is said even with --quiet
            self.stdout.write(key_line)

    def do_verify(self, file, **_):
        with services.unpacked(file, progress=self.progress) as u:
            self.say(f"备份文件 {file} 校验通过：{u.manifest['created_at'][:19].replace('T', ' ')} 创建，"
                     f"{contents(u.manifest)}，与当前程序的数据库结构一致。")

    def do_restore(self, file, *, yes=False, **_):
        with services.unpacked(file, progress=self.progress) as u:
            self.say(f"备份文件 {file} 校验通过：{u.manifest['created_at'][:19].replace('T', ' ')} 创建，"
                     f"{contents(u.manifest)}。")
            if not yes:
                self.confirm()
            result = services.restore(u, source=str(file))
        self.say(f"已恢复：{contents(u.manifest)}。")
        if result["differ"]:
            self.stdout.write("注意：恢复后这些表的行数与备份清单不同（恢复期间是否有人在写入？）："
                              + "、".join(result["differ"][:10]))

    def confirm(self):
        media = services.media_root()
        if not sys.stdin.isatty():
            raise BackupError("恢复会替换当前全部数据，需要确认：请在终端中运行，或加 --yes（--noinput）")
        self.stdout.write(f"恢复将用备份替换当前数据库的全部数据和上传文件目录 {media}，当前的数据将无法找回。"
                          "请先停止网站服务。")
        answer = input("确认恢复请输入 yes：").strip().lower()
        if answer != "yes":
            raise BackupError("已取消，没有改动任何数据")
