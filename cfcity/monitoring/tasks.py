"""Celery tasks of monitoring: reports, recomputation, register figures, the morning digest.

Arguments are ids and names; every task may run twice (a worker killed mid-task has it handed
out again) without harm: recomputing is idempotent, a finished report is not made again."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string


@shared_task
def make_report(job_id: int) -> None:
    from . import jobs
    jobs.run(job_id)


PENDING = "cfcity:recompute-pending:{}"


def recompute_soon(plan_id: int) -> None:
    """After an acceptance commits: recompute the plan — once for a burst of acceptances. On the
    queue a plan has at most one recompute waiting (the mark is taken off when it starts, so a
    change made during a run is picked up by the next one)."""
    from django.core.cache import cache

    from cfcity.ops import background
    if background.queued() and not cache.add(PENDING.format(plan_id), 1, timeout=600):
        return  # one is waiting already and will see this change
    background.run(recompute_plans, [plan_id])


@shared_task
def recompute_plans(plan_ids: list[int]) -> None:
    from django.core.cache import cache

    from cfcity.plans.models import Plan

    from . import services
    cache.delete_many([PENDING.format(pk) for pk in plan_ids])
    plans = list(Plan.objects.filter(pk__in=plan_ids))
    if plans:
        services.recompute(plans)


@shared_task
def recompute_all() -> None:
    from . import services
    services.recompute()


@shared_task
def refresh_warnings(plan_id: int) -> None:
    from cfcity.plans.models import Plan

    from . import warnings
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is not None:
        warnings.refresh(plan)


@shared_task
def publish_register(path: str) -> None:
    """A register's figures (welfare, spaces, life circle) after a change to it."""
    from .registers import PUBLISHERS
    if path not in PUBLISHERS:  # the queue only ever names one of ours
        raise ValueError(f"unknown register publisher {path!r}")
    import_string(path)()


@shared_task
def digest() -> None:
    call_command("monitor", "digest")


@shared_task
def resend_lost_jobs(older_than_minutes: int = 5) -> int:
    """Report jobs still queued a while after they were asked for: their message never reached
    the broker (it was down) — send them again. Running one twice only makes the file twice."""
    from .models import Job
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    ids = list(Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True))
    for pk in ids:
        make_report.delay(pk)
    return len(ids)
