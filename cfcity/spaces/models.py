"""Child-friendly spaces (儿童友好空间) and the residential communities the life circle serves.

A space lies in the area of an action plan: it has a kind (街区, 社区, 学校, 医院, 出行道路,
公园/口袋公园, 阅读空间, 运动场地 — rows of ``SpaceKind``, which bind the plan's targets by
their words, so another county's plan binds the same way), a status (planned → under
construction → open → certified), a location (``geometry``: a GeoJSON Point, LineString or
Polygon in WGS-84 / CGCS2000 longitude-latitude, RFC 7946) and a representative point
(``lon``/``lat``: the point itself, or the centroid of a line or outline) used for the life
circle and for sorting on the map.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class SpaceKind(models.Model):
    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    # words that bind a target to this kind: a target whose indicator contains one of them
    # is measured from the register (spaces.measures), e.g. "运动场地" → 8 片多功能运动场地
    target_words = models.CharField("目标关键词", max_length=200, blank=True,
                                    help_text="用顿号或逗号分隔；目标表述含其中任一词时，由本台账计量")
    in_life_circle = models.BooleanField("计入15分钟生活圈", default=False,
                                         help_text="社区儿童之家、公园、阅读空间、运动场地等步行可达的日常空间")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "空间类型"
        verbose_name_plural = "空间类型"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    def words(self) -> list[str]:
        import re
        return [w for w in re.split(r"[、,，;；\s]+", self.target_words) if w]


class Space(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "规划中"
        BUILDING = "building", "建设中"
        OPEN = "open", "已建成开放"
        CERTIFIED = "certified", "已认定"

    # counted as built (cumulative targets) / as 开展建设 (coverage targets): docs/methodology.md
    BUILT = (Status.OPEN, Status.CERTIFIED)
    STARTED = (Status.BUILDING, Status.OPEN, Status.CERTIFIED)

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所在镇（街道）或村（社区）",
                                 on_delete=models.PROTECT, related_name="spaces")
    lead_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="建设责任单位", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    kind = models.ForeignKey(SpaceKind, verbose_name="类型", on_delete=models.PROTECT, related_name="spaces")
    task = models.ForeignKey("plans.Task", verbose_name="计入任务", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="spaces")
    name = models.CharField("名称", max_length=200)
    address = models.CharField("地址", max_length=300, blank=True)
    description = models.TextField("简介", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField("开工日期", null=True, blank=True)
    opened_on = models.DateField("建成开放日期", null=True, blank=True)
    certified_on = models.DateField("认定日期", null=True, blank=True)
    geometry = models.JSONField("位置（GeoJSON 几何）")
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "儿童友好空间"
        verbose_name_plural = "儿童友好空间"
        ordering = ["kind__order", "name", "pk"]
        indexes = [models.Index(fields=["area", "kind", "status"])]

    def __str__(self):
        return self.name


class ResidentialCommunity(models.Model):
    """A residential community (居住社区/小区) whose children the 15-minute life circle serves:
    a point (its centre or main gate) in the village/community unit it belongs to."""

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属村（社区）", on_delete=models.PROTECT,
                                 related_name="residential_communities")
    name = models.CharField("名称", max_length=200)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    children = models.PositiveIntegerField("儿童人数", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "居住社区"
        verbose_name_plural = "居住社区"
        ordering = ["org_unit__order", "name", "pk"]

    def __str__(self):
        return self.name


def space_photo_path(instance, filename):
    # never the uploaded name: a random name under the space's folder
    import uuid
    return f"spaces/{instance.space_id}/{uuid.uuid4().hex}{instance.extension}"


class ChecklistItem(models.Model):
    """One item of the standard a kind of space is built to (安全防护, 适儿化设施 …)."""

    kind = models.ForeignKey(SpaceKind, verbose_name="空间类型", on_delete=models.CASCADE,
                             related_name="checklist")
    text = models.CharField("要求", max_length=200)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "建设标准要求"
        verbose_name_plural = "建设标准要求"
        ordering = ["kind", "order", "pk"]

    def __str__(self):
        return self.text


class SpaceCheck(models.Model):
    """A space meets one item of its kind's standard."""

    space = models.ForeignKey(Space, verbose_name="空间", on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, verbose_name="要求", on_delete=models.CASCADE, related_name="+")
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    ticked_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "达标项"
        verbose_name_plural = "达标项"
        constraints = [models.UniqueConstraint(fields=["space", "item"], name="space_check_unique")]


class SpacePhoto(models.Model):
    space = models.ForeignKey(Space, verbose_name="空间", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("文件", upload_to=space_photo_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    caption = models.CharField("说明（图片替代文字）", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("校验值", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "空间照片"
        verbose_name_plural = "空间照片"
        ordering = ["space", "pk"]
