"""cfcity check: what is configured, what is missing, and whether the services answer —
then Django's own system checks (``--deploy`` for the production ones).

Exit status 1 when production settings have a problem or a service does not answer, so an
install script or a deployment pipeline can stop on it."""
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheck

from cfcity.ops import config, health
from cfcity.plans.management.commands._base import pending_migrations


class Command(DjangoCheck):
    help = "检查配置（已设置什么、缺什么）和数据库、缓存、任务队列、磁盘是否可用，再做 Django 的系统检查"

    def handle(self, *app_labels, **options):
        mode = "生产模式" if settings.PRODUCTION else "单机模式（未设置 CFCITY_PRODUCTION）"
        self.stdout.write(f"cfcity 配置检查 — {mode}")
        for name, purpose, value, required in config.summary():
            mark = "必需" if required and settings.PRODUCTION else "    "
            self.stdout.write(f"  {mark} {name:<28} {value}    # {purpose}")
        self.stdout.write(f"  后台任务：{settings.MONITORING_JOB_RUNNER}    日志格式：{settings.LOG_FORMAT}")
        failed = False
        self.stdout.write("服务：")
        checks = health.readiness()["checks"]
        for name, result in checks.items():
            mark = "正常" if result["ok"] else "失败"
            failed |= not result["ok"]
            self.stdout.write(f"  [{mark}] {name:<9} {result['detail']}  ({result['ms']} ms)")
        pending = pending_migrations() if checks["database"]["ok"] else []
        if pending:
            failed = True
            self.stdout.write(f"  [失败] 数据库结构  有 {len(pending)} 个迁移未执行：请运行 cfcity migrate")
        if not settings.WHITENOISE_USE_FINDERS and not settings._PREBUILT_STATIC:
            failed = True
            self.stdout.write(f"  [失败] 静态文件  {settings.STATIC_ROOT} 中没有收集好的静态文件：请运行 cfcity collectstatic")
        if settings.CONFIG_PROBLEMS:
            failed = True
            self.stdout.write("缺少或不安全的配置：")
            for problem in settings.CONFIG_PROBLEMS:
                self.stdout.write(f"  - {problem}")
        super().handle(*app_labels, **options)  # raises on Django's own errors
        if failed:
            raise CommandError("检查未通过：请按上面的提示修改配置或启动相应服务")
        self.stdout.write(self.style.SUCCESS("检查通过"))
