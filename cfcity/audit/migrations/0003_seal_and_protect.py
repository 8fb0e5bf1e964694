"""Hash the entries written before the chain existed, in id order, then install the
append-only triggers (cfcity/audit/triggers.py)."""
from django.db import migrations

from cfcity.audit import chain, triggers


def seal_existing(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "ChainHead")
    prev, count, last = chain.GENESIS, 0, None
    for entry in Entry.objects.order_by("id").iterator(chunk_size=2000):
        entry.actor_ref, entry.org_unit_ref = entry.actor_id, entry.org_unit_id
        entry.data = chain.normal_data(entry.data)
        entry.prev_hash = prev
        entry.entry_hash = prev = chain.entry_hash(vars(entry))
        entry.save(update_fields=["actor_ref", "org_unit_ref", "data", "prev_hash", "entry_hash"])
        count, last = count + 1, entry.pk
    Head.objects.all().delete()
    if count:
        Head.objects.create(pk=1, last_id=last, last_hash=prev, count=count)


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
