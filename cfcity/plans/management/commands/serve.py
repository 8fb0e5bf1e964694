"""cfcity serve: prepare everything a fresh clone needs, then run gunicorn.

Creates the data directory, migrates, collects static files, loads the shipped reference
plan into an empty database, creates the first administrator (printing the password once),
then replaces itself with gunicorn serving ``cfcity.wsgi:application``.
"""
import os
import secrets
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cfcity.data import REFERENCE_PLAN
from cfcity.plans import importer, services
from cfcity.plans.models import Plan

from ._base import Command as BaseCommand

ADMIN_USERNAME = "admin"


def create_first_admin() -> str | None:
    """Create the superuser ``admin`` when there is no user at all; return its password."""
    User = get_user_model()
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    admin = User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
    from cfcity.accounts.models import Profile
    Profile.objects.create(user=admin, must_change_password=True)  # printed once: change it
    return password


def load_reference_plan() -> Plan | None:
    """The shipped plan, ready to report on: yearly periods and its departments' assignments."""
    if Plan.objects.exists():
        return None
    from cfcity.reporting import services as reporting

    plan = services.store_plan(importer.parse_file(REFERENCE_PLAN))
    reporting.create_periods(plan, "year")
    reporting.sync_assignments(plan)
    return plan


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [sys.executable, "-m", "gunicorn", "cfcity.wsgi:application",
            "--bind", bind, "--workers", str(workers),
            "--access-logfile", "-", "--error-logfile", "-",
            "--logger-class", "cfcity.gunicorn_logging.ScrubbedLogger",
            "--forwarded-allow-ips", "127.0.0.1", "--no-control-socket"]


class Command(BaseCommand):
    help = "初始化数据库并启动网站（gunicorn）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-exec", action="store_true",
                            help="只做准备工作，不启动网站（用于检查和测试）")

    def handle(self, *, host, port, workers, no_exec=False, **options):
        if not 0 < port < 65536:
            self.fail(f"端口 {port} 无效，应在 1—65535 之间")
        if workers < 1:
            self.fail("--workers 至少为 1")
        data_dir = settings.DATA_DIR
        data_dir.mkdir(parents=True, exist_ok=True)
        str(settings.SECRET_KEY)  # create the key file now, before several workers race for it
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            plan = load_reference_plan()
        except importer.PlanDocumentError as e:  # the site still starts, without the plan
            self.stderr.write(f"默认方案导入失败：{e}")
            plan = None
        if plan is not None:
            self.stdout.write(f"已导入默认方案：{plan.title}（{plan.doc_number}）")
        password = create_first_admin()
        if password:
            self.stdout.write(f"管理员账号：{ADMIN_USERNAME}  初始密码：{password}（只显示这一次，请登录后修改）")
        self.stdout.write(f"数据目录：{data_dir}")
        self.stdout.write(f"网站地址：http://{host}:{port}/    后台管理：http://{host}:{port}/admin/")
        if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS \
                and host not in ("0.0.0.0", "::"):
            self.stdout.write(f"提示：{host} 不在 CFCITY_ALLOWED_HOSTS 中，网站会拒绝以此地址访问的请求。")
        if host in ("0.0.0.0", "::"):
            self.stdout.write("提示：请把访问本站所用的域名或 IP 加入 CFCITY_ALLOWED_HOSTS（用逗号分隔）。")
        self.stdout.write("按 Ctrl+C 停止。")
        self.stdout.flush()
        sys.stdout.flush()
        if no_exec:
            return
        env = dict(os.environ, CFCITY_DATA_DIR=str(data_dir),
                   DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "cfcity.settings"))
        argv = gunicorn_argv(host, port, workers)
        os.execve(argv[0], argv, env)
