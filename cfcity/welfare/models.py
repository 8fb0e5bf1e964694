"""The register of children in difficulty (困境儿童信息台账), the care given to them, and the
roster of child welfare supervisors (儿童督导员) and children's directors (儿童主任).

Identity fields are ``EncryptedTextField``s (cfcity.welfare.crypto); the ID number is found
through ``id_hash`` (a keyed hash), never by decrypting the table. What statistics need —
town, village, categories, sex, birth year, consent — is kept in clear; who may see what is
decided in cfcity.welfare.access, nowhere else.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .fields import EncryptedTextField


class Category(models.TextChoices):
    ORPHAN = "orphan", "孤儿"
    UNSUPPORTED = "unsupported", "事实无人抚养儿童"
    DISABLED = "disabled", "残疾儿童"
    DISABLED_FAMILY = "disabled_family", "残疾人家庭儿童"
    LEFT_BEHIND = "left_behind", "农村留守儿童"
    LOW_INCOME = "low_income", "低保/特困家庭儿童"
    POVERTY_REGISTERED = "registered", "建档立卡儿童"
    SINGLE_PARENT = "single_parent", "单亲家庭儿童"
    OTHER = "other", "其他困境儿童"


class SupportKind(models.TextChoices):
    BENEFIT = "benefit", "基本生活保障金"
    HOPE_HOUSE = "hope_house", "希望小屋"
    CP_REHAB = "cp_rehab", "脑瘫儿童康复救助"
    REHAB = "rehab", "残疾儿童康复救助"
    STUDY_AID = "study_aid", "助学（希望之星等）"
    MEDICAL = "medical", "医疗救助"
    CARE = "care", "关爱帮扶（牵手关爱等）"
    OTHER = "other", "其他"


class Child(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "在册"
        CLOSED = "closed", "已销档"

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    town = models.ForeignKey("orgs.OrgUnit", verbose_name="镇（街道）", on_delete=models.PROTECT,
                             related_name="+")
    village = models.ForeignKey("orgs.OrgUnit", verbose_name="村（社区）", on_delete=models.PROTECT,
                                related_name="+")
    # identity: encrypted
    name = EncryptedTextField("姓名")
    id_number = EncryptedTextField("身份证号码")
    id_hash = models.CharField("身份证号码索引", max_length=80, unique=True)  # keyed hash
    birth_date = EncryptedTextField("出生日期")  # ISO date
    guardian_name = EncryptedTextField("监护人姓名", blank=True)
    guardian_phone = EncryptedTextField("监护人电话", blank=True)
    address = EncryptedTextField("家庭住址", blank=True)
    guardian_relation = models.CharField("监护人关系", max_length=20, blank=True)
    # for statistics, in clear
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_year = models.PositiveIntegerField("出生年份")
    # sensitive tier (health and disability): encrypted, and shown only to roles allowed it
    health_details = EncryptedTextField("健康与残疾情况", blank=True)
    cp_indicated = models.BooleanField("适应症脑瘫儿童", default=False)
    hope_house_eligible = models.BooleanField("符合希望小屋建设条件", default=False)
    # consent (PIPL art. 31: a guardian consents for a child under 14)
    guardian_consent = models.BooleanField("监护人同意", default=False)
    consent_statistics = models.BooleanField("同意用于统计", default=False)
    child_assent = models.BooleanField("儿童本人同意", null=True, blank=True)
    notice_version = models.CharField("告知书版本", max_length=20, blank=True)
    consent_date = models.DateField("同意日期", null=True, blank=True)
    # life cycle
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("销档日期", null=True, blank=True)
    closed_reason = models.CharField("销档原因", max_length=200, blank=True)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)
    registered_on = models.DateField("建档日期", default=timezone.localdate)  # may predate the platform
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "困境儿童"
        verbose_name_plural = "困境儿童信息台账"
        ordering = ["town_id", "village_id", "id"]
        indexes = [models.Index(fields=["status", "town"])]

    def __str__(self):  # never the name: this string reaches logs and the audit log
        return f"困境儿童 #{self.pk}"


class ChildCategory(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField("类别", max_length=20, choices=Category.choices)

    class Meta:
        verbose_name = "困境儿童类别"
        verbose_name_plural = "困境儿童类别"
        constraints = [models.UniqueConstraint(fields=["child", "category"], name="child_category_unique")]


class Support(models.Model):
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField("保障内容", max_length=20, choices=SupportKind.choices)
    date = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    note = EncryptedTextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "保障记录"
        verbose_name_plural = "保障记录"
        ordering = ["-date", "-id"]


class Worker(models.Model):
    """A child welfare supervisor (town) or children's director (village): the roster."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", "儿童督导员"
        DIRECTOR = "director", "儿童主任"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所在镇村", on_delete=models.PROTECT,
                                 related_name="welfare_workers")
    name = models.CharField("姓名", max_length=50)  # a public post: named on village notice boards
    phone = EncryptedTextField("联系电话", blank=True)
    appointed_on = models.DateField("任职日期")
    left_on = models.DateField("离任日期", null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="平台账号", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "儿童督导员/儿童主任"
        verbose_name_plural = "儿童督导员和儿童主任名册"
        ordering = ["org_unit_id", "kind", "-appointed_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class Training(models.Model):
    worker = models.ForeignKey(Worker, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField("培训日期")
    title = models.CharField("培训内容", max_length=200)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, null=True, blank=True)
    provider = models.CharField("举办单位", max_length=100, blank=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-date"]


class Visit(models.Model):
    """A children's director's visit to a child (走访)."""
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.CASCADE, related_name="visits")
    worker = models.ForeignKey(Worker, verbose_name="走访人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="visits")
    date = models.DateField("走访日期")
    note = EncryptedTextField("走访情况", blank=True)
    follow_up = models.BooleanField("需跟进", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-date", "-id"]


class ExportRequest(models.Model):
    """An export of personal records: off unless the coordinator approves it; the archive is
    made at download, encrypted with a password the requester types (never stored)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人",
                                     on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="范围", on_delete=models.PROTECT,
                                 related_name="+")  # the town/village/area exported
    reason = models.CharField("用途", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    downloads = models.PositiveIntegerField("下载次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "个人信息导出申请"
        verbose_name_plural = "个人信息导出申请"
        ordering = ["-created_at"]


class DeletionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        DONE = "done", "已删除"
        REFUSED = "refused", "未批准"

    child = models.ForeignKey(Child, verbose_name="儿童", null=True, on_delete=models.SET_NULL,
                              related_name="deletion_requests")
    child_ref = models.CharField("记录编号", max_length=20)  # kept after the record is gone
    town = models.ForeignKey("orgs.OrgUnit", verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("删除理由", max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "删除申请"
        verbose_name_plural = "删除申请"
        ordering = ["-created_at"]


class Alert(models.Model):
    """A security alert for the coordinator: a bulk export, an unusual run of full views."""

    class Kind(models.TextChoices):
        BULK_EXPORT = "bulk_export", "批量导出个人信息"
        MANY_FULL_VIEWS = "many_full_views", "短时间内多次查看完整信息"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="相关用户", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    area = models.ForeignKey("orgs.OrgUnit", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    detail = models.CharField("说明", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "安全提醒"
        verbose_name_plural = "安全提醒"
        ordering = ["-created_at"]


class KeyRotation(models.Model):
    """Progress of `cfcity keys rotate`, so a crash resumes where it stopped."""
    key_id = models.CharField("目标密钥", max_length=32)
    cipher = models.CharField("算法", max_length=20)
    position = models.JSONField("进度", default=dict)  # {"table": last id done}
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed = models.PositiveIntegerField("已重新加密", default=0)
