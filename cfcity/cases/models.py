"""Good-practice cases (优秀工作案例) and exchange meetings (学习交流会、现场会).

A case goes draft → submitted → accepted (or back: returned, with the coordinator's comment)
→ published; only a published case is ever shown on the public site (cfcity.public), and
unpublishing takes it off again. Files (photos, attachments) keep the type found in their
bytes, never the uploader's name for them.
"""
from django.conf import settings
from django.db import models


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已入选"
        PUBLISHED = "published", "已公开"

    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="cases")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="报送单位", on_delete=models.PROTECT,
                                 related_name="cases")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    summary = models.CharField("摘要", max_length=300, blank=True)
    text = models.TextField("正文")
    tasks = models.ManyToManyField("plans.Task", verbose_name="服务的任务", blank=True, related_name="cases")
    tags = models.JSONField("标签", default=list, blank=True)  # set by the coordinator
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField("审核意见", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = "优秀工作案例"
        verbose_name_plural = "优秀工作案例"
        ordering = ["-year", "-published_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def case_file_path(instance, filename):
    # the stored name is ours, never the uploader's
    return f"cases/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class CaseFile(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        ATTACHMENT = "attachment", "附件"

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    file = models.FileField("文件", upload_to=case_file_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    caption = models.CharField("说明（图片替代文字）", max_length=200, blank=True)
    content_type = models.CharField("类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("校验值", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "案例文件"
        verbose_name_plural = "案例文件"
        ordering = ["case", "kind", "pk"]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        EXCHANGE = "exchange", "学习交流会"
        ON_SITE = "on_site", "现场会"

    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="meetings")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="主办单位", on_delete=models.PROTECT,
                                 related_name="meetings")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=200)
    participants = models.TextField("参会单位和人员")
    units = models.ManyToManyField("orgs.OrgUnit", verbose_name="参会单位", blank=True, related_name="+")
    summary = models.TextField("会议纪要", blank=True)
    cases = models.ManyToManyField(Case, verbose_name="交流的案例", blank=True, related_name="meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "交流会"
        verbose_name_plural = "交流会"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title


def material_path(instance, filename):
    return f"meetings/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class MeetingMaterial(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="materials")
    file = models.FileField("文件", upload_to=material_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("校验值", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"
