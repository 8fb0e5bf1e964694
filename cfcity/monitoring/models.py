"""What monitoring keeps: accepted values in one narrow table, the engine's verdicts, the
coordinator's judgements of milestone targets, warnings, reminders sent, background jobs.

``Observation`` is the fact table the engine reads (one row per target, unit and period,
written when a report is accepted), so dashboards never walk reports and their revisions.
``TargetStatus`` holds what the engine last computed, with the series it used, so a
dashboard page costs a fixed number of queries however much data there is.
"""
from django.conf import settings
from django.db import models

DECIMAL = {"max_digits": 30, "decimal_places": 10}

STATUS_CHOICES = [
    ("achieved", "已达标"), ("on_track", "进展正常"), ("at_risk", "存在风险"),
    ("off_track", "严重滞后"), ("no_data", "暂无数据"), ("not_due", "未到评估期"),
]


class Observation(models.Model):
    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.CASCADE,
                               related_name="observations")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT,
                                 related_name="observations")
    period = models.ForeignKey("reporting.Period", verbose_name="周期", on_delete=models.CASCADE,
                               related_name="observations")
    value = models.DecimalField("数值", **DECIMAL)
    report = models.ForeignKey("reporting.Report", verbose_name="来源报告", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField("采纳时间")

    class Meta:
        verbose_name = "监测数据"
        verbose_name_plural = "监测数据"
        constraints = [models.UniqueConstraint(fields=["target", "org_unit", "period"],
                                               name="observation_unique")]


class TargetStatus(models.Model):
    """The engine's verdict on one target, for the plan's area (``org_unit`` = the area) or
    for a unit the target is broken down to (a town's share)."""

    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.CASCADE,
                               related_name="statuses")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE,
                                 related_name="+")
    as_of = models.DateField("评估日期")
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES)
    latest = models.FloatField("最新值", null=True)
    latest_when = models.DateField("最新值日期", null=True)
    baseline = models.FloatField("基期值", null=True)
    baseline_year = models.PositiveIntegerField("基期年份", null=True)
    progress = models.FloatField("完成进度", null=True)
    expected = models.FloatField("应达进度", null=True)
    sdg_category = models.CharField("增速评估", max_length=16, blank=True)
    sdg_ratio = models.FloatField("增速比", null=True)
    reasons = models.JSONField("判断依据", default=list)
    disagreement = models.TextField("两种评估的差异", blank=True)
    series = models.JSONField("数据序列", default=list)  # [[iso date, value], …] the engine used
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "目标进展"
        verbose_name_plural = "目标进展"
        constraints = [models.UniqueConstraint(fields=["target", "org_unit"], name="target_status_unique")]


class Judgement(models.Model):
    """The coordinator's verdict on a milestone target (三级儿童议事会体系基本形成), with evidence."""

    target = models.OneToOneField("plans.Target", verbose_name="目标", on_delete=models.CASCADE,
                                  related_name="judgement")
    status = models.CharField("判断", max_length=12, choices=STATUS_CHOICES[:4])
    note = models.TextField("依据")
    evidence = models.ForeignKey("reporting.Evidence", verbose_name="佐证材料", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="判断人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    judged_at = models.DateTimeField("判断时间", auto_now=True)

    class Meta:
        verbose_name = "节点任务判断"
        verbose_name_plural = "节点任务判断"


class Warning(models.Model):
    class Kind(models.TextChoices):
        OFF_TRACK = "off_track", "目标严重滞后"
        AT_RISK = "at_risk", "目标存在风险"
        OVERDUE = "overdue", "逾期未报"
        STALE = "stale", "数据长期未更新"
        OUTLIER = "outlier", "异常值"
        NOT_STARTED = "not_started", "临近期限未启动"
        RECTIFICATION = "rectification", "整改逾期"
        ROSTER_GAP = "roster_gap", "未配备儿童督导员/儿童主任"
        PROPOSAL = "proposal", "儿童议事会建议答复逾期"
        SAFEGUARDING = "safeguarding", "儿童安全留言响应超时"

    class Severity(models.TextChoices):
        HIGH = "high", "红色"
        MEDIUM = "medium", "黄色"
        LOW = "low", "蓝色"

    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", on_delete=models.CASCADE,
                             related_name="monitoring_warnings")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    severity = models.CharField("等级", max_length=8, choices=Severity.choices)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="责任单位", on_delete=models.CASCADE,
                                 related_name="monitoring_warnings")
    task = models.ForeignKey("plans.Task", verbose_name="任务", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("plans.Target", verbose_name="目标", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("reporting.Period", verbose_name="周期", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    key = models.CharField("标识", max_length=200)  # stable across recomputations
    message = models.TextField("内容")
    clear_by = models.TextField("消除条件")
    first_seen = models.DateTimeField("首次发现", auto_now_add=True)
    last_seen = models.DateTimeField("最近确认", auto_now=True)
    resolved_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["resolved_at", "severity", "org_unit", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="warning_unique_key")]
        indexes = [models.Index(fields=["org_unit", "resolved_at"])]

    @property
    def active(self) -> bool:
        return self.resolved_at is None


class Reminder(models.Model):
    """A reminder sent to a unit about a period's deadline: the cadence reads these."""

    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE,
                                 related_name="reminders")
    period = models.ForeignKey("reporting.Period", verbose_name="周期", on_delete=models.CASCADE,
                               related_name="reminders")
    step = models.CharField("提醒节点", max_length=20)  # before_30, before_7, before_1, late_1, late_7, late_30n
    sent_on = models.DateField("发送日期")
    recipients = models.JSONField("收件人", default=list)

    class Meta:
        verbose_name = "催报提醒"
        verbose_name_plural = "催报提醒"
        constraints = [models.UniqueConstraint(fields=["org_unit", "period", "step"], name="reminder_once")]


class Job(models.Model):
    """A background job (report generation) and its progress, polled by the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=30)
    params = models.JSONField("参数", default=dict)
    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", null=True, on_delete=models.CASCADE,
                             related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("当前步骤", max_length=200, blank=True)
    file = models.FileField("文件", upload_to="reports/%Y/", blank=True, max_length=300)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
