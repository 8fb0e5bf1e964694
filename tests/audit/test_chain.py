"""The hash chain: built across many writes, checked by verify, and every kind of tampering
— an edited row, a row taken out of the middle, rows cut off the end — named."""
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cfcity.audit import chain
from cfcity.audit.models import AppendOnly, AuditEntry, ChainHead
from cfcity.audit.services import log_action

from .conftest import raw, triggers_off

pytestmark = pytest.mark.django_db


def verify(*args):
    """Run ``cfcity audit verify``: (exit status, what it printed)."""
    from io import StringIO
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as e:
        return e.returncode, str(e)
    return 0, out.getvalue()


def test_each_entry_links_to_the_one_before(entries):
    rows = list(AuditEntry.objects.order_by("id"))
    assert rows[0].prev_hash == chain.GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.entry_hash and len(after.entry_hash) == 64
    assert len({r.entry_hash for r in rows}) == 12
    head = ChainHead.objects.get()
    assert (head.last_id, head.last_hash, head.count) == (rows[-1].pk, rows[-1].entry_hash, 12)
    # the hash is over what reads back from the database: int keys became strings, tuples lists
    assert rows[5].data == {"i": 5, "名称": "第5条", "3": [1, 2.5, None], "nested": {"b": 1, "a": [True]}}
    assert chain.entry_hash(vars(rows[5])) == rows[5].entry_hash


def test_verify_passes_an_intact_log_and_says_how_many(entries):
    status, out = verify()
    assert status == 0
    assert f"已核验 12 条记录（#{entries[0].pk}—#{entries[-1].pk}）" in out
    assert f"{entries[-1].pk}:{entries[-1].entry_hash}" in out
    assert verify()[0] == 0 and "已核验 12 条" in verify()[1]


def test_an_empty_log_verifies(db):
    assert verify() == (0, "操作记录为空：已核验 0 条记录。\n")


def test_an_edited_row_is_named(entries):
    victim = entries[6]
    with triggers_off():
        assert raw("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["改过的", victim.pk]) == 1
    status, message = verify()
    assert status == 1
    assert f"记录 #{victim.pk}" in message and "内容与其哈希不符" in message and "已核验 6 条完好的记录" in message


def test_an_edited_timestamp_or_data_is_named(entries):
    with triggers_off():
        raw("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', entries[3].pk])
    status, message = verify()
    assert status == 1 and f"#{entries[3].pk}" in message


def test_a_rehashed_edit_breaks_the_next_link(entries):
    """An intruder who edits a row and recomputes its hash still breaks the link after it."""
    victim = AuditEntry.objects.get(pk=entries[4].pk)
    victim.object_repr = "改过的"
    new_hash = chain.entry_hash(vars(victim))
    with triggers_off():
        raw("UPDATE audit_auditentry SET object_repr = %s, entry_hash = %s WHERE id = %s",
            ["改过的", new_hash, victim.pk])
    status, message = verify()
    assert status == 1 and f"记录 #{entries[5].pk}" in message and "不衔接" in message


def test_a_row_deleted_from_the_middle_is_named(entries):
    with triggers_off():
        assert raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[7].pk]) == 1
    status, message = verify()
    assert status == 1
    assert f"记录 #{entries[8].pk}" in message and "不衔接" in message


def test_the_first_row_deleted_is_named(entries):
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    status, message = verify()
    assert status == 1 and f"记录 #{entries[1].pk}" in message and "之前的记录缺失" in message


def test_rows_cut_off_the_end_are_caught_by_the_head(entries):
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE id >= %s", [entries[10].pk])
    status, message = verify()
    assert status == 1 and f"链尾应为记录 #{entries[11].pk}" in message and "被删除" in message


def test_rows_cut_off_the_end_with_the_head_moved_back_are_caught_by_an_anchor(entries):
    """An intruder who also rewrites the head row is caught by an anchor kept outside the
    database: the last line of an earlier verify."""
    status, out = verify()
    anchor = out.strip().splitlines()[-1].split("：")[-1]
    assert anchor == f"{entries[-1].pk}:{entries[-1].entry_hash}"
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE id >= %s", [entries[10].pk])
    ChainHead.objects.filter(pk=1).update(last_id=entries[9].pk, last_hash=entries[9].entry_hash, count=10)
    assert verify()[0] == 0  # without the anchor the shortened chain looks whole
    status, message = verify("--anchor", anchor)
    assert status == 1 and f"记录 #{entries[11].pk}" in message and "截断" in message
    assert verify("--anchor", f"{entries[5].pk}:{entries[5].entry_hash}")[0] == 0


