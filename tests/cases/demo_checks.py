"""The cases part of ``cfcity demo``: cases in every state (some published, one draft), a
meeting with its material, one release; the public site shows the published cases only."""

from django.test import Client

from cfcity.cases.models import Case, Meeting
from cfcity.public.models import Release


def check_demo(out, plan):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "accepted", "published"}
    assert Case.objects.filter(status="published").count() == 2
    meeting = Meeting.objects.get()
    assert meeting.materials.count() == 1 and meeting.cases.count() == 2
    release = Release.objects.get()
    assert release.statuses.count() > 20  # every target of the plan as the engine judged it
    draft = Case.objects.get(status="draft")
    site = Client()
    listing = site.get(f"/public/plans/{release.plan_id}/cases/").content.decode()
    assert all(c.title in listing for c in Case.objects.filter(status="published"))
    assert draft.title not in listing
    assert site.get(f"/public/plans/{release.plan_id}/").status_code == 200
