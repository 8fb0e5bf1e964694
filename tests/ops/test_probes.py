"""/healthz, /readyz and /metrics over real HTTP requests through the whole middleware stack."""
from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_alive_without_host_check_or_https(client, settings):
    settings.ALLOWED_HOSTS = ["cfcity.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8001")  # a balancer probes by address
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_each_service(client):
    response = client.get("/readyz")
    data = response.json()
    assert response.status_code == 200 and data["status"] == "ok"
    assert set(data["checks"]) == {"database", "cache", "broker", "disk"}
    assert all(c["ok"] for c in data["checks"].values())
    assert data["checks"]["database"]["detail"] in ("sqlite", "postgresql")


def test_readyz_fails_with_503_when_disk_is_short(client, settings):
    settings.READY_MIN_FREE_MB = 10**12  # more than any disk has
    response = client.get("/readyz/")
    data = response.json()
    assert response.status_code == 503 and data["status"] == "fail"
    assert data["checks"]["disk"]["ok"] is False and "少于" in data["checks"]["disk"]["detail"]
    assert data["checks"]["database"]["ok"] is True


def test_readyz_fails_when_media_dir_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.STORAGES = {**settings.STORAGES,
                         "default": {**settings.STORAGES["default"], "OPTIONS": {"location": blocker / "media"}}}
    data = client.get("/readyz").json()
    assert data["checks"]["disk"]["ok"] is False


def test_readyz_fails_when_celery_broker_does_not_answer(client, settings):
    settings.MONITORING_JOB_RUNNER = "celery"
    settings.BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_readyz_through_the_proxy_hides_error_details(client, settings):
    settings.READY_MIN_FREE_MB = 10**12
    data = client.get("/readyz", HTTP_X_FORWARDED_FOR="203.0.113.9").json()
    assert data["checks"]["disk"] == {"ok": False}


def _metric(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, f"{prefix} not in metrics"
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


def test_metrics_count_requests_and_latency_by_view(client):
    client.get("/public/")
    before = client.get("/metrics").content.decode()
    client.get("/public/")
    client.get("/no-such-page/")
    text = client.get("/metrics").content.decode()
    assert client.get("/metrics")["Content-Type"].startswith("text/plain; version=0.0.4")
    view = 'cfcity_http_requests_total{method="GET",status="200",view="public:index"}'
    assert _metric(text, view) == _metric(before, view) + 1
    assert _metric(text, 'cfcity_http_requests_total{method="GET",status="404",view="unmatched"}') >= 1
    assert _metric(text, 'cfcity_http_request_duration_seconds_count{method="GET",view="public:index"}') >= 2
    for name in ("cfcity_reports_submitted_total", "cfcity_job_queue_depth", "cfcity_report_jobs",
                 "cfcity_job_failures", "cfcity_broker_up"):
        assert name in text


def test_metrics_count_failed_report_jobs_and_submitted_reports(client):
    from cfcity.monitoring.models import Job
    Job.objects.create(kind="annual", status=Job.Status.FAILED, error="x")
    Job.objects.create(kind="annual", status=Job.Status.DONE)
    text = client.get("/metrics").content.decode()
    assert _metric(text, 'cfcity_job_failures_total{kind="report:annual"}') == 1
    assert _metric(text, 'cfcity_report_jobs{status="failed"}') == 1
    assert _metric(text, "cfcity_reports_submitted_total") == 0


def test_metrics_refused_through_the_proxy_and_from_outside(settings):
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="198.51.100.4").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    settings.METRICS_ALLOW = ["10.1.2.3"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403


def test_metrics_with_a_token_need_exactly_that_token(settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    c = Client(REMOTE_ADDR="127.0.0.1")
    assert c.get("/metrics").status_code == 403  # the token replaces the address rule
    assert c.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus\x00").status_code == 403
    ok = Client(REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert ok.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus").status_code == 200


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code in (403, 404, 405)  # not the probe: CSRF or no page


def test_request_id_is_echoed_when_sane_and_replaced_when_not(client):
    given = "5f2b7c1e9a0d4e8f8a6b3c2d1e0f9a8b"
    assert client.get("/public/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    for hostile in ("a\r\nSet-Cookie: x=1", "<script>alert(1)</script>", "x" * 500, "短", ""):
        rid = client.get("/public/", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
        assert rid != hostile and len(rid) == 32 and rid.isalnum()
    a, b = client.get("/public/")["X-Request-ID"], client.get("/public/")["X-Request-ID"]
    assert a != b


def test_readyz_json_is_parseable_utf8(client):
    raw = client.get("/readyz").content
    assert json.loads(raw.decode("utf-8"))["status"] == "ok"
