from django.db import models


class OrgUnit(models.Model):
    """A unit of the county's organisation tree: the area itself, its departments,
    towns, villages/communities, schools, kindergartens, hospitals."""

    class Kind(models.TextChoices):
        AREA = "area", "地区"
        DEPARTMENT = "department", "部门"
        TOWN = "town", "镇街"
        VILLAGE = "village", "村社区"
        SCHOOL = "school", "学校"
        KINDERGARTEN = "kindergarten", "幼儿园"
        HOSPITAL = "hospital", "医院"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent"),
            # NULL parents are distinct in SQL: keep top-level names unique too
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent__isnull=True),
                                    name="orgunit_unique_top_level_name"),
        ]

    def __str__(self):
        return self.name
