"""`cfcity backup create|verify|restore`: backup → wipe → restore gives back every row of
every table and every uploaded file byte for byte (on SQLite and, with CFCITY_DATABASE_URL,
on PostgreSQL through pg_dump/pg_restore against the test database); a wrong key, a cut,
edited or forged archive, a foreign schema, no confirmation: refused, nothing changed."""
import base64
import hashlib
import io
import json
import os
import stat
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from cfcity.audit.models import AuditEntry
from cfcity.backup import database, stream
from cfcity.reporting import workflow
from cfcity.reporting.models import Evidence, Report
from tests.test_reporting import PDF, PNG, county  # noqa: F401  (county: the fixture)

# restore copies into the live database: no test transaction may be open around it
pytestmark = pytest.mark.django_db(transaction=True)

KEY = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.fixture
def site(tmp_path, settings, monkeypatch):
    """A data directory and a media directory of the test's own; the key in the environment."""
    data = tmp_path / "data"
    settings.DATA_DIR = data
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": data / "media"}}}
    monkeypatch.setenv("CFCITY_BACKUP_KEY", KEY)
    monkeypatch.delenv("CFCITY_BACKUP_KEY_FILE", raising=False)
    return data


@pytest.fixture
def filled(site, county):
    """Reports taken through the real workflow, with evidence files: one accepted, one draft."""
    c = county
    target = c["task"].targets.get()
    report = workflow.open_report(c["task"], c["health"], c["period"], user=c["reporter"])
    report = workflow.save_report(report, user=c["reporter"], version=report.version, stage="in_progress",
                                  narrative="新建普惠托育机构两家，新增托位 120 个。", values={target.pk: "3.2"})
    workflow.add_evidence(report, user=c["reporter"], name="托育机构名单.pdf", data=PDF)
    workflow.add_evidence(report, user=c["reporter"], name="现场照片.png", data=PNG + os.urandom(5000))
    report = workflow.submit(report, user=c["reporter"])
    report = workflow.approve(report, user=c["approver"])
    workflow.accept(report, user=c["coordinator"], comment="同意采纳")
    earlier = c["plan"].periods.get(kind="year", year=2023)
    draft = workflow.open_report(c["task"], c["health"], earlier, user=c["reporter"])
    workflow.save_report(draft, user=c["reporter"], version=draft.version, narrative="起步阶段",
                         values={target.pk: "2.4"})
    workflow.add_evidence(draft, user=c["reporter"], name="方案.pdf", data=PDF + b"\n% 2023")
    assert Evidence.objects.count() == 3 and Report.objects.count() == 2
    return site


def tables() -> dict[str, list]:
    """Every row of every table, in a stable order."""
    out = {}
    with connection.cursor() as cur:
        for name in sorted(connection.introspection.table_names()):
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            out[name] = sorted((tuple(row) for row in cur.fetchall()), key=repr)
    return out


