from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """The audit log is only ever appended to (see docs/security.md)."""


class AuditQuerySet(models.QuerySet):
    """Reads only: entries are added by ``log_action`` and never changed or removed. (Deleting a
    user or unit empties ``actor``/``org_unit`` through Django's base manager, which is not
    this one; the database triggers allow exactly that and nothing else.)"""

    def update(self, **kwargs):
        raise AppendOnly("操作记录不能修改")

    def delete(self):
        raise AppendOnly("操作记录不能删除")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnly("操作记录只能通过 log_action 逐条写入（哈希链）")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("操作记录不能修改")


def _now():
    return timezone.now()  # looked up at call time: the demo builder patches timezone.now


class AuditEntry(models.Model):
    """One important write (or read of a full record): who did what to which object, with
    the data before and after.

    Written by ``log_action`` inside the same transaction as the write it records, so a
    change and its record are stored together or not at all. Append-only and hash-chained
    (``chain.py``): ``cfcity audit verify`` proves no row was changed, removed or inserted.
    ``actor_ref``/``org_unit_ref`` keep the ids as recorded (hashed); ``actor``/``org_unit``
    are links for reading that become empty when the user or unit is deleted."""

    action = models.CharField("操作", max_length=100, db_index=True)  # dotted code: plans.plan.imported
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_ref = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)  # kept if the user goes
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    org_unit_ref = models.BigIntegerField("所属单位编号", null=True, blank=True, db_index=True)
    data = models.JSONField("内容", default=dict, blank=True)  # {"before": …, "after": …, …}
    created_at = models.DateTimeField("时间", default=_now, db_index=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True)
    entry_hash = models.CharField("本条哈希", max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '系统'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self.entry_hash:
            raise AppendOnly("操作记录只能通过 log_action 写入，写入后不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("操作记录不能删除")


class ChainHead(models.Model):
    """The last entry of the chain, moved on by every append: removing entries from the end
    of the log (which leaves the remaining chain intact) no longer matches it. One row."""

    last_id = models.BigIntegerField("最后一条记录")
    last_hash = models.CharField("最后一条哈希", max_length=64)
    count = models.BigIntegerField("记录条数")

    class Meta:
        verbose_name = verbose_name_plural = "操作记录链尾"
