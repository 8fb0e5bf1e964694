"""A report asked for while no worker runs waits in Redis, and a real Celery worker makes it;
the request id that queued it is in the worker's log line. Real processes, real broker."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CFCITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

ASK_FOR_REPORT = """
from cfcity.accounts import services as accounts
from cfcity.data import REFERENCE_PLAN
from cfcity.monitoring import jobs
from cfcity.ops import requestid
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer, services
from cfcity.reporting import services as reporting
plan = services.store_plan(importer.parse_file(REFERENCE_PLAN))
reporting.create_periods(plan, "year")
user, _ = accounts.create_user("xietiaoyuan", "协调员", plan.area, "coordinator", actor=None)
requestid.set("rid-celery-test-0001")
job = jobs.start("annual", {"year": "2024", "format": "xlsx"}, plan, user)
print(job.pk, job.status)
"""


def redis_or_skip():
    import redis
    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
        client.ping()
        return client
    except Exception:
        pytest.skip(f"Redis 不可用（{BROKER}）：跳过 Celery 真实进程测试 — Redis not reachable")


def job_row(db: Path, pk: int):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status, error, file FROM monitoring_job WHERE id = ?", (pk,)).fetchone()


def test_report_waits_in_the_queue_until_a_worker_makes_it(tmp_path, migrated_sqlite):
    client = redis_or_skip()
    client.flushdb()
    db = fresh_database(migrated_sqlite, tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    env.update(CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT), CFCITY_JOB_RUNNER="celery",
               CFCITY_BROKER_URL=BROKER, CFCITY_LOG_FORMAT="json", CFCITY_LOG_LEVEL="INFO")
    asked = subprocess.run([sys.executable, "-m", "cfcity", "shell", "-c", ASK_FOR_REPORT], env=env,
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    pk, status = asked.stdout.split()[-2:]
    assert status == "queued" and job_row(db, int(pk))[0] == "queued"
    assert client.llen("cfcity") == 1  # in the broker, not in a thread of a process that has gone

    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "cfcity", "worker", "--pool", "solo",
                                   "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and job_row(db, int(pk))[0] not in ("done", "failed"):
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
        status, error, stored = job_row(db, int(pk))
        assert status == "done", (error, log.read_text()[-3000:])
        assert (tmp_path / "var" / "media" / stored).stat().st_size > 0
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    done = [line for line in lines if line["message"] == f"report job {pk} done"]
    assert done and done[0]["request_id"] == "rid-celery-test-0001"
    assert client.llen("cfcity") == 0
