"""Background jobs: a report is made outside the request that asked for it, and the page
polls the ``Job`` row for its progress.

``start`` checks the request, creates the ``Job`` (with its audit entry) and hands it to the
runner once the transaction commits. The runner is one function, ``submit``, chosen by the
setting ``MONITORING_JOB_RUNNER``:

- ``"celery"`` (production): the task ``monitoring.tasks.make_report`` on a Celery worker;
  a worker killed mid-job has the task handed out again, and ``run`` makes the file anew;
- ``"thread"`` (one machine): a daemon thread in the web process; nothing blocks the request;
- ``"inline"``: the job runs at once, before ``start`` returns (tests, commands).

``run`` does the
work: it moves the progress bar (``Job.progress``/``message``), stores the file under
MEDIA (``var/media/reports/<year>/``) and ends ``done`` or ``failed`` with a Chinese error.
"""
from __future__ import annotations

import logging
import threading
import time

from django.core.files.base import ContentFile
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from cfcity.audit.services import log_action
from cfcity.ops import background
from cfcity.ops.background import runner

from . import reports
from .models import Job

log = logging.getLogger(__name__)
STALE_MINUTES = 30  # a job still running after this long has lost its worker (a restart)


def start(kind: str, params: dict, plan, user) -> Job:
    """Check ``params`` (a ``reports.ReportError`` if wrong), create the job and start it.
    The caller checks that ``user`` may make reports for ``plan``."""
    checked = reports.check(kind, plan, params, timezone.localdate())
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=checked, plan=plan, created_by=user,
                                 message="排队中", filename=reports.filename(kind, plan, checked))
        log_action("monitoring.report.started", actor=user, obj=job, org_unit=plan.area,
                   data={"kind": kind, "params": checked, "plan": plan.pk})
    if runner() == "inline":
        submit(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: submit(job.pk))
    return job


def submit(job_id: int) -> None:
    """Hand the job to the runner."""
    if runner() == "inline":
        run(job_id)
        return
    if runner() == "celery":
        from . import tasks
        background.run(tasks.make_report, job_id)
        return
    thread = threading.Thread(target=_in_thread, args=(job_id,), name=f"cfcity-job-{job_id}", daemon=True)
    thread.start()


def _in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        connection.close()  # this thread's own connection


def _save(job: Job, fields: list[str], *, tries: int = 1) -> None:
    """Write the job's progress. On SQLite a reader may hold the table for a moment: progress
    is retried briefly and otherwise skipped; the final state (``tries`` > 1) insists."""
    for attempt in range(tries):
        try:
            Job.objects.filter(pk=job.pk).update(**{f: getattr(job, f) for f in fields})
            return
        except OperationalError:
            if attempt == tries - 1:
                if tries > 1:
                    raise
                return
            time.sleep(0.2 * (attempt + 1))


def run(job_id: int) -> Job:
    """Do the job: make the file, store it, mark the job done — or failed, saying why."""
    job = Job.objects.select_related("plan", "plan__area").filter(pk=job_id).first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return job  # deleted, or a second delivery of a job already finished
    job.status, job.progress, job.message = Job.Status.RUNNING, 1, "开始生成"
    _save(job, ["status", "progress", "message"], tries=5)

    def progress(percent: int, message: str):
        job.progress, job.message = max(job.progress, min(int(percent), 99)), message
        _save(job, ["progress", "message"])

    try:
        if job.plan is None:
            raise reports.ReportError("行动方案已被删除")
        content = reports.build(job.kind, job.plan, job.params, progress=progress)
        progress(95, "保存文件")
        name = f"job-{job.pk}.{job.params['format']}"  # the stored name is ours; the download name is job.filename
        job.file.save(name, ContentFile(content), save=False)
        job.status, job.progress, job.message = Job.Status.DONE, 100, "文件已生成"
        job.error = ""
    except reports.ReportError as e:
        job.status, job.message, job.error = Job.Status.FAILED, "生成失败", str(e)
    except Exception as e:  # a bug: logged with its traceback, the user told plainly
        log.exception("report job %s failed", job_id)
        job.status, job.message = Job.Status.FAILED, "生成失败"
        job.error = f"生成报告时出现内部错误（{type(e).__name__}），请联系系统管理员。"
    job.finished_at = timezone.now()
    _save(job, ["status", "progress", "message", "error", "file", "finished_at"], tries=10)
    log.info("report job %s %s", job.pk, job.status)
    return job


def is_stale(job: Job) -> bool:
    """Queued or running for longer than any report takes: its worker has gone (the server
    restarted); the page says so, and the coordinator starts it again."""
    if job.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
        return False
    return (timezone.now() - job.created_at).total_seconds() > STALE_MINUTES * 60
