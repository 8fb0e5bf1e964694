"""The register's rules and permissions at the service level (cfcity.welfare.services and
access): who may do what to which record, what is refused and that a refusal writes nothing."""
import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.welfare import access, idcard, services
from cfcity.welfare.models import Alert, Child, DeletionRequest, Worker

from . import factory

pytestmark = pytest.mark.django_db
BORN = datetime.date(2015, 3, 8)


def person(world, name, unit, role):
    return factory.person(world[unit], name, role)


@pytest.fixture
def ledger(world):
    """桓台县 with a second village in 果里镇 and one in 索镇; a welfare officer, 果里镇's
    supervisor, 东村's director, 索镇's supervisor; one child in 东村."""
    w = dict(world)
    w["village2"] = OrgUnit.objects.create(name="西村", kind=OrgUnit.Kind.VILLAGE, parent=w["town"])
    w["village3"] = OrgUnit.objects.create(name="北村", kind=OrgUnit.Kind.VILLAGE, parent=w["town2"])
    w["officer"] = person(w, "mz_tz", "office", Role.WELFARE_OFFICER)
    w["supervisor"] = person(w, "glz_dd", "town", Role.WELFARE_SUPERVISOR)
    w["director"] = person(w, "dc_zr", "village", Role.CHILD_DIRECTOR)
    w["other_supervisor"] = person(w, "sz_dd", "town2", Role.WELFARE_SUPERVISOR)
    w["child"] = services.register_child(w["officer"], data(w))
    return w


def data(w, **kw):
    base = dict(name="张小明", id_number=idcard.make("370321", BORN, 123), town=w["town"], village=w["village"],
                categories=["orphan", "left_behind"], guardian_name="张大山", guardian_phone="13812345678",
                guardian_consent=True, consent_statistics=True, notice_version="2024-1", child_assent=True,
                health_details="听力二级残疾", cp_indicated=True)
    base.update(kw)
    return services.ChildInput(**base)


def test_a_record_reads_back_decrypted_and_is_found_by_id_number_only_in_scope(ledger):
    c = Child.objects.get(pk=ledger["child"].pk)
    assert (c.name, c.sex, c.birth_year, c.birth_date) == ("张小明", "M", 2015, "2015-03-08")  # 123: odd → male
    number = idcard.make("370321", BORN, 123)
    assert [x.pk for x in services.find_by_id_number(ledger["officer"], number)] == [c.pk]
    assert [x.pk for x in services.find_by_id_number(ledger["supervisor"], number.lower())] == [c.pk]
    assert list(services.find_by_id_number(ledger["other_supervisor"], number)) == []
    assert list(services.find_by_id_number(ledger["officer"], "' OR 1=1 --")) == []


@pytest.mark.parametrize("who,expected", [
    ("officer", set(access.ACTIONS)),
    ("supervisor", {"view_masked", "view_full", "sensitive", "edit", "close"}),
    ("director", {"view_masked", "view_full", "edit"}),
    ("other_supervisor", set()),  # right role, wrong town
    ("coordinator", set()), ("leader", set()), ("admin", set()), ("health_reporter", set()),
    ("town_reporter", set()),
])
def test_actions_on_the_child_by_role_and_unit(ledger, who, expected):
    child = ledger["child"]
    assert {a for a in access.ACTIONS if access.may_on(ledger[who], a, child)} == expected
    visible = access.children_for(ledger[who]).filter(pk=child.pk).exists()
    assert visible == ("view_masked" in expected)


def test_a_superuser_sees_no_record(ledger):
    root = User.objects.create_superuser("root", password="x")
    assert not access.children_for(root).exists()
    with pytest.raises(Exception):
        access.get_child(root, ledger["child"].pk)


def test_every_problem_is_reported_at_once_and_nothing_is_written(ledger):
    before = (Child.objects.count(), AuditEntry.objects.count())
    bad = idcard.make("370321", BORN, 124)[:-1] + "0"
    if bad == idcard.make("370321", BORN, 124):
        bad = bad[:-1] + "1"
    with pytest.raises(services.WelfareError) as e:
        services.register_child(ledger["officer"], data(ledger, name="", id_number=bad, categories=[],
                                                        village=ledger["village3"], guardian_consent=False))
    assert set(e.value.errors) == {"name", "id_number", "categories", "village", "guardian_consent"}
    assert "校验位" in e.value.errors["id_number"]
    assert (Child.objects.count(), AuditEntry.objects.count()) == before


def test_an_adult_a_duplicate_and_a_missing_assent_are_refused(ledger):
    adult = idcard.make("370321", datetime.date(2001, 1, 1), 5)
    with pytest.raises(services.WelfareError, match="18"):
        services.register_child(ledger["officer"], data(ledger, id_number=adult))
    with pytest.raises(services.WelfareError, match="已在台账中"):
        services.register_child(ledger["officer"], data(ledger))
    with pytest.raises(services.WelfareError, match="本人是否同意"):
        services.register_child(ledger["officer"], data(ledger, id_number=idcard.make("370321", BORN, 125),
                                                        child_assent=None))


