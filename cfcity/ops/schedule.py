"""Celery beat's schedule: the jobs that run by the clock (docs/deployment.md lists them).

The same work can be run by hand with the commands named beside each entry."""
from __future__ import annotations


def beat_schedule() -> dict:
    from celery.schedules import crontab
    return {
        # statuses age with the calendar (stale data, overdue milestones): `cfcity monitor recompute`
        "recompute-nightly": {"task": "cfcity.monitoring.tasks.recompute_all",
                              "schedule": crontab(hour=1, minute=30)},
        # reminders and warnings by mail: `cfcity monitor digest`, `cfcity agenda remind`
        "digest-morning": {"task": "cfcity.monitoring.tasks.digest", "schedule": crontab(hour=8, minute=0)},
        "agenda-reminders": {"task": "cfcity.agenda.tasks.remind", "schedule": crontab(hour=8, minute=15)},
        # task 4's milestone from the council register: `cfcity councils judge`
        "councils-judge": {"task": "cfcity.councils.tasks.judge", "schedule": crontab(day_of_month=1, hour=3, minute=0)},
        # a report whose message was lost (the broker was down when it was asked for) is sent again
        "report-jobs-resend": {"task": "cfcity.monitoring.tasks.resend_lost_jobs", "schedule": 300.0},
    }
