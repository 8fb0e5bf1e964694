"""Children's councils (儿童议事会) at county, town, village/community and school level.

A council belongs to one org unit (the county itself, a town, a village or community, a
school) and is run by that unit's users. Its members are children known in every ordinary
view by a pseudonym and an age band only: the real name is stored encrypted
(cfcity.welfare.fields) for the council's own paperwork and is never listed, exported or
shown on a public page (see services.reveal_name for the one audited way to read it).

Proposals (建议) go submitted → routed (to the department or town that must answer, with a
due date) → answered → closed with an outcome. Every step is a ``ProposalStep`` row.

``ChildrenCouncil.active`` is kept by ``services.refresh_active``: at least
``ACTIVE_MIN_MEMBERS`` current members with their guardian's consent and a meeting in the 12
months before the day (measures.is_active is the rule itself).
"""
from django.conf import settings
from django.db import models

from cfcity.welfare.fields import EncryptedTextField


class ChildrenCouncil(models.Model):
    class Level(models.TextChoices):
        COUNTY = "county", "县级"
        TOWN = "town", "镇（街道）级"
        VILLAGE = "village", "村（社区）级"
        SCHOOL = "school", "学校"

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="children_councils")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    name = models.CharField("名称", max_length=100)
    founded_on = models.DateField("成立日期")
    active = models.BooleanField("正常运行", default=False)
    active_checked_on = models.DateField("运行状态核定日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "儿童议事会"
        verbose_name_plural = "儿童议事会"
        ordering = ["area", "level", "org_unit__order", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="council_unique_name")]

    def __str__(self):
        return self.name


class CouncilMember(models.Model):
    class AgeBand(models.TextChoices):
        A6 = "6-8", "6—8岁"
        A9 = "9-11", "9—11岁"
        A12 = "12-14", "12—14岁"
        A15 = "15-17", "15—17岁"

    class ConsentForm(models.TextChoices):
        WRITTEN = "written", "书面"
        ELECTRONIC = "electronic", "电子"

    council = models.ForeignKey(ChildrenCouncil, verbose_name="议事会", on_delete=models.CASCADE,
                                related_name="members")
    pseudonym = models.CharField("化名", max_length=20)
    age_band = models.CharField("年龄段", max_length=8, choices=AgeBand.choices)
    real_name = EncryptedTextField("真实姓名", blank=True)  # never listed, exported or shown publicly
    guardian_consent = models.BooleanField("监护人已同意", default=False)
    consent_on = models.DateField("同意日期", null=True, blank=True)
    consent_form = models.CharField("同意方式", max_length=12, choices=ConsentForm.choices, blank=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "议事会成员"
        verbose_name_plural = "议事会成员"
        ordering = ["council", "left_on", "pseudonym", "pk"]
        constraints = [models.UniqueConstraint(fields=["council", "pseudonym"], name="member_unique_pseudonym")]

    def __str__(self):  # the pseudonym, never the name
        return self.pseudonym

    def current(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


class CouncilAdviser(models.Model):
    council = models.ForeignKey(ChildrenCouncil, verbose_name="议事会", on_delete=models.CASCADE,
                                related_name="advisers")
    name = models.CharField("姓名", max_length=50)
    unit_name = models.CharField("工作单位", max_length=100)
    role = models.CharField("担任", max_length=50, default="辅导员")

    class Meta:
        verbose_name = "议事会辅导员"
        verbose_name_plural = "议事会辅导员"
        ordering = ["council", "pk"]

    def __str__(self):
        return self.name


def minutes_path(instance, filename):
    return f"councils/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class CouncilMeeting(models.Model):
    council = models.ForeignKey(ChildrenCouncil, verbose_name="议事会", on_delete=models.CASCADE,
                                related_name="meetings")
    date = models.DateField("日期")
    topic = models.CharField("议题", max_length=200)
    minutes = models.TextField("会议纪要", blank=True)
    attendance = models.PositiveIntegerField("出席儿童人数", default=0)
    file = models.FileField("纪要文件", upload_to=minutes_path, max_length=300, blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    content_type = models.CharField("类型", max_length=100, blank=True)
    extension = models.CharField("扩展名", max_length=10, blank=True)
    size = models.PositiveBigIntegerField("大小", default=0)
    sha256 = models.CharField("校验值", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "议事会会议"
        verbose_name_plural = "议事会会议"
        ordering = ["council", "-date", "-pk"]

    def __str__(self):
        return self.topic


class Proposal(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "已提出"
        ROUTED = "routed", "已交办"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已办结"

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"
        IN_PROGRESS = "in_progress", "正在落实"

    council = models.ForeignKey(ChildrenCouncil, verbose_name="议事会", on_delete=models.CASCADE,
                                related_name="proposals")
    meeting = models.ForeignKey(CouncilMeeting, verbose_name="提出会议", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="proposals")
    title = models.CharField("建议标题", max_length=200)
    text = models.TextField("建议内容")
    submitted_on = models.DateField("提出日期")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED)
    routed_to = models.ForeignKey("orgs.OrgUnit", verbose_name="答复单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="council_proposals")
    due_on = models.DateField("答复期限", null=True, blank=True)
    answer = models.TextField("答复内容", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("办结说明", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "儿童议事会建议"
        verbose_name_plural = "儿童议事会建议"
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return self.title


class ProposalStep(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name="建议", on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("环节", max_length=12, choices=Proposal.State.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "建议办理记录"
        verbose_name_plural = "建议办理记录"
        ordering = ["proposal", "at", "pk"]
