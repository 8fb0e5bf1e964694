"""Two writers at once never fork the chain: each append takes PostgreSQL's advisory lock
and links to the entry committed before it. Threads, each with its own connection."""
import threading
import time

import pytest
from django.db import connection, connections, transaction

from cfcity.audit import chain, integrity
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: concurrent writers")]

WRITERS, EACH = 4, 15


def writer(n, errors, start):
    start.wait(timeout=10)
    for i in range(EACH):
        try:
            with transaction.atomic():
                log_action("tests.concurrent", data={"writer": n, "i": i})
                time.sleep(0.002)  # the rest of the write, still holding the lock
        except Exception as e:  # reported by the caller
            errors.append(e)
    connections.close_all()


def run_writers():
    errors, start = [], threading.Barrier(WRITERS)
    threads = [threading.Thread(target=writer, args=(n, errors, start)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_concurrent_writers_do_not_fork():
    assert not run_writers()
    assert AuditEntry.objects.count() == WRITERS * EACH
    # interleaved, not one writer after the other, and yet one chain
    writers = [e["writer"] for e in AuditEntry.objects.order_by("id").values_list("data", flat=True)]
    assert sum(a != b for a, b in zip(writers, writers[1:])) > WRITERS
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs)  # no two entries link to the same predecessor
    result = integrity.verify_database()
    assert result.ok and result.checked == WRITERS * EACH


def test_without_the_lock_they_would_fork(monkeypatch):
    """The test above can fail: with neither the advisory lock nor the head row's lock,
    concurrent writers link to the same predecessor."""
    from cfcity.audit import services
    from cfcity.audit.models import ChainHead

    log_action("tests.first")  # the head row exists
    monkeypatch.setattr(chain, "lock", lambda connection: None)
    monkeypatch.setattr(ChainHead.objects, "select_for_update", lambda: ChainHead.objects.all())
    slow_hash = chain.entry_hash

    def hash_slowly(fields):  # widen the gap between reading the head and writing after it
        time.sleep(0.01)
        return slow_hash(fields)
    monkeypatch.setattr(services.chain, "entry_hash", hash_slowly)
    assert not run_writers()
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) < len(prevs)
    assert not integrity.verify_database().ok
