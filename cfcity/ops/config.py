"""What a production deployment must configure, as plain functions over the settings.

``problems(settings)`` lists what is missing or unsafe (each a Chinese sentence naming the
variable); ``summary(settings)`` is what `cfcity check` prints. ``enforce()`` is called by
every entry point but `cfcity check` itself: the web tier (wsgi), the Celery worker and beat,
and the other commands refuse to start while a problem stands."""
from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

from cfcity.env import PREFIX

# (variable, what it is for, required in production)
VARIABLES = [
    ("PRODUCTION", "生产模式：缺少必需配置时拒绝启动", False),
    ("SECRET_KEY", "签名密钥（会话、CSRF）", True),
    ("DATABASE_URL", "PostgreSQL 数据库地址", True),
    ("CACHE_URL", "Redis 缓存与会话", True),
    ("BROKER_URL", "Redis 后台任务队列（Celery）", True),
    ("ALLOWED_HOSTS", "网站域名", True),
    ("ENCRYPTION_KEYS", "儿童个人信息加密密钥", True),
    ("CSRF_TRUSTED_ORIGINS", "经反向代理访问时的站点来源", False),
    ("MEDIA_DIR", "上传文件目录（各实例共享）", False),
    ("STATIC_ROOT", "静态文件目录", False),
    ("EMAIL_BACKEND", "邮件发送方式", False),
    ("EMAIL_HOST", "邮件服务器", False),
    ("HTTPS", "仅通过 HTTPS 访问", False),
    ("TRUSTED_PROXY_HOPS", "前置代理层数", False),
    ("METRICS_TOKEN", "/metrics 访问令牌", False),
    ("LOG_FORMAT", "日志格式 json/text", False),
]
SECRETS = {"SECRET_KEY", "ENCRYPTION_KEYS", "METRICS_TOKEN", "DATABASE_URL", "CACHE_URL", "BROKER_URL"}
CHECK_COMMANDS = {"check", "help", "--help", "-h", "version", "--version"}


def is_set(name: str) -> bool:
    return bool(os.environ.get(PREFIX + name) or os.environ.get(PREFIX + name + "_FILE"))


def problems(s: dict) -> list[str]:
    """Everything a production deployment lacks, from the settings module's values ``s``."""
    found = []
    if not is_set("SECRET_KEY"):
        found.append("未设置 CFCITY_SECRET_KEY：生产环境不能使用自动生成在本机的密钥文件（各实例须一致）")
    else:
        key = str(s.get("SECRET_KEY", ""))
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            found.append("CFCITY_SECRET_KEY 太短或太简单：至少 50 个随机字符")
    if s.get("DEBUG"):
        found.append("CFCITY_DEBUG 在生产环境必须关闭")
    engine = s.get("DATABASES", {}).get("default", {}).get("ENGINE", "")
    if not is_set("DATABASE_URL"):
        found.append("未设置 CFCITY_DATABASE_URL（PostgreSQL，如 postgres://cfcity:密码@db:5432/cfcity）")
    elif "postgresql" not in engine:
        found.append(f"CFCITY_DATABASE_URL 应指向 PostgreSQL，现为 {engine}")
    if not s.get("CACHE_URL"):
        found.append("未设置 CFCITY_CACHE_URL（Redis，如 redis://redis:6379/0）：会话须在各实例间共享")
    if not s.get("BROKER_URL"):
        found.append("未设置 CFCITY_BROKER_URL（Redis，如 redis://redis:6379/1）：后台任务须交给 Celery")
    if s.get("MONITORING_JOB_RUNNER") != "celery":
        found.append("生产环境的 CFCITY_JOB_RUNNER 应为 celery：网站进程不保存任务")
    if not is_set("ALLOWED_HOSTS"):
        found.append("未设置 CFCITY_ALLOWED_HOSTS（网站的域名或地址，逗号分隔）")
    elif "*" in s.get("ALLOWED_HOSTS", []):
        found.append("CFCITY_ALLOWED_HOSTS 不能为 *")
    if not is_set("ENCRYPTION_KEYS"):
        found.append("未设置 CFCITY_ENCRYPTION_KEYS：儿童个人信息的密钥不能只存在本机文件里（cfcity keys generate 生成）")
    return found


def enforce(argv: list[str] | None = None) -> None:
    """Refuse to go on while production settings have problems (all but `cfcity check`)."""
    from django.conf import settings
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in CHECK_COMMANDS:
        return
    found = getattr(settings, "CONFIG_PROBLEMS", [])
    if found:
        raise ImproperlyConfigured("生产环境配置不完整，拒绝启动（运行 cfcity check 查看）：\n- " + "\n- ".join(found))


def shown(name: str, value) -> str:
    """A variable's value as `cfcity check` prints it: secrets masked, URLs without passwords."""
    if value in (None, "", []):
        return "（未设置）"
    if name in ("DATABASE_URL", "CACHE_URL", "BROKER_URL"):
        from urllib.parse import urlsplit
        u = urlsplit(str(value))
        host = u.hostname or ""
        return f"{u.scheme}://{host}{':' + str(u.port) if u.port else ''}{u.path}"
    if name in SECRETS:
        return "（已设置，已隐去）"
    return ", ".join(value) if isinstance(value, list) else str(value)


def summary() -> list[tuple[str, str, str, bool]]:
    """(variable, purpose, shown value, required) for every variable, from the environment."""
    from cfcity.env import envstr
    rows = []
    for name, purpose, required in VARIABLES:
        raw = envstr(name) if is_set(name) else None
        rows.append((PREFIX + name, purpose, shown(name, raw), required))
    return rows
