"""Key rotation (cfcity.welfare.rotation, `cfcity keys`): interrupted half-way, then resumed,
with nothing lost or done twice; a change of cipher to SM4; a dry run; a missing key named."""
import base64
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.welfare import crypto, keys, rotation, services
from cfcity.welfare.models import Child, KeyRotation, Support, Visit, Worker

from .factory import child, number, person

T1 = "t1:" + "dGVzdHMtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OWE="  # tests/conftest.py's key
T2 = "t2:" + base64.b64encode(b"rotation-test-key-0123456789abcd").decode()
NAMES = ["张小明", "李小红", "王晓东", "赵一诺", "孙浩然"]


@pytest.fixture
def filled(world, settings):
    settings.ENCRYPTION_KEYS = T1
    settings.CIPHER = "aes-256-gcm"
    officer = person(world["office"], "mz_tz", Role.WELFARE_OFFICER)
    made = []
    for i, name in enumerate(NAMES):
        n = number(born=datetime.date(2012 + i, 5, 1), seq=201 + 2 * i)
        c = child(officer, world["town"], world["village"], name=name, id_number=n,
                  health_details=f"健康情况{i}" if i % 2 else "")
        services.add_support(officer, c, kind="benefit", date=datetime.date(2025, 1, 1), note=f"发放说明{i}")
        services.add_visit(officer, c, date=datetime.date(2025, 2, 1), note=f"走访情况{i}")
        made.append((c.pk, name, n))
    services.appoint(officer, kind=Worker.Kind.DIRECTOR, unit=world["village"], name="刘主任", phone="13900001111",
                     appointed_on=datetime.date(2024, 1, 1))
    return {**world, "officer": officer, "children": made}


def plain_state():
    """Every encrypted value as Python code reads it, and the row counts."""
    return ({c.pk: (c.name, c.id_number, c.birth_date, c.guardian_name, c.guardian_phone, c.address,
                    c.health_details) for c in Child.objects.all()},
            sorted(Support.objects.values_list("note", flat=True)),
            sorted(Visit.objects.values_list("note", flat=True)),
            sorted(Worker.objects.values_list("phone", flat=True)))


def total(census):
    return sum(census.values.values()), sum(census.hashes.values())


@pytest.mark.django_db(transaction=True)
def test_rotation_interrupted_half_way_resumes_with_nothing_lost(filled, settings, monkeypatch):
    before = plain_state()
    settings.ENCRYPTION_KEYS = T2 + "\n" + T1
    ring = keys.ring()
    start = rotation.census(ring)
    assert set(start.values) == {("a", "t1")} and start.stale == sum(total(start))

    real, calls = rotation._rotate_rows, []

    def crash_after_first_batch(ring_, t, *args, **kw):
        if t.label == "welfare.child":  # other apps' encrypted tables (empty here) come and go
            calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("进程被终止")  # the machine goes down in the middle of batch two
        return real(ring_, t, *args, **kw)

    monkeypatch.setattr(rotation, "_rotate_rows", crash_after_first_batch)
    with pytest.raises(RuntimeError):
        rotation.rotate(ring, batch_size=2)
    half = rotation.census(ring)
    assert half.values[("a", "t2")] > 0 and half.values[("a", "t1")] > 0  # half-way: both keys in use
    assert total(half) == total(start)
    rot = KeyRotation.objects.get()
    assert rot.finished_at is None and rot.position["welfare.child"] == sorted(filled["children"])[1][0]
    assert {k for k, v in rot.position.items() if v != "done"} == {"welfare.child"}
    first = rot.changed
    assert first == 2 * 6 + 1 + 2  # two children: 6 identity fields each, one health note, two hashes
    assert plain_state() == before  # the site reads every value meanwhile, whichever key it is on

    monkeypatch.setattr(rotation, "_rotate_rows", real)
    out = rotation.rotate(ring, batch_size=2)
    assert out.resumed and out.rotation.pk == rot.pk
    end = rotation.census(ring)
    assert set(end.values) == {("a", "t2")} and set(end.hashes) == {("a", "t2")} and end.stale == 0
    assert total(end) == total(start)
    rot.refresh_from_db()
    assert rot.finished_at and rot.changed == start.stale  # every value once, none twice
    assert out.changed + out.rehashed == start.stale - first
    assert AuditEntry.objects.filter(action="welfare.keys.rotated", data__resumed=True).count() == 1

    # the old key can go: everything reads, and ID search finds each child, with the new key alone
    settings.ENCRYPTION_KEYS = T2
    assert plain_state() == before
    for pk, _, n in filled["children"]:
        assert [c.pk for c in services.find_by_id_number(filled["officer"], n)] == [pk]
    assert rotation.rotate(keys.ring()).changed == 0  # a second run finds nothing to do


