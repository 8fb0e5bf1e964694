"""Where background work runs — one choice for every app (settings.MONITORING_JOB_RUNNER).

- ``celery``: the task goes to the broker once the request's transaction commits; a worker
  runs it. The web tier keeps nothing: any instance may die without losing work.
- ``thread`` / ``inline``: the task's function runs in this process right after the commit
  (one machine; tests).

Tasks are Celery tasks (each app's ``tasks.py``) whose arguments are plain ids and names,
never model objects, and which are safe to run twice."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

log = logging.getLogger(__name__)


RUNNERS = ("thread", "inline", "celery")


def runner() -> str:
    name = getattr(settings, "MONITORING_JOB_RUNNER", "thread") or "thread"
    if name not in RUNNERS:
        raise ImproperlyConfigured(f"MONITORING_JOB_RUNNER 应为 {' 或 '.join(RUNNERS)}，现为 {name!r}")
    return name


def queued() -> bool:
    return runner() == "celery"


def run(task, *args) -> None:
    """Run ``task(*args)`` now: on the queue, or in this process."""
    if queued():
        try:
            task.delay(*args)
        except Exception:  # the broker is down: the request's own work is committed already
            # a report job is sent again by the schedule (resend_lost_jobs); figures are
            # recomputed every night — say so loudly, never fail the user's saved request
            log.exception("could not queue %s%r", task.name, args)
            from . import metrics
            metrics.count_failure(f"queue:{task.name}")
    else:
        task(*args)


def after_commit(task, *args) -> None:
    """Run ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: run(task, *args))
