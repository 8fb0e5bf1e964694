"""The work plan form posted with generated data by its unit's reporter and the review form
by the coordinator: never a server error, and a refusal (a 4xx, or a redirect with an error
message) wrote nothing. Each example runs in a savepoint rolled back afterwards."""
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cfcity.workplans import services
from tests.security.fuzzing import fuzz
from tests.security.test_fuzz_forms import ANY, fields, post_checked
from tests.security import test_fuzz_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(wp_world, monkeypatch):
    monkeypatch.setattr(test_fuzz_forms, "WATCHED_APPS", (*test_fuzz_forms.WATCHED_APPS, "workplans"))
    w = wp_world
    w["wp"] = services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    for who in ("housing_reporter", "coordinator"):
        c = Client()
        c.force_login(w[who])
        w[f"{who}_client"] = c
    return w


@fuzz(50)
@given(data=st.data())
def test_work_plan_form(f, data):
    wp, t, task = f["wp"], f["streets"].pk, f["streets_task"].pk
    who = data.draw(st.sampled_from(["housing_reporter", "coordinator"]))
    form = data.draw(fields(
        {"action": st.sampled_from(["save", "submit", "accept", "return", "approve", "spending"]) | ANY},
        {"version": st.sampled_from([str(wp.version)]) | ANY, "summary": ANY, f"measures-{task}": ANY,
         f"share-{t}": ANY, f"towns-{t}": st.sampled_from([str(f["town"].pk), str(f["other_edu"].pk)]) | ANY,
         "ms-count": st.sampled_from(["0", "1", "2"]) | ANY, "ms-0-title": ANY, "ms-0-due": ANY, "ms-0-task": ANY,
         "bl-count": st.sampled_from(["0", "1"]) | ANY, "bl-0-task": st.sampled_from([str(task)]) | ANY,
         "bl-0-item": ANY, "bl-0-source": st.sampled_from(["reward", "budget"]) | ANY, "bl-0-planned": ANY,
         "comment": ANY, "line": ANY, "spent": ANY}))
    post_checked(f[f"{who}_client"], f"/workplans/{wp.pk}/", form)


@fuzz(20)
@given(data=st.data())
def test_open_form(f, data):
    form = data.draw(fields({"plan": st.sampled_from([str(f["plan"].pk)]) | ANY, "year": ANY}))
    post_checked(f["housing_reporter_client"], "/workplans/open/", form)
