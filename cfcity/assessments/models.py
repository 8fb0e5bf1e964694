"""Child impact assessment (儿童影响评价): plans, policies and projects assessed before they
are decided — task 1 of the reference plan (在城市发展重大规划、政策、项目决策中引入儿童影响评价).

An assessment goes registered → assessing → concluded → responded (or withdrawn before its
conclusion). It is scored against the plan's checklist (``Criterion``: dimension, question,
weight, maximum score), the coordinator's to define; each ``Score`` keeps the criterion's
wording, weight and maximum as they stood when it was scored (and, once the assessment is
concluded, for good), so later edits of the checklist never change a concluded result.
Children are consulted (``Consultation``: how, how many, which ages — never who); the
conclusion gives an overall finding with conditions, and the decision-maker's response closes
it. A project can be linked to the child-friendly spaces it creates (cfcity.spaces).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Criterion(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE,
                             related_name="assessment_criteria")
    dimension = models.CharField("维度", max_length=20)
    question = models.CharField("评价要点", max_length=300)
    guidance = models.TextField("评价指引", blank=True)
    weight = models.PositiveSmallIntegerField("权重", default=1)
    max_score = models.PositiveSmallIntegerField("满分", default=5)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "评价清单项"
        verbose_name_plural = "评价清单项"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.dimension}：{self.question}"


class ImpactAssessment(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", "规划"
        POLICY = "policy", "政策"
        PROJECT = "project", "项目"

    class State(models.TextChoices):
        REGISTERED = "registered", "已登记"
        ASSESSING = "assessing", "评价中"
        CONCLUDED = "concluded", "已出结论"
        RESPONDED = "responded", "已反馈"
        WITHDRAWN = "withdrawn", "已撤回"

    class Finding(models.TextChoices):
        FAVOURABLE = "favourable", "有利"
        CONDITIONAL = "conditional", "基本有利，需整改"
        UNFAVOURABLE = "unfavourable", "不利"

    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE,
                             related_name="impact_assessments")
    area = models.ForeignKey("orgs.OrgUnit", verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    responsible_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="提出（责任）单位", on_delete=models.PROTECT,
                                         related_name="impact_assessments")
    decision_maker = models.CharField("决策机关", max_length=100,
                                      help_text="如：县人民政府常务会议、县发展改革局")
    description = models.TextField("概况", blank=True)
    registered_on = models.DateField("登记日期")
    due_on = models.DateField("评价完成期限", null=True, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.REGISTERED)
    spaces = models.ManyToManyField("spaces.Space", verbose_name="建成后形成的儿童友好空间", blank=True,
                                    related_name="impact_assessments")
    finding = models.CharField("总体结论", max_length=12, choices=Finding.choices, blank=True)
    conclusion = models.TextField("评价结论", blank=True)
    total_score = models.DecimalField("加权总分（百分制）", max_digits=5, decimal_places=1, null=True, blank=True)
    concluded_on = models.DateField("结论日期", null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结论人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "儿童影响评价"
        verbose_name_plural = "儿童影响评价"
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["area", "state"])]

    def __str__(self):
        return self.title

    @property
    def open(self) -> bool:
        """Still being assessed: scores, consultations and conditions may change."""
        return self.state in (self.State.REGISTERED, self.State.ASSESSING)


def evidence_path(instance, filename):
    return f"assessments/{instance.evidence_sha256[:2]}/{instance.evidence_sha256}{instance.evidence_extension}"


class Score(models.Model):
    assessment = models.ForeignKey(ImpactAssessment, verbose_name="评价", on_delete=models.CASCADE,
                                   related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="清单项", on_delete=models.PROTECT, related_name="scores")
    # the criterion as it stood when scored (frozen once the assessment is concluded)
    dimension = models.CharField("维度", max_length=20)
    question = models.CharField("评价要点", max_length=300)
    weight = models.PositiveSmallIntegerField("权重")
    max_score = models.PositiveSmallIntegerField("满分")
    score = models.PositiveSmallIntegerField("得分")
    evidence = models.TextField("依据说明", blank=True)
    evidence_file = models.FileField("佐证材料", upload_to=evidence_path, max_length=300, blank=True)
    evidence_name = models.CharField("原文件名", max_length=255, blank=True)
    evidence_type = models.CharField("文件类型", max_length=100, blank=True)
    evidence_extension = models.CharField("扩展名", max_length=10, blank=True)
    evidence_sha256 = models.CharField("校验值", max_length=64, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评分人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        ordering = ["assessment", "criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="assessment_score_once")]


class Consultation(models.Model):
    class Method(models.TextChoices):
        COUNCIL = "council", "儿童议事会"
        FORUM = "forum", "座谈"
        SURVEY = "survey", "问卷"
        WALK = "walk", "实地踏勘"
        OTHER = "other", "其他"

    AGE_BANDS = [("0-3", "0–3岁"), ("3-6", "3–6岁"), ("6-12", "6–12岁"), ("12-18", "12–18岁")]

    assessment = models.ForeignKey(ImpactAssessment, verbose_name="评价", on_delete=models.CASCADE,
                                   related_name="consultations")
    date = models.DateField("日期")
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    children = models.PositiveIntegerField("参与儿童人数")
    age_bands = models.JSONField("年龄段", default=list, blank=True)
    summary = models.TextField("儿童意见摘要", help_text="概括儿童提出的意见；不写儿童姓名、学校班级、住址等个人信息。")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "征求儿童意见"
        verbose_name_plural = "征求儿童意见"
        ordering = ["assessment", "date", "pk"]

    def age_labels(self) -> str:
        labels = dict(self.AGE_BANDS)
        return "、".join(labels[b] for b in self.age_bands if b in labels)


class Condition(models.Model):
    assessment = models.ForeignKey(ImpactAssessment, verbose_name="评价", on_delete=models.CASCADE,
                                   related_name="conditions")
    text = models.TextField("整改要求")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="落实单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("完成期限", null=True, blank=True)
    met = models.BooleanField("已落实", default=False)
    met_on = models.DateField("落实日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改要求"
        verbose_name_plural = "整改要求"
        ordering = ["assessment", "pk"]


class Response(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "采纳"
        CHANGED = "changed", "修改后采纳"
        NOT_ACCEPTED = "not_accepted", "未采纳"

    assessment = models.OneToOneField(ImpactAssessment, verbose_name="评价", on_delete=models.CASCADE,
                                      related_name="response")
    decision = models.CharField("决策反馈", max_length=14, choices=Decision.choices)
    text = models.TextField("反馈说明")
    date = models.DateField("反馈日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "决策反馈"
        verbose_name_plural = "决策反馈"