def test_a_wrong_anchor_is_a_usage_error(entries):
    status, message = verify("--anchor", "12:abc")
    assert status == 2 and "锚点应写成" in message


def test_an_anchor_with_another_hash_is_caught(entries):
    status, message = verify("--anchor", f"{entries[2].pk}:{'f' * 64}")
    assert status == 1 and "哈希与记下的不同" in message


def test_the_database_refuses_update_and_the_orm_refuses_everything(entries):
    victim = entries[2]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [victim.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET org_unit_id = NULL, action = 'x' WHERE id = %s", [victim.pk])
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=victim.pk).update(action="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=victim.pk).delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.get(pk=victim.pk).delete()
    with pytest.raises(AppendOnly):
        entry = AuditEntry.objects.get(pk=victim.pk)
        entry.action = "x"
        entry.save()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_create([AuditEntry(action="x")])
    with pytest.raises(AppendOnly):
        AuditEntry.objects.create(action="x")  # not through log_action: no hash
    assert verify()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row DELETE trigger")
def test_postgresql_refuses_delete(entries):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].pk])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's delete trigger")
def test_sqlite_refuses_delete_in_a_database_file(entries, tmp_path):
    """Tests run in memory, where the trigger lets pytest-django's flush through; a
    deployment's database is a file, where it refuses. Same table and triggers, in a file."""
    import sqlite3
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_auditentry' AND type IN ('table', 'trigger')"
                       " ORDER BY type = 'trigger'")
        ddl = [row[0] for row in cursor.fetchall()]
    assert len(ddl) == 3
    db = sqlite3.connect(tmp_path / "cfcity.sqlite3")
    for statement in ddl:
        db.execute(statement)
    db.execute("INSERT INTO audit_auditentry (action, actor_name, object_type, object_id, object_repr, data,"
               " created_at, prev_hash, entry_hash) VALUES ('a', '', '', '', '', '{}', '2026-01-01', '', '')")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_auditentry")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_auditentry SET action = 'b'")
    assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone() == (1,)


def test_deleting_the_user_or_unit_keeps_the_chain_whole(entries):
    """Django empties the links (SET_NULL): the triggers allow that one change, the hashed
    refs keep the ids, verify still passes — and re-pointing a link elsewhere does not."""
    user, unit = entries[1].actor, entries[1].org_unit
    unit_id = unit.pk
    User.objects.filter(pk=user.pk).delete()
    unit.delete()
    entry = AuditEntry.objects.get(pk=entries[1].pk)
    assert (entry.actor, entry.actor_ref, entry.actor_name) == (None, user.pk, "zhang")
    assert (entry.org_unit, entry.org_unit_ref) == (None, unit_id)
    assert verify()[0] == 0
    other = User.objects.create_user("li", password="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [other.pk, entry.pk])
    with triggers_off():
        raw("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [other.pk, entry.pk])
    status, message = verify()
    assert status == 1 and f"#{entry.pk}" in message and "actor_id" in message


def test_missing_triggers_are_reported(entries):
    from io import StringIO
    err = StringIO()
    with triggers_off():
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert "触发器缺失" in err.getvalue()


def test_a_failed_write_leaves_neither_entry_nor_head(db):
    log_action("tests.one")
    head = ChainHead.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action("tests.two")
        raise RuntimeError
    assert ChainHead.objects.get().last_hash == head.last_hash
    third = log_action("tests.three")
    assert third.prev_hash == head.last_hash and verify()[0] == 0


def test_verify_streams_many_entries(db):
    for i in range(300):
        log_action("tests.bulk", data={"i": i})
    status, out = verify()
    assert status == 0 and "已核验 300 条记录" in out


@pytest.mark.django_db(transaction=True)
def test_the_test_suite_can_still_empty_the_table():
    """pytest-django empties every table after a transactional test (SQLite: DELETE on the
    in-memory database; PostgreSQL: TRUNCATE on test_…): the triggers let exactly that through."""
    for i in range(3):
        log_action("tests.flushed", data={"i": i})
    assert AuditEntry.objects.count() == 3
    from django.core.management import call_command
    call_command("flush", "--no-input", verbosity=0)
    assert AuditEntry.objects.count() == 0 and not ChainHead.objects.exists()
