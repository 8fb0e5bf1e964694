"""The Celery application: `celery -A cfcity worker` and `celery -A cfcity beat`.

Every CELERY_* setting in cfcity/settings.py configures it; tasks live in each app's
``tasks.py``. A worker or beat refuses to start while production settings have problems."""
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")

app = Celery("cfcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_unsafe_production(**kwargs):
    from cfcity.ops.config import enforce
    enforce(["worker"])
