"""Background work through the queue (Celery's in-memory transport: real messages, no worker):
what is queued, once; the schedule names real tasks; a task refuses what it must not run."""
from __future__ import annotations

import pytest
from django.db import transaction

from cfcity.celery import app
from cfcity.monitoring import registers, tasks
from cfcity.ops import background

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    """Jobs go to the broker (memory://, this process) instead of running here; yields a function
    returning the names of the tasks waiting, and empties the queue after."""
    settings.MONITORING_JOB_RUNNER = "celery"
    assert app.conf.broker_url == "memory://"

    def waiting() -> list[str]:
        names = []
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            while (message := channel.basic_get(settings.CELERY_TASK_DEFAULT_QUEUE, no_ack=True)) is not None:
                names.append(message.headers["task"])
        return names
    waiting()
    yield waiting
    waiting()


def test_schedule_names_only_registered_tasks(settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_task_is_queued_only_after_commit_and_not_on_rollback(queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        background.after_commit(tasks.refresh_warnings, 1)
        assert queue() == []
    assert queue() == ["cfcity.monitoring.tasks.refresh_warnings"]
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            background.after_commit(tasks.refresh_warnings, 1)
            raise RuntimeError("rolled back")
    assert queue() == []


def test_a_burst_of_acceptances_queues_one_recompute_per_plan(queue):
    from django.core.cache import cache
    cache.delete_many([tasks.PENDING.format(7), tasks.PENDING.format(8)])
    for _ in range(5):
        tasks.recompute_soon(7)
    tasks.recompute_soon(8)
    assert queue() == ["cfcity.monitoring.tasks.recompute_plans"] * 2
    tasks.recompute_plans([7])  # the run takes the mark off: the next change queues again
    tasks.recompute_soon(7)
    assert queue() == ["cfcity.monitoring.tasks.recompute_plans"]


def test_register_publishing_is_queued_once_per_transaction(queue, django_capture_on_commit_callbacks):
    from cfcity.spaces import measures
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            measures.publish_soon()
    assert queue() == ["cfcity.monitoring.tasks.publish_register"]


def test_publish_register_runs_only_known_publishers():
    with pytest.raises(ValueError):
        tasks.publish_register("os.system")
    with pytest.raises(ValueError):
        registers._queue_call(print)


def test_broker_down_does_not_fail_the_committed_request(settings, caplog):
    from celery import Celery
    settings.MONITORING_JOB_RUNNER = "celery"
    dead = Celery("dead-broker", broker="redis://127.0.0.1:1/0", set_as_current=False)  # nothing on port 1
    dead.conf.update(task_publish_retry=False, broker_connection_retry=False, broker_connection_timeout=1)

    @dead.task(name="cfcity.tests.noop")
    def noop(x):
        return x

    with caplog.at_level("ERROR"):
        background.run(noop, 1)  # logged, not raised
    assert "could not queue cfcity.tests.noop(1,)" in caplog.text


def test_key_rotation_can_be_handed_to_the_workers(queue, capsys):
    from django.core.management import call_command
    call_command("keys", "rotate", "--background")
    assert queue() == ["cfcity.welfare.tasks.rotate_keys"]
    assert "已交给后台任务队列" in capsys.readouterr().out


def test_key_rotation_in_the_background_needs_celery(settings):
    from django.core.management import CommandError, call_command
    settings.MONITORING_JOB_RUNNER = "thread"
    with pytest.raises((CommandError, SystemExit)):
        call_command("keys", "rotate", "--background")
