"""Celery tasks of the welfare register: alert mail, and key rotation in the background.

Rotation resumes where it stopped (``cfcity keys rotate``), so a worker killed mid-way and the
task handed out again finishes the work."""
from celery import shared_task
from django.core.management import call_command


@shared_task
def mail_alert(alert_id: int) -> None:
    from .models import Alert
    from .notify import mail_alert as send
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is not None:
        send(alert)


@shared_task
def rotate_keys() -> None:
    call_command("keys", "rotate")
