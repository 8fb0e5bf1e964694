"""WSGI entry point: ``gunicorn cfcity.wsgi:application`` (what ``cfcity serve`` runs).

In production it refuses to start while the configuration has problems (`cfcity check`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
application = get_wsgi_application()

from cfcity.ops.config import enforce  # noqa: E402

enforce(["web"])
