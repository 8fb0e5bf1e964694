"""Changes made through Django's admin reach the audit log, one entry per object, in the
chain, scoped to the object's unit."""
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from cfcity.audit import integrity
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(db):
    c = Client()
    c.root = User.objects.create_superuser("root", password="x")
    c.force_login(c.root)
    return c


@pytest.fixture
def county(db):
    area = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    return {"area": area, "edu": OrgUnit.objects.create(name="县教育体育局", kind=OrgUnit.Kind.DEPARTMENT, parent=area)}


def test_an_admin_change_is_audited(root_client, county):
    edu = county["edu"]
    r = root_client.post(f"/admin/orgs/orgunit/{edu.pk}/change/", {
        "name": "县教育和体育局", "short_name": "", "kind": edu.kind, "parent": county["area"].pk, "code": "",
        "order": 0, "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.object.changed")
    log = LogEntry.objects.get()
    assert (entry.actor, entry.object_type, entry.object_id) == (root_client.root, "orgs.orgunit", str(edu.pk))
    assert entry.object_repr == "县教育和体育局" and entry.org_unit == edu
    assert entry.data["admin_log_id"] == log.pk
    assert entry.data["change"] == [{"changed": {"fields": [str(OrgUnit._meta.get_field("name").verbose_name)]}}]
    assert integrity.verify_database().ok


def test_an_admin_addition_is_audited(root_client, county):
    r = root_client.post("/admin/orgs/orgunit/add/", {
        "name": "县民政局", "short_name": "", "kind": OrgUnit.Kind.DEPARTMENT, "parent": county["area"].pk,
        "code": "", "order": 0, "active": "on"})
    assert r.status_code == 302
    unit = OrgUnit.objects.get(name="县民政局")
    entry = AuditEntry.objects.get(action="admin.object.added")
    assert entry.object_id == str(unit.pk) and entry.org_unit == unit


def test_a_bulk_delete_in_the_admin_is_audited_object_by_object(root_client, county):
    """The admin writes several LogEntry rows at once with bulk_create (no signal): each
    still gets its audit entry, recorded before the rows go, with the unit they were in."""
    a = OrgUnit.objects.create(name="甲学校", kind=OrgUnit.Kind.SCHOOL, parent=county["edu"])
    b = OrgUnit.objects.create(name="乙学校", kind=OrgUnit.Kind.SCHOOL, parent=county["edu"])
    ids = sorted([a.pk, b.pk])
    r = root_client.post("/admin/orgs/orgunit/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert r.status_code == 302
    assert not OrgUnit.objects.filter(pk__in=ids).exists()
    entries = AuditEntry.objects.filter(action="admin.object.deleted").order_by("object_id")
    assert [e.object_id for e in entries] == [str(i) for i in ids]
    assert {e.object_repr for e in entries} == {"甲学校", "乙学校"}
    assert [e.org_unit_ref for e in entries] == ids and all(e.org_unit is None for e in entries)
    assert integrity.verify_database().ok


def test_a_refused_admin_change_leaves_nothing(root_client, county):
    r = root_client.post(f"/admin/orgs/orgunit/{county['edu'].pk}/change/", {"name": "", "kind": "department"})
    assert r.status_code == 200  # the form again, with errors
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()
