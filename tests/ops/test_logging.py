"""Structured logs: one JSON object a line, with the request id the response carries, masked."""
from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from cfcity.logscrub import logging_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The production handler (JSON, scrubbing, request id) on cfcity.request, into a buffer."""
    config = logging_config("INFO", json_format=True)
    formatter_cfg = dict(config["formatters"]["json"])
    from pythonjsonlogger.json import JsonFormatter
    formatter_cfg.pop("()")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter(**formatter_cfg))
    from cfcity.logscrub import ScrubFilter
    from cfcity.ops.requestid import RequestIdFilter
    handler.addFilter(ScrubFilter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("cfcity.request")
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_access_line_is_json_with_the_request_id(client, json_lines):
    response = client.get("/public/?phone=13912345678", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    [line] = [e for e in json_lines() if e["path"] == "/public/"]
    assert line["request_id"] == response["X-Request-ID"] == "req-0123456789abcdef"
    assert line["status"] == 200 and line["method"] == "GET" and line["view"] == "public:index"
    assert line["level"] == "INFO" and line["logger"] == "cfcity.request" and "time" in line
    assert isinstance(line["ms"], float) and line["user_id"] is None


def test_log_message_is_masked_in_json(json_lines):
    logging.getLogger("cfcity.request").warning("家长电话 13912345678，身份证 110101200501011234")
    [line] = json_lines()
    assert "13912345678" not in line["message"] and "110101200501011234" not in line["message"]
    assert line["request_id"] == ""  # outside a request


def test_text_format_stays_the_default_outside_production(settings):
    assert settings.LOG_FORMAT == "text"
    assert "formatter" not in logging_config("INFO")["handlers"]["console"]
