"""Readiness checks: can this instance serve? Each check returns (ok, detail) and never raises.

Used by /readyz (a load balancer takes an instance out while it fails) and `cfcity check`."""
from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def database() -> tuple[bool, str]:
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and "memory" not in name and not Path(name).exists():
        # connecting would create an empty file (and the data directory): a check creates nothing
        return False, f"数据库文件 {name} 不存在：请运行 cfcity migrate"
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return True, connection.vendor
    except Exception as e:  # any driver error means "not ready"
        return False, f"{type(e).__name__}: {str(e)[:200]}"


def cache_() -> tuple[bool, str]:
    key = f"cfcity:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        return ok, backend if ok else f"{backend}: 写入后读不到"
    except Exception as e:
        return False, f"{type(e).__name__}: {str(e)[:200]}"


def broker() -> tuple[bool, str]:
    """The Celery broker answers (only when jobs go to Celery; otherwise not needed)."""
    if getattr(settings, "MONITORING_JOB_RUNNER", "") != "celery":
        return True, f"不使用（后台任务：{settings.MONITORING_JOB_RUNNER}）"
    url = settings.BROKER_URL
    if not url:
        return False, "未设置 CFCITY_BROKER_URL"
    try:
        import redis
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return True, "redis"
    except Exception as e:
        return False, f"{type(e).__name__}: {str(e)[:200]}"


def disk() -> tuple[bool, str]:
    """The media directory exists, takes a file, and has room (READY_MIN_FREE_MB)."""
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    try:
        if media.is_dir():
            probe = media / f".readyz-{uuid.uuid4().hex}"
            probe.write_bytes(b"ok")
            probe.unlink()
            where = media
        else:  # not made yet (the first upload makes it): its nearest existing parent must take it
            where = next(p for p in media.parents if p.exists())
            if not where.is_dir() or not os.access(where, os.W_OK | os.X_OK):
                return False, f"{media} 不存在，且无法在 {where} 下创建"
        free_mb = shutil.disk_usage(where).free // (1024 * 1024)
    except OSError as e:
        return False, f"{media}: {e.strerror or e}"
    need = settings.READY_MIN_FREE_MB
    if free_mb < need:
        return False, f"{media}: 剩余 {free_mb} MB，少于 {need} MB"
    return True, f"剩余 {free_mb} MB"


CHECKS = {"database": database, "cache": cache_, "broker": broker, "disk": disk}


def readiness() -> dict:
    """{"status": "ok"|"fail", "checks": {name: {"ok", "detail", "ms"}}}"""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        ok, detail = check()
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"status": "ok" if all(r["ok"] for r in results.values()) else "fail", "checks": results}
