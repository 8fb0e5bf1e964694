"""Hostile input on the cases, meetings and release forms: whatever is posted, the answer is
a page or a refusal, never a server error (tests/security/fuzzing.py profiles)."""
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.cases.factory import gallery, stored  # noqa: F401
from tests.security.fuzzing import FIELD_TEXT, HOSTILE, NUMERALS, fuzz

pytestmark = pytest.mark.django_db
ANY = FIELD_TEXT | NUMERALS | st.sampled_from(HOSTILE) | st.integers().map(str) | st.just("")


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


@fuzz(40)
@given(data=st.data())
def test_case_forms(gallery, data):
    g = gallery
    who = data.draw(st.sampled_from(["health_reporter", "coordinator"]))
    target = data.draw(st.sampled_from(["draft", "submitted", "accepted", "published"]))
    form = {k: data.draw(ANY) for k in ("title", "year", "summary", "text", "comment", "tags", "tasks", "file")}
    form["action"] = data.draw(st.sampled_from(["save", "submit", "accept", "return", "publish", "unpublish",
                                                "tags", "remove", "upload"]) | ANY)
    r = client(g[who]).post(f"/cases/{g[target].pk}/", form)
    assert r.status_code < 500, (form, r.status_code)
    r = client(g[who]).post("/cases/new/", form)
    assert r.status_code < 500


@fuzz(30)
@given(data=st.data())
def test_meeting_and_release_forms(gallery, data):
    g = gallery
    c = client(g["coordinator"])
    form = {k: data.draw(ANY) for k in ("kind", "title", "date", "place", "participants", "summary", "cases")}
    assert c.post("/meetings/", form).status_code < 500
    r = c.post(f"/public/plans/{g['plan'].pk}/releases/", {"label": data.draw(ANY), "note": data.draw(ANY)})
    assert r.status_code < 500
    assert Client().get(f"/public/plans/{g['plan'].pk}/cases/", {"tag": data.draw(ANY)}).status_code in (200, 400, 404)
