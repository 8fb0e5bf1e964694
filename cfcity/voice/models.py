"""Children's messages (the public page /voice/), the rules that flag a message as suggesting
danger, referrals towards the register of children in difficulty, and the hits of the
per-address abuse limits.

A message's original text is stored encrypted (cfcity.welfare.fields) and read only by the
safeguarding team, for a flagged message; everyone else reads the scrubbed text.
"""
from __future__ import annotations

from django.db import models

from cfcity.welfare.fields import EncryptedTextField

MAX_TEXT = 500  # characters a child may write


class Topic(models.TextChoices):
    IDEA = "idea", "想法"
    PROBLEM = "problem", "问题"


class About(models.TextChoices):
    TOWN = "town", "镇街"
    SCHOOL = "school", "学校"
    ROUTE = "route", "上学路"
    PARK = "park", "公园"
    OTHER = "other", "其他"


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", "6岁以下"
    A6_8 = "6-8", "6—8岁"
    A9_11 = "9-11", "9—11岁"
    A12_14 = "12-14", "12—14岁"
    A15_17 = "15-17", "15—17岁"


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未采用"
        FLAGGED = "flagged", "疑似危险（待处置）"
        HANDLED = "handled", "已处置"

    class Quote(models.TextChoices):
        NONE = "", "无"
        PROPOSED = "proposed", "待第二人确认"
        APPROVED = "approved", "已确认可公开"

    area = models.ForeignKey("orgs.OrgUnit", verbose_name="县（市、区）", on_delete=models.PROTECT,
                             related_name="+")
    town = models.ForeignKey("orgs.OrgUnit", verbose_name="镇（街道）", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("类别", max_length=10, choices=Topic.choices)
    about = models.CharField("关于", max_length=10, choices=About.choices)
    age_band = models.CharField("年龄段", max_length=6, choices=AgeBand.choices, blank=True, default="")
    original = EncryptedTextField("原文")
    scrubbed = models.TextField("去除个人信息后的文字")
    scrub_summary = models.CharField("去除的信息", max_length=200, blank=True, default="")
    danger = models.BooleanField("疑似危险", default=False)
    danger_categories = models.CharField("命中的规则类别", max_length=100, blank=True, default="")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    moderated_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    quote_state = models.CharField("引用", max_length=10, choices=Quote.choices, blank=True, default="")
    quote_text = models.TextField("公开引用的文字", blank=True, default="")
    quote_proposed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    quote_approved_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    quote_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("收到时间", db_index=True)
    response_due = models.DateTimeField("应答时限", null=True, blank=True)
    responded_at = models.DateTimeField("应答时间", null=True, blank=True)
    responded_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    response_note = EncryptedTextField("处置记录", blank=True, default="")

    class Meta:
        verbose_name = "儿童留言"
        verbose_name_plural = "儿童留言"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["area", "state"])]

    def __str__(self):
        return f"留言 #{self.pk}"

    @property
    def danger_labels(self) -> str:
        labels = dict(DangerRule.Category.choices)
        return "、".join(labels.get(c, c) for c in self.danger_categories.split(",") if c)

    @property
    def flagged(self) -> bool:
        return self.state in (self.State.FLAGGED, self.State.HANDLED)


class Referral(models.Model):
    """A recorded referral of a flagged message to a unit (the civil-affairs bureau, a town):
    the only way a child's message reaches the register of children in difficulty. It never
    makes a welfare record itself: the unit's welfare officers see it in their list and
    register the child through the register's own pages. If the message is erased, the
    referral stays, saying only that a message existed."""
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="referrals")
    message_number = models.PositiveIntegerField("留言编号")
    area = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="转介给", on_delete=models.PROTECT,
                                related_name="voice_referrals")
    reason = EncryptedTextField("转介原因")
    created_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("转介时间", auto_now_add=True)
    message_erased = models.BooleanField("留言已删除", default=False)

    class Meta:
        verbose_name = "转介记录"
        verbose_name_plural = "转介记录"
        ordering = ["-created_at", "-pk"]


class DangerRule(models.Model):
    """Words that, found in a message (NFKC-normalised, spaces removed), flag it as suggesting
    danger. Plain words only — no regular expressions, so no rule can hang the server."""

    class Category(models.TextChoices):
        ABUSE = "abuse", "虐待/性侵"
        SELF_HARM = "self_harm", "自伤自杀"
        VIOLENCE = "violence", "暴力/欺凌"
        OTHER = "other", "其他"

    area = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text="空：所有县（市、区）通用")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    words = models.TextField("词语", help_text="每行一个词或短语，出现任意一个即标记")
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "危险信号规则"
        verbose_name_plural = "危险信号规则"
        ordering = ["category", "pk"]

    def word_list(self) -> list[str]:
        from .danger import normalise
        return [w for w in (normalise(x) for x in self.words.splitlines()) if w]


class LimitHit(models.Model):
    """One submission counted against an address's limit. ``client`` is a keyed hash (HMAC
    with SECRET_KEY) of the address, never the address itself; rows older than a day go."""
    bucket = models.CharField(max_length=40)
    client = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["bucket", "client", "at"])]
