"""The JSON API fuzzed from its own OpenAPI document (schemathesis), in-process against the
WSGI application gunicorn serves: every operation, with a coordinator's and a reporter's
bearer token, gets generated paths, queries and bodies (valid and invalid). No answer may be
a server error, and every answer must be one the document declares, in its declared shape.

The world is tests/conftest.py's (two counties, a plan each); the reporter's report on task
(2) is opened first so report ids exist. Each example runs in a savepoint rolled back
afterwards: writes made by one example never leak into the next.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from cfcity.accounts import tokens
from cfcity.wsgi import application
from cfcity.plans.models import Task
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Period

from .fuzzing import PROFILE, PROFILE_NAME

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {"dev": 12, "ci": 12, "deep": 120}[PROFILE_NAME]


# the document as the running site serves it (public, no database needed to answer)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def keep_connection():
    """The WSGI app closes the database connection after each request (request_finished); the
    test's transaction needs it open, as Django's own test client arranges."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_connection):
    """A token for the county's coordinator and for 县卫生健康局's reporter; an opened report."""
    plan = world["plan"]
    services.create_periods(plan, "year")
    services.sync_assignments(plan)
    period = Period.objects.get(plan=plan, kind="year", year=2024)
    task = Task.objects.get(plan=plan, number=2)
    workflow.open_report(task, world["health"], period, user=world["health_reporter"])
    return {who: {"Authorization": f"Bearer {tokens.create_token(world[who])[1]}"}
            for who in ("coordinator", "health_reporter")}


@schema.parametrize()
@settings(PROFILE, max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
def test_api_as_the_coordinator(case, bearer, db):
    call(case, bearer["coordinator"])


@schema.parametrize()
@settings(PROFILE, max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
def test_api_as_a_reporter(case, bearer):
    call(case, bearer["health_reporter"])


def call(case, headers):
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