def files(site) -> dict[str, bytes]:
    root = site / "media"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def backup(*args) -> str:
    out = StringIO()
    call_command("backup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def state(site):
    return tables(), files(site)


def wipe(site):
    """What a disaster leaves: every table emptied (Django's flush), a stray row, no files."""
    call_command("flush", interactive=False, verbosity=0)
    from django.contrib.auth.models import User
    User.objects.create_user("intruder", password="x")
    for p in sorted((site / "media").rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    (site / "media" / "stray.txt").write_bytes(b"not in the backup")


def audit_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_app_config("audit").get_models()}


def test_backup_wipe_restore_gives_identical_data(filled, tmp_path):
    before_rows, before_files = state(filled)
    assert len(before_files) == 3 and sum(map(len, before_rows.values())) > 100
    archive = tmp_path / "备份" / "cfcity-2025.cfbak"
    archive.parent.mkdir()
    out = backup("create", str(archive))
    assert "已备份到" in out and "CFCITY_BACKUP_KEY" in out and "没有这个密钥，备份文件无法恢复" in out
    assert KEY not in out and KEY not in json.dumps(list(AuditEntry.objects.values("data")), ensure_ascii=False)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert AuditEntry.objects.filter(action="backup.created").count() == 1
    raw = archive.read_bytes()
    assert PDF not in raw and "新建普惠托育机构".encode() not in raw  # encrypted

    wipe(filled)
    assert state(filled) != (before_rows, before_files)

    out = backup("restore", str(archive), "--yes")
    assert "校验通过" in out and "已恢复" in out and "注意" not in out
    after_rows, after_files = state(filled)
    assert after_files == before_files  # byte for byte, and the stray file is gone
    assert after_rows.keys() == before_rows.keys()
    for name in before_rows:
        if name not in audit_tables():
            assert after_rows[name] == before_rows[name], name
    # the audit log: exactly what it was at the backup, plus the restore itself
    last = AuditEntry.objects.order_by("-id").first()
    assert last.action == "backup.restored" and last.data["file"] == str(archive)
    audit = AuditEntry._meta.db_table
    assert [row for row in after_rows[audit] if row[0] != last.pk] == before_rows[audit]
    from cfcity.audit.integrity import verify_database
    assert verify_database().ok  # the hash chain goes on unbroken from the restored entries
    assert not any(p.name.startswith(".restore-") or ".before-restore-" in p.name for p in filled.iterdir())
    # the restored site works on: a new report through the workflow
    assert Report.objects.get(status=Report.Status.ACCEPTED).evidence.count() == 2
    assert backup("verify", str(archive)).startswith("备份文件")


def tamper_cases(raw: bytes) -> dict[str, bytes]:
    mid = len(raw) // 2
    flipped = bytearray(raw)
    flipped[mid] ^= 0x01
    return {"一个字节被改": bytes(flipped), "截断": raw[:-100], "截掉一半": raw[:mid],
            "末尾多出数据": raw + b"\x00" * 16, "空文件": b""}


@pytest.fixture
def backed_up(filled, tmp_path):
    """A backup, then the data changed (so that a restore, if it happened, would show)."""
    archive = tmp_path / "b.cfbak"
    backup("create", "--quiet", str(archive))
    from django.contrib.auth.models import User
    User.objects.create_user("after_backup", password="x")
    (filled / "media" / "later.pdf").write_bytes(PDF + b"later")
    return archive


def refused(site, archive, *args, match) -> None:
    """The restore is refused with ``match`` and nothing at all changes."""
    before = state(site)
    with pytest.raises(CommandError, match=match) as e:
        backup("restore", str(archive), "--yes", *args)
    assert e.value.returncode == 2
    assert state(site) == before
    assert not [p for p in site.iterdir() if p.name.startswith(".restore-")]


def test_tampered_archives_are_refused_and_nothing_changes(backed_up, filled, tmp_path):
    for what, data in tamper_cases(backed_up.read_bytes()).items():
        bad = tmp_path / f"{what}.cfbak"
        bad.write_bytes(data)
        refused(filled, bad, match="备份文件")


def test_a_wrong_key_is_refused_and_nothing_changes(backed_up, filled, monkeypatch):
    monkeypatch.setenv("CFCITY_BACKUP_KEY", base64.b64encode(os.urandom(32)).decode())
    refused(filled, backed_up, match="不是用当前密钥加密的")
    monkeypatch.setenv("CFCITY_BACKUP_KEY", "not base64!")
    refused(filled, backed_up, match="不是有效的 base64")
    monkeypatch.delenv("CFCITY_BACKUP_KEY")
    refused(filled, backed_up, match="找不到备份密钥")
    assert not (filled / "backup.key").exists()  # a restore never makes a key


def rewrite(archive: Path, edit) -> Path:
    """Decrypt, let ``edit`` change the members {name: bytes}, encrypt again with the right
    key: a forgery only someone holding the key could make, checked by the manifest."""
    key = base64.b64decode(KEY)
    with open(archive, "rb") as f:
        r = stream.DecryptingReader(f, key)
        members = {}
        with tarfile.open(fileobj=r, mode="r|") as tar:
            for info in tar:
                members[info.name] = tar.extractfile(info).read() if info.isfile() else None
    members = edit(members)
    forged = archive.with_name("forged.cfbak")
    with open(forged, "wb") as f:
        w = stream.EncryptingWriter(f, key)
        with tarfile.open(fileobj=w, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                if data is None:
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                else:
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
        w.close()
    return forged


def with_manifest(change):
    def edit(members):
        manifest = json.loads(members.pop("manifest.json"))
        change(manifest, members)
        members["manifest.json"] = json.dumps(manifest).encode()
        return members
    return edit


def test_forged_contents_are_refused_by_the_manifest(backed_up, filled):
    def swap_file(manifest, members):
        name = next(n for n in members if n.startswith("media/") and members[n])
        members[name] = PDF + b"forged"

    def add_file(manifest, members):
        members["media/extra.pdf"] = PDF

    def escape(manifest, members):
        members["media/../../etc/cron.d/x"] = b"* * * * * root true"
        manifest["members"]["media/../../etc/cron.d/x"] = {
            "size": 18, "sha256": hashlib.sha256(b"* * * * * root true").hexdigest()}

    cases = [(swap_file, "校验值不符"), (add_file, "多出"), (escape, "不应出现"),
             (lambda m, _: m.update(version=99), "不受支持")]
    for change, match in cases:
        refused(filled, rewrite(backed_up, with_manifest(change)), match=match)
    refused(filled, rewrite(backed_up, lambda m: {k: v for k, v in m.items() if k != "manifest.json"}),
            match="没有清单")
    if database.engine() == "sqlite":  # (a PostgreSQL dump is counted only once restored)
        def fewer_rows(manifest, members):
            manifest["tables"]["reporting_report"] -= 1
        refused(filled, rewrite(backed_up, with_manifest(fewer_rows)), match="行数与清单不符")


def test_a_backup_of_another_schema_or_engine_is_refused(backed_up, filled):
    def old_schema(manifest, members):
        manifest["migrations"]["reporting"] = manifest["migrations"]["reporting"][:-1]
        manifest["migrations"]["gone_app"] = ["0001_initial"]

    refused(filled, rewrite(backed_up, with_manifest(old_schema)),
            match="数据库结构与当前程序版本不一致.*reporting.*gone_app")

    here = database.engine()
    other = "postgresql" if here == "sqlite" else "sqlite"

    def other_engine(manifest, members):
        old, new = database.MEMBER[here], database.MEMBER[other]
        members[new] = members.pop(old)
        manifest["members"][new] = manifest["members"].pop(old)
        manifest["engine"] = other

    refused(filled, rewrite(backed_up, with_manifest(other_engine)), match="不能跨数据库类型恢复")


def test_restore_asks_first(backed_up, filled, monkeypatch):
    before = state(filled)
    with pytest.raises(CommandError, match="需要确认"):  # no terminal, no --yes
        backup("restore", str(backed_up))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        backup("restore", str(backed_up))
    assert state(filled) == before
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    backup("restore", str(backed_up))
    assert not (filled / "media" / "later.pdf").exists()


def test_the_default_key_file_is_made_once_with_mode_0600(filled, tmp_path, monkeypatch):
    monkeypatch.delenv("CFCITY_BACKUP_KEY")
    out = backup("create", str(tmp_path / "one.cfbak"))
    key_file = filled / "backup.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"密钥文件 {key_file}（本次新生成）" in out
    assert key_file.read_text().strip() not in out
    assert len(base64.b64decode(key_file.read_text())) == 32
    first = key_file.read_text()
    out = backup("create", "--quiet", str(tmp_path / "two.cfbak"))
    assert out == "" and key_file.read_text() == first
    assert backup("verify", str(tmp_path / "one.cfbak")).startswith("备份文件")
    with pytest.raises(CommandError, match="已存在"):  # never overwritten
        backup("create", str(tmp_path / "one.cfbak"))
    monkeypatch.setenv("CFCITY_BACKUP_KEY_FILE", str(tmp_path / "no-such-key"))
    with pytest.raises(CommandError, match="无法读取"):
        backup("create", str(tmp_path / "three.cfbak"))
    assert not (tmp_path / "three.cfbak").exists() and not (tmp_path / "three.cfbak.partial").exists()


def test_without_the_postgresql_client_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(database.BackupError, match="找不到 PostgreSQL 客户端程序 pg_dump.*postgresql-client"):
        database._pg_tool("pg_dump")


def test_a_media_directory_that_is_a_mount_point_is_refilled_in_place(tmp_path, monkeypatch):
    from cfcity.backup import services
    media, new = tmp_path / "media", tmp_path / ".restore-x" / "media"
    (media / "old").mkdir(parents=True)
    (media / "old" / "a.pdf").write_bytes(b"old")
    (media / "gone.txt").write_bytes(b"old")
    (new / "evidence").mkdir(parents=True)
    (new / "evidence" / "b.pdf").write_bytes(PDF)
    real = os.rename

    def rename(src, dst):
        if Path(src) == media:
            raise OSError(16, "Device or resource busy")
        return real(src, dst)
    monkeypatch.setattr(services.os, "rename", rename)
    services._swap(media, new)
    assert {p.relative_to(media).as_posix() for p in media.rglob("*")} == {"evidence", "evidence/b.pdf"}
    assert (media / "evidence" / "b.pdf").read_bytes() == PDF