@pytest.mark.django_db
def test_switching_to_sm4_reencrypts_and_rehashes_everything(filled, settings):
    before = plain_state()
    settings.CIPHER = "sm4-gcm"
    call_command("keys", "rotate", "--batch", "3")
    end = rotation.census(keys.ring())
    assert set(end.values) == {("s", "t1")} and set(end.hashes) == {("s", "t1")} and end.stale == 0
    assert plain_state() == before
    assert all(h.startswith("st1:") for h in Child.objects.values_list("id_hash", flat=True))
    pk, _, n = filled["children"][3]
    assert [c.pk for c in services.find_by_id_number(filled["officer"], n)] == [pk]
    # new records under SM4 are found the same way
    c = child(filled["officer"], filled["town"], filled["village"], name="周子涵", id_number=number(seq=401))
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM welfare_child WHERE id = %s", [c.pk])
        assert crypto.token_key(cur.fetchone()[0]) == ("s", "t1")
    assert [x.pk for x in services.find_by_id_number(filled["officer"], number(seq=401))] == [c.pk]


@pytest.mark.django_db
def test_dry_run_counts_and_writes_nothing(filled, settings, capsys):
    settings.ENCRYPTION_KEYS = T2 + "\n" + T1
    raw = list(Child.objects.values_list("name", "id_hash"))
    call_command("keys", "rotate", "--dry-run")
    out = capsys.readouterr().out
    assert "试运行" in out and "加密值 43 条" in out and "身份证号码索引 5 条" in out  # 5×6 + 2 + 5 + 5 + 1
    assert list(Child.objects.values_list("name", "id_hash")) == raw and not KeyRotation.objects.exists()


@pytest.mark.django_db
def test_rotation_refuses_to_start_when_a_key_is_missing_and_names_it(filled, settings):
    settings.ENCRYPTION_KEYS = T2  # t1 dropped before the data was moved off it
    with pytest.raises(CommandError, match="t1"):
        call_command("keys", "rotate")
    assert not KeyRotation.objects.exists()
    settings.ENCRYPTION_KEYS = T1
    assert rotation.census(keys.ring()).values[("a", "t1")] == 43  # untouched


@pytest.mark.django_db
def test_status_counts_values_per_key(filled, settings, capsys):
    settings.ENCRYPTION_KEYS = T2 + "\n" + T1
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "当前密钥：t2" in out and "t1" in out and "加密值      43 条" in out and "尚有 48 条" in out
    call_command("keys", "rotate")
    call_command("keys", "status")
    assert "全部数据已使用当前密钥和算法" in capsys.readouterr().out


def test_generate_prints_one_usable_key_line(capsys):
    call_command("keys", "generate", "--id", "k2027")
    out, err = capsys.readouterr()
    line = out.strip()
    assert "\n" not in line and crypto.parse_keys(line).active_id == "k2027"
    assert "CFCITY_ENCRYPTION_KEYS" in err
    with pytest.raises(CommandError, match="密钥编号"):
        call_command("keys", "generate", "--id", "bad id")
