"""WSGI entry point: ``gunicorn cfcity.wsgi:application`` (what ``cfcity serve`` runs)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
application = get_wsgi_application()
