"""Hostile input on every council form: whatever is posted, the answer is a page or a
refusal, never a server error; and a refused post leaves the register as it was."""
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cfcity.audit.models import AuditEntry
from cfcity.councils.models import ChildrenCouncil, CouncilMember, Proposal
from tests.councils.factory import cw, stored  # noqa: F401
from tests.security.fuzzing import FIELD_TEXT, HOSTILE, NUMERALS, fuzz

pytestmark = pytest.mark.django_db
ANY = FIELD_TEXT | NUMERALS | st.sampled_from(HOSTILE) | st.integers().map(str) | st.just("")
ADD = {"member": ("pseudonym", "age_band", "real_name", "guardian_consent", "consent_on", "consent_form", "joined_on"),
       "adviser": ("name", "unit_name", "role"), "meeting": ("date", "topic", "attendance", "minutes"),
       "proposal": ("title", "text", "submitted_on", "meeting"), "save": ("name", "founded_on", "note")}


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def state():
    return (ChildrenCouncil.objects.count(), CouncilMember.objects.count(), Proposal.objects.count(),
            AuditEntry.objects.count())


@fuzz(30)
@given(data=st.data())
def test_council_forms(cw, data):
    action = data.draw(st.sampled_from(list(ADD)))
    form = {f"{action}-{k}": data.draw(ANY) for k in ADD[action]}
    form["action"] = data.draw(st.just(action) | ANY)
    before = state()
    r = client(cw["town_reporter"]).post(f"/councils/{cw['town_council'].pk}/", form)
    assert r.status_code in (302, 400), (form, r.status_code)
    if r.status_code == 400:
        assert state() == before
    r = client(cw["coordinator"]).post("/councils/new/", {"org_unit": data.draw(ANY), "name": data.draw(ANY),
                                                          "founded_on": data.draw(ANY)})
    assert r.status_code < 500


@fuzz(30)
@given(data=st.data())
def test_proposal_and_member_forms(cw, data):
    p = cw["proposal"]
    who = data.draw(st.sampled_from(["town_reporter", "health_reporter", "coordinator"]))
    form = {k: data.draw(ANY) for k in ("to", "due_on", "note", "text", "outcome", "reason", "age_band",
                                        "guardian_consent", "consent_on", "consent_form", "left_on")}
    form["action"] = data.draw(st.sampled_from(["route", "answer", "close", "reveal", "save"]) | ANY)
    assert client(cw[who]).post(f"/councils/proposals/{p.pk}/", form).status_code < 500
    assert client(cw[who]).post(f"/councils/members/{cw['member'].pk}/", form).status_code < 500
    assert client(cw[who]).get("/councils/proposals/", {"state": data.draw(ANY)}).status_code == 200
