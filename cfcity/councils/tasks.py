"""Celery task of the councils: task 4's milestone judged again from the register (monthly)."""
from celery import shared_task
from django.core.management import call_command


@shared_task
def judge() -> None:
    call_command("councils", "judge")
