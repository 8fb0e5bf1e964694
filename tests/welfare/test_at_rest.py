"""Encryption at rest, checked on the disk: a real SQLite database (with its WAL and shared-
memory files, read while the writing process still has them open, then after it exits)
holds no child's name, ID number, phone number, address or note — only ciphertext."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import fresh_database

KEYS = "disk1:" + "ZGlzay10ZXN0LWtleS1ub3Qtc2VjcmV0LTAxMjM0NTY="
SECRETS = ["欧阳晓燕", "370321201503081248", "13812345678", "幸福路八号", "张秀英", "听力二级残疾", "走访时孩子正在写作业"]
REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import datetime, os, sys
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "cfcity.settings"
    django.setup()
    from django.contrib.auth.models import User
    from cfcity.accounts.models import Membership
    from cfcity.orgs.models import OrgUnit
    from cfcity.welfare import services
    from cfcity.welfare.models import Child

    county = OrgUnit.objects.create(name="桓台县", kind="area")
    office = OrgUnit.objects.create(name="县民政局", kind="department", parent=county)
    town = OrgUnit.objects.create(name="果里镇", kind="town", parent=county)
    village = OrgUnit.objects.create(name="东村", kind="village", parent=town)
    u = User.objects.create_user("mz_tz", password="x")
    Membership.objects.create(user=u, org_unit=office, role="welfare_officer")
    u = User.objects.get(pk=u.pk)
    c = services.register_child(u, services.ChildInput(
        name="欧阳晓燕", id_number="370321201503081248", town=town, village=village, categories=["orphan"],
        guardian_name="张秀英", guardian_phone="13812345678", address="桓台县果里镇东村幸福路八号",
        health_details="听力二级残疾", guardian_consent=True, consent_statistics=True,
        notice_version="2024-1", child_assent=True))
    services.add_visit(u, c, date=datetime.date(2025, 5, 1), note="走访时孩子正在写作业")
    again = Child.objects.get(pk=c.pk)
    print("READ", again.name, again.id_number, flush=True)
    sys.stdin.readline()  # the test reads the files now, while this connection is open
""")


def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    e.update(CFCITY_DATA_DIR=str(tmp_path), CFCITY_ENCRYPTION_KEYS=KEYS, CFCITY_CIPHER="aes-256-gcm")
    return e


def files_on_disk(tmp_path):
    found = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("cfcity.sqlite3")}
    assert "cfcity.sqlite3" in found
    return found


def leaks(blobs: dict[str, bytes]) -> list[str]:
    out = []
    for name, blob in blobs.items():
        for s in SECRETS:
            for enc in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
                if s.encode(enc) in blob:
                    out.append(f"{s} ({enc}) in {name}")
    return out


def test_the_database_files_hold_no_identity_in_clear(tmp_path, migrated_sqlite):
    assert b"\xe6\xac\xa7\xe9\x98\xb3" == "欧阳".encode()  # the check below looks for real bytes
    fresh_database(migrated_sqlite, tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=REPO, env=env(tmp_path), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READ 欧阳晓燕 370321201503081248", proc.stderr.read() if not line else line
        during = files_on_disk(tmp_path)
        assert "cfcity.sqlite3-wal" in during  # WAL mode: recent writes are in the -wal file
        assert b"cf1$a$disk1$" in b"".join(during.values())  # the record is there, encrypted
        assert leaks(during) == []
    finally:
        proc.communicate("\n", timeout=60)
    assert proc.returncode == 0
    after = files_on_disk(tmp_path)
    assert b"cf1$a$disk1$" in after["cfcity.sqlite3"]  # checkpointed into the main file
    assert leaks(after) == []


def test_the_leak_check_itself_finds_clear_text():
    assert leaks({"f": "…欧阳晓燕…".encode("gb18030")}) == ["欧阳晓燕 (gb18030) in f"]
