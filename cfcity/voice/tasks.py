"""Celery task of the children's voice: tell the safeguarding team a flagged message waits."""
from celery import shared_task


@shared_task
def notify_team(message_id: int) -> None:
    from .services import notify_team as send
    send(message_id)
