"""cfcity keys generate|status|rotate — the keys of children's personal records. Thin: the
work is in cfcity.welfare.crypto (keys) and cfcity.welfare.rotation (re-encryption)."""
import sys

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from tqdm import tqdm

from cfcity.plans.management.commands._base import Command as BaseCommand
from cfcity.plans.management.commands._base import UserError
from cfcity.welfare import crypto, keys, rotation

CIPHER_NAMES = {v: k for k, v in crypto.CIPHERS.items()}


class Command(BaseCommand):
    help = "个人信息加密密钥：生成新密钥（generate）、查看各密钥加密的数据量（status）、轮换密钥（rotate）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{generate,status,rotate}")
        p = sub.add_parser("generate", help="生成一个新密钥，输出一行“密钥编号:密钥”，由运维人员放到 "
                                            "CFCITY_ENCRYPTION_KEYS 的第一行")
        p.add_argument("--id", dest="kid", help="密钥编号（字母、数字、-、_），默认 k+今天的日期")
        sub.add_parser("status", help="各密钥、各算法加密的数据条数，以及尚未轮换到当前密钥的条数")
        p = sub.add_parser("rotate", help="把全部加密数据和身份证号码索引改用当前密钥和算法；中断后再次运行即从断点继续")
        p.add_argument("--batch", type=int, default=200, help="每批处理的记录数（每批一个事务），默认 200")
        p.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的数量，不写入")
        p.add_argument("--background", action="store_true",
                       help="交给后台任务（Celery）执行：各 worker 须已配置同一组新密钥；用 cfcity keys status 查看进度")

    def handle(self, *args, action, **options):
        try:
            if action != "generate":
                self.require_database()
            getattr(self, f"do_{action}")(**options)
        except (UserError, rotation.RotationError) as e:
            self.fail(str(e))
        except ImproperlyConfigured as e:
            self.fail(str(e))
        except crypto.DecryptionError as e:
            self.fail(f"有数据无法解密，已停止（已完成的批次已保存，可修正后再次运行继续）：{e}")

    def do_generate(self, *, kid=None, **_):
        kid = kid or f"k{timezone.localdate():%Y%m%d}"
        if not crypto._KID.match(kid):
            raise UserError("密钥编号只能含字母、数字、-、_，不超过 32 个字符")
        # the key alone on stdout (for a pipe into a secret store); advice on stderr
        self.stdout.write(crypto.new_key_line(kid))
        self.stderr.write("请把这一行放到 CFCITY_ENCRYPTION_KEYS 的第一行（原有密钥保留在其后），重启网站，"
                          "再运行 cfcity keys rotate。密钥请另行安全备份，丢失则加密数据无法恢复。")

    def do_status(self, **_):
        ring = keys.ring()
        c = rotation.census(ring)
        self.stdout.write(f"当前密钥：{ring.active_id}  算法：{ring.cipher}  密钥配置中共 {len(ring.keys)} 个密钥")
        rows = sorted(set(c.values) | set(c.hashes))
        have = {k for k, _ in ring.keys}
        for alg, kid in rows:
            note = "（当前）" if (alg, kid) == (ring.alg, ring.active_id) else (
                "（缺少此密钥！）" if kid not in have else "")
            self.stdout.write(f"  {kid:<12} {CIPHER_NAMES.get(alg, alg):<12} 加密值 {c.values[(alg, kid)]:>7} 条  "
                              f"身份证号码索引 {c.hashes[(alg, kid)]:>6} 条{note}")
        if c.plain:
            self.stdout.write(f"  未加密的值 {c.plain} 条")
        if c.stale:
            self.stdout.write(f"尚有 {c.stale} 条未使用当前密钥和算法，请运行 cfcity keys rotate。")
        else:
            self.stdout.write("全部数据已使用当前密钥和算法。")
        gone = rotation.missing_keys(ring, c)
        if gone:
            self.stdout.write(f"警告：密钥 {'、'.join(gone)} 不在密钥配置中，由它加密的数据无法解密。")

    def do_rotate(self, *, batch, dry_run=False, background=False, **_):
        if batch < 1:
            raise UserError("--batch 应为正整数")
        if background:
            from cfcity.ops import background as jobs

            from cfcity.welfare import tasks
            if not jobs.queued():
                raise UserError("--background 需要 Celery（CFCITY_JOB_RUNNER=celery 和 CFCITY_BROKER_URL）")
            tasks.rotate_keys.delay()
            self.stdout.write("已交给后台任务队列：由 worker 分批重新加密（中断后会从断点继续）；"
                              "用 cfcity keys status 查看尚未轮换的条数")
            return
        ring = keys.ring()
        interactive = getattr(self, "_called_from_command_line", False) and sys.stderr.isatty()
        with tqdm(desc="重新加密", unit="条", file=sys.stderr, leave=False, disable=not interactive) as bar:
            out = rotation.rotate(ring, batch_size=batch, dry_run=dry_run, progress=bar)
        total = out.changed + out.rehashed
        if dry_run:
            self.stdout.write(f"（试运行，未写入）需改用密钥 {ring.active_id}（{ring.cipher}）："
                              f"加密值 {out.changed} 条，身份证号码索引 {out.rehashed} 条。")
            return
        again = "（从上次中断处继续）" if out.resumed else ""
        self.stdout.write(f"密钥轮换完成{again}：当前密钥 {ring.active_id}（{ring.cipher}），本次重新加密 "
                          f"{out.changed} 条、重算身份证号码索引 {out.rehashed} 条，共 {total} 条。")
        self.stdout.write("确认无误后，可从 CFCITY_ENCRYPTION_KEYS 中移除旧密钥（cfcity keys status 应显示全部为当前密钥）。")
