from django.db import models

from .codes import validate_code


class OrgUnit(models.Model):
    """A unit of the organisation tree: areas (a city, its counties and districts), their
    departments, towns and subdistricts, villages and communities, schools, kindergartens,
    hospitals. Tree rules (what may sit under what, no cycles) are in ``cfcity.orgs.tree``."""

    class Kind(models.TextChoices):
        AREA = "area", "县/市/区"
        DEPARTMENT = "department", "部门"
        TOWN = "town", "镇（街道）"
        VILLAGE = "village", "村（社区）"
        SCHOOL = "school", "学校"
        KINDERGARTEN = "kindergarten", "幼儿园"
        HOSPITAL = "hospital", "医院"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=100, blank=True, default="")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField("代码", max_length=18, blank=True, default="", validators=[validate_code],
                            help_text="统一社会信用代码（18位）或行政区划代码（6、9或12位数字），可不填")
    order = models.IntegerField("排序", default=0, help_text="同一上级单位下的显示顺序，小的在前")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent"),
            # NULL parents are distinct in SQL: keep top-level names unique too
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent__isnull=True),
                                    name="orgunit_unique_top_level_name"),
            # a code is optional ("" = none) but names one unit only
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""),
                                    name="orgunit_unique_code"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Tree rules for forms and the admin: sensible nesting, no cycles."""
        from django.core.exceptions import ValidationError

        from .tree import TreeError, check_parent
        try:
            check_parent(self, self.parent)
        except TreeError as e:
            raise ValidationError({"parent": str(e)}) from e
