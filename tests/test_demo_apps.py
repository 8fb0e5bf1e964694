"""Each app's part of ``cfcity demo`` (register, supervision, work plans, evaluation, cases, the
public site, spaces, the life circle, councils, children's voice, campaigns, impact assessment),
checked against one demo built once for this module: building it takes 10–25 s, and every
app's checks only read it. The checks live beside their apps
(tests/<app>/demo_checks.py); the demo's own workflow is tested in tests/test_demo.py."""
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from cfcity.plans.models import Plan
from tests.assessments import demo_checks as assessments
from tests.campaigns import demo_checks as campaigns
from tests.cases import demo_checks as cases
from tests.councils import demo_checks as councils
from tests.evaluation import demo_checks as evaluation
from tests.lifecircle import demo_checks as lifecircle
from tests.spaces import demo_checks as spaces
from tests.supervision import demo_checks as supervision
from tests.voice import demo_checks as voice
from tests.welfare import demo_checks as welfare
from tests.workplans import demo_checks as workplans


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (seed 1) committed to the test database for this module, its files in a
    temporary folder; emptied again afterwards so later tests start from nothing."""
    media = tmp_path_factory.mktemp("demo-media")
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages), django_db_blocker.unblock():
        out = io.StringIO()
        call_command("demo", "--seed", "1", stdout=out, stderr=io.StringIO())
        try:
            yield out.getvalue(), Plan.objects.get()
        finally:
            call_command("flush", "--no-input", verbosity=0)


APPS = {"welfare": welfare, "supervision": supervision, "workplans": workplans, "evaluation": evaluation,
        "cases": cases, "spaces": spaces, "lifecircle": lifecircle, "councils": councils, "voice": voice,
        "campaigns": campaigns, "assessments": assessments}


@pytest.mark.django_db
@pytest.mark.parametrize("app", list(APPS.values()), ids=list(APPS))
def test_the_demo_has_each_apps_part(built, app):
    out, plan = built
    app.check_demo(out, plan)
