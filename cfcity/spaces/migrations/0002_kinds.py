from django.db import migrations


def forwards(apps, schema_editor):
    from cfcity.spaces.kinds import seed_kinds
    seed_kinds(apps.get_model("spaces", "SpaceKind"))


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
