"""Celery signals: the request id travels with the task it queued; failures are counted."""
from celery import signals

from . import requestid

HEADER = "cfcity_request_id"


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    if headers is not None and requestid.get():
        headers[HEADER] = requestid.get()


@signals.task_prerun.connect
def _take_request_id(task=None, **kwargs):
    requestid.set(getattr(task.request, HEADER, None) or requestid.new())


@signals.task_postrun.connect
def _clear_request_id(**kwargs):
    requestid.set("")


@signals.task_failure.connect
def _count_failure(sender=None, **kwargs):
    from . import metrics
    metrics.count_failure(getattr(sender, "name", "unknown"))
