from django.conf import settings
from django.db import models

from .roles import Role


class Membership(models.Model):
    """A user belongs to one org unit, in one role; everything they see follows from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="membership")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="members")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用户单位与角色"
        verbose_name_plural = "用户单位与角色"

    def __str__(self):
        return f"{self.user.get_username()}：{self.org_unit} · {self.get_role_display()}"