def test_a_director_registers_only_in_the_own_village_and_never_writes_the_sensitive_tier(ledger):
    with pytest.raises(PermissionDenied):
        services.register_child(ledger["director"], data(ledger, id_number=idcard.make("370321", BORN, 131),
                                                         village=ledger["village2"]))
    c = services.register_child(ledger["director"], data(ledger, id_number=idcard.make("370321", BORN, 133)))
    c = Child.objects.get(pk=c.pk)
    assert c.health_details == "" and c.cp_indicated is False


def test_an_edit_on_an_old_version_is_refused(ledger):
    c = ledger["child"]
    services.update_child(ledger["supervisor"], c, data(ledger, id_number="", guardian_phone="13900000000"),
                          version=c.version)
    with pytest.raises(services.WelfareError, match="他人修改"):
        services.update_child(ledger["officer"], c, data(ledger, id_number=""), version=c.version)
    entry = AuditEntry.objects.filter(action="welfare.child.changed").latest("id")
    assert entry.data == {"fields": ["guardian_phone"]}  # which field, never its value


def test_a_full_view_needs_a_reason_is_audited_and_a_run_of_them_alerts_the_coordinator(ledger):
    with pytest.raises(services.WelfareError):
        services.view_full(ledger["officer"], ledger["child"], "  ")
    with override_settings(WELFARE={**services.settings.WELFARE, "full_views_per_hour": 3}):
        for _ in range(5):
            services.view_full(ledger["officer"], ledger["child"], "核实救助发放")
    assert AuditEntry.objects.filter(action="welfare.child.viewed_full").count() == 5
    alerts = Alert.objects.filter(kind=Alert.Kind.MANY_FULL_VIEWS)
    assert alerts.count() == 1 and alerts.get().area == ledger["county"]
    with pytest.raises(PermissionDenied):
        services.view_full(ledger["other_supervisor"], ledger["child"], "好奇看看")


def test_no_audit_entry_holds_the_childs_identity(ledger):
    services.view_full(ledger["officer"], ledger["child"], "核实救助发放")
    text = " ".join(f"{e.object_repr} {e.data}" for e in AuditEntry.objects.all())
    assert "张小明" not in text and idcard.make("370321", BORN, 123) not in text and "张大山" not in text


def test_deletion_is_decided_by_another_welfare_officer(ledger):
    pk = ledger["child"].pk
    req = services.request_deletion(ledger["supervisor"], ledger["child"], "监护人撤回同意")
    with pytest.raises(PermissionDenied):
        services.decide_deletion(ledger["supervisor"], req, approve=True)
    services.decide_deletion(ledger["officer"], req, approve=True, note="依法删除")
    assert not Child.objects.exists()
    req.refresh_from_db()
    assert req.status == DeletionRequest.Status.DONE and req.child_ref == str(pk)


def test_anonymisation_keeps_statistics_and_erases_identity(ledger):
    c = services.close_child(ledger["officer"], ledger["child"], reason="年满 18 周岁",
                             on=datetime.date(2020, 1, 1))
    assert list(services.due_for_anonymisation(datetime.date(2026, 1, 1))) == [c]
    services.anonymise(c)
    c = Child.objects.get(pk=c.pk)
    assert (c.id_number, c.guardian_name, c.health_details) == ("", "", "")
    assert c.birth_year == 2015 and set(c.categories.values_list("category", flat=True)) == {"orphan", "left_behind"}
    assert not services.find_by_id_number(ledger["officer"], idcard.make("370321", BORN, 123)).exists()


def test_the_roster_puts_a_supervisor_in_a_town_and_a_director_in_a_village(ledger):
    with pytest.raises(services.WelfareError, match="镇"):
        services.appoint(ledger["officer"], kind=Worker.Kind.SUPERVISOR, unit=ledger["village"], name="李督导",
                         appointed_on=datetime.date(2024, 1, 1))
    w = services.appoint(ledger["officer"], kind=Worker.Kind.SUPERVISOR, unit=ledger["town"], name="李督导",
                         phone="13800001111", appointed_on=datetime.date(2024, 1, 1))
    with pytest.raises(PermissionDenied):  # a director keeps no roster
        services.appoint(ledger["director"], kind=Worker.Kind.DIRECTOR, unit=ledger["village"], name="王主任",
                         appointed_on=datetime.date(2024, 1, 1))
    with pytest.raises(PermissionDenied):  # another town's supervisor
        services.add_training(ledger["other_supervisor"], w, date=datetime.date(2024, 3, 1), title="业务培训")
    services.add_training(ledger["supervisor"], w, date=datetime.date(2024, 3, 1), title="业务培训", hours=8)
    assert w.trainings.count() == 1
