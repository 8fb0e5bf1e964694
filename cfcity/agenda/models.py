from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    """A user's iCalendar subscription (/agenda/<token>.ics). Like API tokens
    (cfcity.accounts.tokens) only the SHA-256 hash is kept: a copy of the database gives
    no working address. One live feed per user; a new one revokes the old."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField("摘要（SHA-256）", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"
        ordering = ["user", "-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.prefix}…"


class SentReminder(models.Model):
    """A deadline reminder mailed to a user at a step of the cadence: never twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="agenda_reminders")
    deadline_uid = models.CharField("事项", max_length=400)
    step = models.CharField("提醒节点", max_length=20)
    sent_on = models.DateField("发送日期")

    class Meta:
        verbose_name = "事项提醒"
        verbose_name_plural = "事项提醒"
        constraints = [models.UniqueConstraint(fields=["user", "deadline_uid", "step"],
                                               name="agenda_reminder_once")]
