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


def _text_of(response) -> str:
    """What a person could read in a response: the page, or every XML part of an xlsx/docx."""
    body = response.content if not getattr(response, "streaming", False) else b"".join(response.streaming_content)
    if body[:2] == b"PK":
        import zipfile
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.mark.django_db
def test_no_childs_name_on_a_public_page_or_in_an_export(built):
    """Every page a visitor can reach from the public site, the children's page and the works
    gallery, and every export of the new registers, read for the children's names the demo
    holds: council members' real names, registered children's names, and the name a demo child
    typed into a message and a work (“我叫王小明…”)."""
    from urllib.parse import urljoin, urlsplit

    from django.contrib.auth.models import User
    from django.test import Client

    from cfcity.assessments.models import ImpactAssessment
    from cfcity.campaigns.models import Campaign
    from cfcity.councils.models import CouncilMember
    from cfcity.welfare.models import Child

    names = {n for n in CouncilMember.objects.values_list("real_name", flat=True) if n}
    names |= {c.name for c in Child.objects.all() if c.name}
    names.add("王小明")
    assert len(names) > 30

    visitor, seen, queue = Client(), set(), ["/public/", "/voice/", "/voice/summary/", "/campaigns/"]
    import re
    while queue and len(seen) < 250:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = visitor.get(url)
        assert r.status_code in (200, 302, 404), url
        text = _text_of(r)
        assert not [n for n in names if n in text], url
        if r.get("Content-Type", "").startswith("text/html"):
            for href in re.findall(r'(?:href|src)="([^"#]+)"', text):
                path = urlsplit(urljoin(url, href)).path
                if path.startswith(("/public/", "/voice/", "/campaigns/")) and path not in seen:
                    queue.append(path)
    assert len(seen) > 20

    coordinator = Client()
    coordinator.force_login(User.objects.get(username="fegw_xt"))
    exports = ["/councils/export.xlsx", "/voice/messages/export.xlsx", "/spaces/spaces.geojson?download=1",
               "/lifecircle/results.geojson",
               *(f"/campaigns/manage/{c.pk}/export.xlsx" for c in Campaign.objects.all()),
               *(f"/assessments/{a.pk}/report.docx" for a in ImpactAssessment.objects.all())]
    for url in exports:
        r = coordinator.get(url)
        assert r.status_code == 200, url
        assert not [n for n in names if n in _text_of(r)], url
