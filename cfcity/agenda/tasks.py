"""Celery task of the agenda: the day's reminders (beat runs it every morning)."""
from celery import shared_task
from django.core.management import call_command


@shared_task
def remind() -> None:
    call_command("agenda", "remind")
