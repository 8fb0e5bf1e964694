"""A stored action plan: what ``services.store_plan`` writes from an importer ``Plan``.

Every child row keeps ``order`` (its place in the document) and ``line`` (where it was read),
so the plan can be rebuilt exactly (``services.plan_to_importer``) and exported again.
"""
from django.conf import settings
from django.db import models

from cfcity.orgs.models import OrgUnit
from cfcity.plans.fields import OrderedJSONField

DECIMAL = {"max_digits": 30, "decimal_places": 10, "null": True, "blank": True}


class Plan(models.Model):
    title = models.TextField("标题")
    issuer = models.CharField("发文单位", max_length=200, blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    date = models.DateField("印发日期", null=True, blank=True)
    period_start = models.PositiveIntegerField("起始年份", null=True, blank=True)
    period_end = models.PositiveIntegerField("截止年份", null=True, blank=True)
    area = models.ForeignKey(OrgUnit, verbose_name="地区", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="plans")
    declared = OrderedJSONField("文件声明的数量", default=dict, blank=True)
    warnings = models.JSONField("导入提示", default=list, blank=True)
    source = OrderedJSONField("来源文件", default=dict, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "行动方案"
        verbose_name_plural = "行动方案"
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["doc_number"], condition=~models.Q(doc_number=""),
                                    name="plan_unique_doc_number"),
        ]

    def __str__(self):
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title


class PlanSection(models.Model):
    """A titled part of the plan that is not a domain: 总体要求, 组织实施, the notice …"""

    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE,
                             related_name="sections")
    order = models.PositiveIntegerField("顺序")
    number = models.CharField("序号", max_length=20, null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容", blank=True)
    line = models.PositiveIntegerField("行号", null=True, blank=True)

    class Meta:
        verbose_name = "方案章节"
        verbose_name_plural = "方案章节"
        ordering = ["plan", "order"]

    def __str__(self):
        return self.title


class Domain(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE,
                             related_name="domains")
    order = models.PositiveIntegerField("顺序")
    number = models.PositiveIntegerField("序号")
    title = models.TextField("名称")
    text = models.TextField("说明", blank=True)
    line = models.PositiveIntegerField("行号", null=True, blank=True)

    class Meta:
        verbose_name = "领域"
        verbose_name_plural = "领域"
        ordering = ["plan", "order"]

    def __str__(self):
        return self.title


class Action(models.Model):
    domain = models.ForeignKey(Domain, verbose_name="领域", on_delete=models.CASCADE,
                               related_name="actions")
    order = models.PositiveIntegerField("顺序")
    number = models.PositiveIntegerField("序号")
    title = models.TextField("名称")
    text = models.TextField("说明", blank=True)
    line = models.PositiveIntegerField("行号", null=True, blank=True)

    class Meta:
        verbose_name = "行动"
        verbose_name_plural = "行动"
        ordering = ["domain", "order"]

    def __str__(self):
        return self.title


class Task(models.Model):
    action = models.ForeignKey(Action, verbose_name="行动", on_delete=models.CASCADE,
                               related_name="tasks")
    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE,
                             related_name="tasks")
    order = models.PositiveIntegerField("顺序")
    number = models.PositiveIntegerField("序号")
    title = models.TextField("名称")
    text = models.TextField("内容", blank=True)
    line = models.PositiveIntegerField("行号", null=True, blank=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["action", "order"]

    def __str__(self):
        return f"（{self.number}）{self.title}"


class TaskDepartment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATING = "cooperating", "配合"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE,
                             related_name="departments")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT,
                                 related_name="task_roles")
    role = models.CharField("职责", max_length=20, choices=Role.choices, default=Role.LEAD)
    order = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "任务责任单位"
        verbose_name_plural = "任务责任单位"
        ordering = ["task", "role", "order"]

    def __str__(self):
        return f"{self.org_unit}（{self.get_role_display()}）"


class Target(models.Model):
    """A target value with its deadline; ``task`` is empty for an indicator-table target
    that no task states."""

    class Comparator(models.TextChoices):
        GE = ">=", "不低于"
        GT = ">", "高于"
        LE = "<=", "不高于"
        LT = "<", "低于"
        EQ = "==", "等于"
        BETWEEN = "between", "区间"

    class Kind(models.TextChoices):
        LEVEL = "level", "水平值"
        CUMULATIVE = "cumulative", "累计建设"
        COVERAGE = "coverage", "全覆盖"
        ANNUAL_CHANGE = "annual_change", "年度变化"
        FREQUENCY = "frequency", "频次"
        PER_UNIT = "per_unit", "按单位配备"
        MILESTONE = "milestone", "节点任务"

    class Direction(models.TextChoices):
        DECREASE = "decrease", "降低"
        INCREASE = "increase", "提高"

    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE,
                             related_name="targets")
    task = models.ForeignKey(Task, verbose_name="任务", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveIntegerField("顺序")
    indicator = models.TextField("指标")
    comparator = models.CharField("比较方式", max_length=10, choices=Comparator.choices,
                                  null=True, blank=True)
    value = models.DecimalField("目标值", **DECIMAL)
    value_max = models.DecimalField("目标值上限", **DECIMAL)
    unit = models.CharField("单位", max_length=50, null=True, blank=True)
    year = models.PositiveIntegerField("完成年份", null=True, blank=True)
    year_inferred = models.BooleanField("年份取方案期末", default=False)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.LEVEL)
    per = models.CharField("频次/配备单位", max_length=100, null=True, blank=True)
    direction = models.CharField("变化方向", max_length=10, choices=Direction.choices,
                                 null=True, blank=True)
    source = models.TextField("原文", blank=True)
    line = models.PositiveIntegerField("行号", null=True, blank=True)
    has_baseline = models.BooleanField("有基期值", default=False)
    baseline_value = models.DecimalField("基期值", **DECIMAL)
    baseline_year = models.PositiveIntegerField("基期年份", null=True, blank=True)
    attribute = models.CharField("属性", max_length=50, null=True, blank=True)
    responsible = models.JSONField("责任单位", default=list, blank=True)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["plan", "task", "order"]

    def __str__(self):
        return self.indicator
