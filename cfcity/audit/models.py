from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One important write: who did what to which object, with the data before and after.

    Written by ``log_action`` inside the same transaction as the write it records, so a
    change and its record are stored together or not at all. Never edited or deleted by the
    application."""

    action = models.CharField("操作", max_length=100, db_index=True)  # dotted code: plans.plan.imported
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)  # kept if the user goes
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField("内容", default=dict, blank=True)  # {"before": …, "after": …, …}
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '系统'} {self.action} {self.object_repr}"
