"""Annual work plans (年度工作计划): what a unit will do on its tasks in one year.

A ``WorkPlan`` belongs to one unit (a lead department or a town) for one year of a plan. For
each task the unit is assigned it names the measures (``WorkPlanItem``), the year's share of
each target (``YearShare``; for a spatial target the towns where it will be built), dated
milestones and budget lines with their funding source; spending is reported against a
budget line later, also after the plan is accepted. It moves through the same review states
as a report (reporting.models.Report.Status), ``version`` guards against two saves at once.
"""
from django.conf import settings
from django.db import models

from cfcity.reporting.models import Report

Status = Report.Status
STATUSES = [(s.value, s.label) for s in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED,
                                         Status.RETURNED, Status.ACCEPTED)]
MONEY = {"max_digits": 14, "decimal_places": 2}


class WorkPlan(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", on_delete=models.CASCADE,
                             related_name="work_plans")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT,
                                 related_name="work_plans")
    year = models.PositiveSmallIntegerField("年度")
    due = models.DateField("报送期限")
    status = models.CharField("状态", max_length=12, choices=STATUSES, default=Status.DRAFT)
    summary = models.TextField("总体安排", blank=True)
    version = models.PositiveIntegerField("修改序号", default=1)  # optimistic lock
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编制人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["plan", "year", "org_unit__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "org_unit", "year"],
                                               name="workplan_unique_per_year")]

    def __str__(self):
        return f"{self.org_unit} {self.year}年度工作计划"

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class WorkPlanItem(models.Model):
    """One task the unit is assigned, and the concrete measures it will take this year."""

    work_plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE,
                                  related_name="items")
    task = models.ForeignKey("plans.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="+")
    measures = models.TextField("具体措施", blank=True)

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"
        ordering = ["work_plan", "task__number"]
        constraints = [models.UniqueConstraint(fields=["work_plan", "task"], name="workplan_item_unique")]


class YearShare(models.Model):
    """The part of a target the unit plans to reach this year (2 of the 3—5 streets)."""

    work_plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE,
                                  related_name="shares")
    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.CASCADE,
                               related_name="year_shares")
    value = models.DecimalField("年度分解值", max_digits=30, decimal_places=10, null=True, blank=True)
    towns = models.ManyToManyField("orgs.OrgUnit", verbose_name="落实镇（街道）", blank=True, related_name="+")

    class Meta:
        verbose_name = "年度目标分解"
        verbose_name_plural = "年度目标分解"
        constraints = [models.UniqueConstraint(fields=["work_plan", "target"], name="yearshare_unique")]


class Milestone(models.Model):
    work_plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE,
                                  related_name="milestones")
    task = models.ForeignKey("plans.Task", verbose_name="任务", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("完成时间")
    done = models.BooleanField("已完成", default=False)

    class Meta:
        verbose_name = "时间节点"
        verbose_name_plural = "时间节点"
        ordering = ["due", "id"]


class BudgetLine(models.Model):
    class Source(models.TextChoices):
        # the plan's 要素保障, then the ordinary sources
        INVESTMENT = "investment", "投资补助"
        REWARD = "reward", "以奖代补"
        BUILD_FIRST = "build_first", "先建后补"
        BUDGET = "budget", "财政预算"
        SOCIAL = "social", "社会资金"
        OTHER = "other", "其他"

    work_plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE,
                                  related_name="budget_lines")
    task = models.ForeignKey("plans.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="+")
    item = models.CharField("项目", max_length=200)
    source = models.CharField("资金来源", max_length=12, choices=Source.choices)
    planned = models.DecimalField("计划金额（万元）", **MONEY)
    spent = models.DecimalField("已支出（万元）", default=0, **MONEY)
    spent_note = models.CharField("支出说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "预算"
        verbose_name_plural = "预算"
        ordering = ["work_plan", "task__number", "id"]


class WorkPlanEvent(models.Model):
    """The history of a work plan: every save and every step of its review."""

    work_plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE,
                                  related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作计划记录"
        verbose_name_plural = "工作计划记录"
        ordering = ["created_at", "id"]

    ACTIONS = {"saved": "保存", "submitted": "报送", "approved": "单位审核通过", "returned": "退回",
               "accepted": "采纳", "spending": "填报支出"}

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
