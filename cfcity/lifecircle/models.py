"""The walking network of an area and the life-circle runs computed on it.

``WalkNetwork``: the paths of one area read from an uploaded file (GeoJSON or an OSM extract),
kept in a compact parsed form (``data``: zlib-compressed JSON of vertices and segments, see
``network.Network.pack``), not as the uploaded file; the newest upload is the active one.
``LifeCircleRun``: one computation for an area (its method, parameters and totals) with one
``CommunityReach`` per residential community.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class WalkNetwork(models.Model):
    class Format(models.TextChoices):
        GEOJSON = "geojson", "GeoJSON"
        OSM = "osm", "OpenStreetMap XML"
        DEMO = "demo", "演示路网"

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField("名称", max_length=200)
    source_name = models.CharField("上传文件名", max_length=200, blank=True)
    source_format = models.CharField("格式", max_length=10, choices=Format.choices)
    sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    nodes = models.PositiveIntegerField("节点数")
    segments = models.PositiveIntegerField("路段数")
    length_km = models.FloatField("总长度（公里）")
    skipped = models.PositiveIntegerField("跳过的要素数", default=0)
    data = models.BinaryField("路网数据")
    active = models.BooleanField("使用中", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "步行路网"
        verbose_name_plural = "步行路网"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.name

    def network(self):
        from .network import Network
        return Network.unpack(self.data)


class LifeCircleRun(models.Model):
    class Method(models.TextChoices):
        NETWORK = "network", "步行路网"
        STRAIGHT = "straight_line", "直线距离×绕行系数"

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    network = models.ForeignKey(WalkNetwork, verbose_name="路网", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="runs")
    method = models.CharField("方法", max_length=16, choices=Method.choices)
    parameters = models.JSONField("参数", default=dict)
    as_of = models.DateField("空间截至日期")
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="计算人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    communities = models.PositiveIntegerField("社区数")
    covered = models.PositiveIntegerField("覆盖社区数")
    share = models.DecimalField("覆盖率（%）", max_digits=5, decimal_places=2, null=True)
    spaces = models.PositiveIntegerField("计入空间数", default=0)

    class Meta:
        verbose_name = "生活圈计算"
        verbose_name_plural = "生活圈计算"
        ordering = ["-computed_at", "-pk"]

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M} 生活圈计算"


class CommunityReach(models.Model):
    run = models.ForeignKey(LifeCircleRun, on_delete=models.CASCADE, related_name="reaches")
    community = models.ForeignKey("spaces.ResidentialCommunity", verbose_name="居住社区",
                                  on_delete=models.CASCADE, related_name="+")
    covered = models.BooleanField("已覆盖")
    method = models.CharField("方法", max_length=16, choices=LifeCircleRun.Method.choices)
    access_m = models.FloatField("到路网的距离（米）", null=True, blank=True)
    nearest_m = models.FloatField("最近空间步行距离（米）", null=True, blank=True)
    nearest_space = models.ForeignKey("spaces.Space", verbose_name="最近空间", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    kinds = models.JSONField("可达空间类型", default=list)
    spaces = models.JSONField("可达空间", default=list)  # [[space id, metres], …] nearest first

    class Meta:
        verbose_name = "社区可达情况"
        verbose_name_plural = "社区可达情况"
        ordering = ["run", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "community"], name="lifecircle_reach_once")]
