"""Important writes leave an audit entry in the same transaction."""
import pytest
from django.contrib.auth.models import User

from cfcity.audit.models import AuditEntry
from cfcity.audit.services import action_label, log_action
from cfcity.plans import services

pytestmark = pytest.mark.django_db


def test_import_is_recorded_with_who_and_what(full_plan):
    alice = User.objects.create_user("alice", password="x")
    row = services.store_plan(full_plan, user=alice)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name) == ("plans.plan.imported", alice, "alice")
    assert entry.object_type == "plans.plan" and entry.object_id == str(row.pk)
    assert entry.org_unit == row.area
    assert entry.data["before"] is None
    assert entry.data["after"]["tasks"] == len(full_plan.tasks())
    assert entry.data["after"]["source"] == full_plan.source
    assert action_label(entry.action) == "导入行动方案"


def test_replace_records_what_was_replaced(full_plan, plan_factory):
    first = services.store_plan(full_plan)
    second = services.store_plan(plan_factory(), replace=True)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "plans.plan.replaced" and entry.actor is None and entry.actor_name == ""
    assert entry.data["before"]["id"] == first.pk and entry.object_id == str(second.pk)


def test_a_failed_write_leaves_no_entry(full_plan, monkeypatch):
    from cfcity.plans import models as m

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(m.Target.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.store_plan(full_plan)
    assert AuditEntry.objects.count() == 0


def test_entries_survive_their_user(full_plan):
    bob = User.objects.create_user("bob", password="x")
    log_action("accounts.user.created", actor=bob, obj=bob)
    bob.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor is None and entry.actor_name == "bob"


def test_audit_admin_is_read_only(client, full_plan):
    services.store_plan(full_plan)
    admin = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)
    entry = AuditEntry.objects.get()
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert "导入行动方案" in client.get("/admin/audit/auditentry/").content.decode()
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    r = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403 and AuditEntry.objects.count() == 1
