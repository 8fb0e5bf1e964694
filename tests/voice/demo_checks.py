"""The children's-voice part of the demo: messages in every moderation state, two flagged (one
answered and referred, one past its response time), an approved quote, the team's user; the
public pages show counts and the quote only, never a child's name or phone number."""
from django.test import Client
from django.utils import timezone

from cfcity.voice.demo import ANSWERED, OVERDUE
from cfcity.voice.models import Message, Referral


def check_demo(out, plan):
    states = set(Message.objects.filter(area=plan.area).values_list("state", flat=True))
    assert states == {"pending", "approved", "rejected", "flagged", "handled"}, states
    flagged = Message.objects.get(area=plan.area, state="flagged")
    assert flagged.response_due < timezone.now() and flagged.responded_at is None
    handled = Message.objects.get(area=plan.area, state="handled")
    assert handled.responded_at <= handled.response_due
    assert Referral.objects.filter(message=handled).count() == 1
    assert Message.objects.filter(area=plan.area, quote_state="approved").count() == 1
    assert Message.objects.filter(area=plan.area, quote_state="proposed").count() == 1
    scrubbed = Message.objects.filter(area=plan.area, scrubbed__contains="〔姓名〕")
    assert scrubbed.exists() and Message.objects.filter(scrubbed__contains="〔电话〕").exists()
    from django.contrib.auth.models import User
    team = User.objects.get(username="ertong_an")
    assert team.membership.role == "safeguarding"
    site = Client()
    for path in (f"/voice/?area={plan.area_id}", f"/voice/summary/?area={plan.area_id}"):
        r = site.get(path)
        assert r.status_code == 200
        html = r.content.decode()
        for secret in ("王小明", "13812345678", "13900001111", "李强", ANSWERED[:8], OVERDUE[:8]):
            assert secret not in html
    assert "&lt;5" in site.get(f"/voice/summary/?area={plan.area_id}").content.decode()
