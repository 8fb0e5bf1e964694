"""The campaigns part of ``cfcity demo``: a closed and an open campaign, works in every state;
the public pages show the approved works by pseudonym only, and the child's name one
description was typed with is scrubbed everywhere."""

from django.test import Client

from cfcity.campaigns.models import Campaign, Submission


def check_demo(out, plan):
    campaigns = Campaign.objects.filter(plan=plan)
    assert set(campaigns.values_list("status", flat=True)) == {"open", "closed"}
    works = Submission.objects.filter(campaign__plan=plan)
    assert set(works.values_list("state", flat=True)) == {"pending", "approved", "rejected", "withdrawn"}
    assert not works.filter(state="withdrawn", files__isnull=False).exists()
    assert not works.filter(description__contains="王小明").exists()
    site = Client()
    listing = site.get("/campaigns/").content.decode()
    for w in works.filter(state="approved"):
        page = site.get(f"/campaigns/{w.campaign_id}/").content.decode()
        assert w.title in page and w.pseudonym in page
        f = w.files.first()
        assert site.get(f"/campaigns/files/{f.pk}/").status_code == 200
    for w in works.exclude(state="approved"):
        assert w.title not in listing
        for f in w.files.all():
            assert site.get(f"/campaigns/files/{f.pk}/").status_code == 404
    opened = campaigns.get(status="open")
    assert site.get(f"/campaigns/{opened.pk}/submit/").status_code == 200
