"""Helpers for the audit-log tests: writing entries, and tampering the way an intruder with
database access would (raw SQL, the append-only triggers dropped for the moment)."""
from contextlib import contextmanager

import pytest
from django.db import connection

from cfcity.audit import triggers
from cfcity.audit.services import log_action


@contextmanager
def triggers_off():
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def entries(db):
    """Twelve entries from different writers, the way the services write them."""
    from django.contrib.auth.models import User

    from cfcity.orgs.models import OrgUnit
    user = User.objects.create_user("zhang", password="x")
    unit = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    made = []
    for i in range(12):
        made.append(log_action(f"tests.thing.{'saved' if i % 2 else 'created'}", actor=user if i % 3 else None,
                               obj=unit, org_unit=unit if i % 4 else None,
                               data={"i": i, "名称": f"第{i}条", 3: (1, 2.5, None), "nested": {"b": 1, "a": [True]}}))
    return made
