"""A release (发布): what the public site shows, frozen.

The coordinator releases the plan's progress period by period; ``release`` copies the
area's current TargetStatus rows into PublishedStatus, so a later recompute (a correction,
a new report) changes nothing the public sees until the next release.
"""
from django.conf import settings
from django.db import models

from cfcity.monitoring.models import STATUS_CHOICES


class Release(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField("期数")
    label = models.CharField("名称", max_length=100)  # 2024年度
    note = models.TextField("说明", blank=True)
    as_of = models.DateField("数据截至")
    released_at = models.DateTimeField("发布时间", auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "公开发布"
        verbose_name_plural = "公开发布"
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="release_unique_number")]

    def __str__(self):
        return f"第{self.number}期 {self.label}"


class PublishedStatus(models.Model):
    release = models.ForeignKey(Release, verbose_name="发布", on_delete=models.CASCADE, related_name="statuses")
    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES)
    latest = models.FloatField("最新值", null=True)
    latest_when = models.DateField("最新值日期", null=True)
    baseline = models.FloatField("基期值", null=True)
    baseline_year = models.PositiveIntegerField("基期年份", null=True)
    progress = models.FloatField("完成进度", null=True)
    series = models.JSONField("数据序列", default=list)  # [[iso date, value], …]

    class Meta:
        verbose_name = "公开的目标进展"
        verbose_name_plural = "公开的目标进展"
        constraints = [models.UniqueConstraint(fields=["release", "target"], name="published_status_unique")]
