"""Prometheus metrics at /metrics.

Request counts and latency are counted by each process (prometheus_client; with several
gunicorn workers set PROMETHEUS_MULTIPROC_DIR, one directory per instance, emptied at start —
cfcity/gunicorn_conf.py does). Everything else is read when scraped, from what all instances
share: the job queue's depth from the broker, report jobs and submitted reports from the
database, task failures from a counter in the broker's Redis (cfcity.ops.signals)."""
from __future__ import annotations

import logging
import os

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FAILURES_KEY = "cfcity:metrics:task-failures"

REQUESTS = Counter("cfcity_http_requests_total", "HTTP requests answered, by view and status",
                   ["method", "view", "status"])
LATENCY = Histogram("cfcity_http_request_duration_seconds", "Time to answer a request, by view",
                    ["method", "view"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))


def observe(method: str, view: str, status: int, seconds: float) -> None:
    method = method if method in ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS") else "OTHER"
    REQUESTS.labels(method, view, str(status)).inc()
    LATENCY.labels(method, view).observe(seconds)


def _redis():
    if not settings.BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis
    return redis.Redis.from_url(settings.BROKER_URL, socket_connect_timeout=1, socket_timeout=1)


def count_failure(name: str) -> None:
    """One more failure of a background task (kept in the broker's Redis: shared, survives restarts
    of the web tier). Never raises: counting must not turn a failure into another."""
    try:
        client = _redis()
        if client is not None:
            client.hincrby(FAILURES_KEY, name, 1)
    except Exception:
        log.warning("could not count the failure of %s", name)


def queue_depth(client, queue: str) -> int:
    # kombu's Redis transport keeps one list per priority step: "cfcity", "cfcity\x06\x163", …
    return sum(client.llen(key) for key in client.scan_iter(match=f"{queue}*", count=100)
               if client.type(key) == b"list")


class SharedCollector:
    """Figures read from the database and the broker when /metrics is scraped."""

    def collect(self):
        from cfcity.monitoring.models import Job
        from cfcity.reporting.models import Report
        from django.db.models import Count

        jobs = GaugeMetricFamily("cfcity_report_jobs", "Report jobs by status", labels=["status"])
        failed = CounterMetricFamily("cfcity_job_failures", "Failed background jobs, by kind", labels=["kind"])
        for row in Job.objects.values("status").annotate(n=Count("pk")):
            jobs.add_metric([row["status"]], row["n"])
        for row in Job.objects.filter(status=Job.Status.FAILED).values("kind").annotate(n=Count("pk")):
            failed.add_metric([f"report:{row['kind']}"], row["n"])
        submitted = CounterMetricFamily("cfcity_reports_submitted", "Reports ever submitted for review")
        submitted.add_metric([], Report.objects.filter(submitted_at__isnull=False).count())
        depth = GaugeMetricFamily("cfcity_job_queue_depth", "Background jobs waiting in the queue", labels=["queue"])
        unacked = GaugeMetricFamily("cfcity_job_queue_unacked", "Jobs taken by a worker and not yet finished")
        up = GaugeMetricFamily("cfcity_broker_up", "1 when the broker answered this scrape")
        client = None
        try:
            client = _redis()
            if client is not None:
                depth.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE],
                                 queue_depth(client, settings.CELERY_TASK_DEFAULT_QUEUE))
                unacked.add_metric([], client.hlen("unacked"))
                for name, n in client.hgetall(FAILURES_KEY).items():
                    failed.add_metric([name.decode()], int(n))
                up.add_metric([], 1)
        except Exception:
            up.add_metric([], 0)
        finally:
            if client is not None:
                client.close()
        yield from (jobs, failed, submitted, depth, unacked, up)


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        local = CollectorRegistry()
        multiprocess.MultiProcessCollector(local)
    else:
        local = REGISTRY
    shared = CollectorRegistry(auto_describe=False)
    shared.register(SharedCollector())
    return generate_latest(local) + generate_latest(shared)
