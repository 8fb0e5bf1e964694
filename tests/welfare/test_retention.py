"""The retention schedule (`cfcity welfare retention`): closed records are listed when their
years are up and anonymised with --apply — identity gone, statistics kept, recorded."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.welfare import services
from cfcity.welfare.models import Child, ChildCategory

from .factory import child, number, person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def records(world, settings):
    settings.WELFARE = {**settings.WELFARE, "retention_years": 3}
    officer = person(world["office"], "mz_tz", Role.WELFARE_OFFICER)
    made = {}
    for key, closed_on in (("old", datetime.date(2023, 5, 31)), ("edge", datetime.date(2023, 6, 1)),
                           ("recent", datetime.date(2023, 6, 2)), ("open", None)):
        c = child(officer, world["town"], world["village"], name=f"张{key}", id_number=number(),
                  categories=["orphan", "left_behind"], health_details="听力残疾")
        services.add_visit(officer, c, date=datetime.date(2023, 1, 5), note="走访记录")
        if closed_on:
            services.close_child(officer, c, reason="年满 18 周岁", on=closed_on)
        made[key] = c
    return {**world, "officer": officer, **made}


def test_retention_lists_what_is_due_and_changes_nothing_without_apply(records, capsys):
    call_command("welfare", "retention", "--date", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "应匿名化的记录 2 条" in out
    assert f"记录 #{records['old'].pk}" in out and f"记录 #{records['edge'].pk}" in out
    assert f"#{records['recent'].pk} " not in out and f"#{records['open'].pk} " not in out
    assert "张old" not in out  # the list names records by number only
    assert "--apply" in out
    assert not Child.objects.filter(anonymised_at__isnull=False).exists()


def test_apply_anonymises_the_due_records_and_keeps_what_statistics_need(records, capsys):
    old = records["old"]
    number_before = Child.objects.get(pk=old.pk).id_number
    call_command("welfare", "retention", "--apply", "--date", TODAY.isoformat())
    assert "已匿名化 2 条记录" in capsys.readouterr().out
    c = Child.objects.get(pk=old.pk)
    assert c.anonymised_at and c.name == "（已匿名）" and c.id_number == "" and c.guardian_name == ""
    assert c.guardian_phone == "" and c.address == "" and c.health_details == "" and c.birth_date == ""
    assert c.id_hash == f"anon:{c.pk}" and c.visits.get().note == ""
    assert (c.town_id, c.village_id, c.birth_year) == (records["town"].pk, records["village"].pk, 2015) and c.sex
    assert set(ChildCategory.objects.filter(child=c).values_list("category", flat=True)) == {"orphan", "left_behind"}
    assert not services.find_by_id_number(records["officer"], number_before).exists()
    assert Child.objects.get(pk=records["recent"].pk).anonymised_at is None
    assert AuditEntry.objects.filter(action="welfare.child.anonymised").count() == 2
    with connection.cursor() as cur:  # the old ciphertext is gone from the row, not just unreadable
        cur.execute("SELECT id_number, name FROM welfare_child WHERE id = %s", [c.pk])
        id_raw, name_raw = cur.fetchone()
    assert id_raw == "" and name_raw.startswith("cf1$")
    # a second run finds nothing more to do
    call_command("welfare", "retention", "--apply", "--date", TODAY.isoformat())
    assert "没有销档满 3 年" in capsys.readouterr().out


def test_the_retention_years_are_a_setting(records, settings, capsys):
    settings.WELFARE = {**settings.WELFARE, "retention_years": 2}
    call_command("welfare", "retention", "--date", TODAY.isoformat())
    assert "销档满 2 年、应匿名化的记录 3 条" in capsys.readouterr().out


def test_a_bad_date_is_a_plain_error(records):
    with pytest.raises(CommandError, match="日期"):
        call_command("welfare", "retention", "--date", "2026-13-01")
