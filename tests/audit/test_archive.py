"""Archiving: entries past the retention period go to a gzip JSON-lines file with their
hashes, stay in the database, and the file verifies on its own later."""
import gzip
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cfcity.audit import archive, chain
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def write_at(moment, n, prefix="tests.old"):
    with mock.patch("django.utils.timezone.now", lambda: moment):
        return [log_action(f"{prefix}.{i}", data={"i": i, "说明": "归档测试"}) for i in range(n)]


@pytest.fixture
def aged(db):
    now = timezone.now()
    old = write_at(now - timedelta(days=200), 5)
    recent = write_at(now - timedelta(days=10), 3, "tests.recent")
    return old, recent


def cli(*args):
    from io import StringIO
    out = StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except CommandError as e:
        return e.returncode, str(e)
    return 0, out.getvalue()


def lines(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def rewrite(path, items):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")


def test_archive_round_trip(aged, tmp_path):
    old, recent = aged
    target = tmp_path / "a.jsonl.gz"
    status, out = cli("archive", "-o", str(target))
    assert status == 0 and f"已归档 5 条记录（#{old[0].pk}—#{old[-1].pk}）" in out
    items = lines(target)
    header, rows, footer = items[0], items[1:-1], items[-1]
    assert header["format"] == archive.FORMAT and header["prev_hash"] == chain.GENESIS
    assert [r["id"] for r in rows] == [e.pk for e in old]
    assert [r["entry_hash"] for r in rows] == [e.entry_hash for e in old]
    assert rows[0]["data"] == {"i": 0, "说明": "归档测试"}
    assert footer == {"end": True, "count": 5, "last_hash": old[-1].entry_hash}
    # archived, not deleted: every entry is still there, and the run itself is on record
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in old + recent]).count() == 8
    run = AuditEntry.objects.get(action=archive.ACTION)
    assert run.data["count"] == 5 and run.data["file"] == "a.jsonl.gz" and len(run.data["sha256"]) == 64
    status, out = cli("verify", "--archive", str(target))
    assert status == 0 and "已核验 5 条记录" in out and "接续日志的第一条记录" in out
    assert cli("verify")[0] == 0


def test_the_next_run_continues_where_the_last_stopped(aged, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    old, recent = aged
    first = archive.run()
    assert first.path == tmp_path / "audit-archive" / f"audit-{old[0].pk:08d}-{old[-1].pk:08d}.jsonl.gz"
    assert archive.run().path is None  # nothing new is past the retention period
    status, out = cli("archive")
    assert status == 0 and "没有需要归档的记录" in out
    later = archive.run(now=timezone.now() + timedelta(days=200))
    # the recent ones and the first run's own entry; the chain continues across files
    assert later.count == 4 and later.first_id == recent[0].pk
    header = lines(later.path)[0]
    assert header["prev_hash"] == old[-1].entry_hash
    status, out = cli("verify", "--archive", str(later.path))
    assert status == 0 and "接续前一归档的最后一条" in out


def test_an_existing_file_is_not_overwritten(aged, tmp_path):
    target = tmp_path / "a.jsonl.gz"
    target.write_bytes(b"keep")
    status, message = cli("archive", "-o", str(target))
    assert status == 2 and "不会覆盖" in message and target.read_bytes() == b"keep"
    assert not AuditEntry.objects.filter(action=archive.ACTION).exists()


@pytest.mark.parametrize("damage,expected", [
    ("edit", "内容与其哈希不符"), ("drop_middle", "不衔接"), ("drop_last", "实际核验 4 条"),
    ("no_footer", "文件结尾缺失"), ("truncate", "无法读取"),
])
def test_a_damaged_archive_is_caught(aged, tmp_path, damage, expected):
    old, _ = aged
    target = tmp_path / "a.jsonl.gz"
    archive.run(output=target)
    items = lines(target)
    if damage == "edit":
        items[3]["object_repr"] = "改过的"
    elif damage == "drop_middle":
        del items[3]
    elif damage == "drop_last":
        del items[-2]
    elif damage == "no_footer":
        del items[-1]
    if damage == "truncate":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) - 30])
    else:
        rewrite(target, items)
    status, message = cli("verify", "--archive", str(target))
    assert status == 1 and expected in message, message
    if damage in ("edit", "drop_middle"):
        assert f"记录 #{old[2].pk}" in message or f"记录 #{old[3].pk}" in message


def test_not_an_archive_or_no_file_is_a_usage_error(tmp_path):
    assert cli("verify", "--archive", str(tmp_path / "none.gz"))[0] == 2
    (tmp_path / "x.gz").write_bytes(gzip.compress(b'{"hello": 1}\n'))
    status, message = cli("verify", "--archive", str(tmp_path / "x.gz"))
    assert status == 2 and "不是操作记录归档文件" in message


def test_the_retention_setting_cannot_go_below_six_months(tmp_path):
    env = dict(os.environ, CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT),
               CFCITY_AUDIT_RETENTION_DAYS="90")
    env.pop("CFCITY_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "cfcity", "check"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0 and "CFCITY_AUDIT_RETENTION_DAYS 不能少于 180 天" in proc.stderr


def test_a_longer_retention_keeps_more_out_of_the_archive(aged, settings, tmp_path):
    settings.CFCITY_AUDIT_RETENTION_DAYS = 365
    assert archive.run(output=tmp_path / "a.gz").path is None
