"""Children's works campaigns (儿童作品征集, the plan's task “视频、歌曲、绘画等征集活动”).

A campaign (征集活动) is set up by the coordinator — or a reporter of the task's lead
department — as a draft, opened, and closed. Children (with a guardian's consent) send works
through a public page: a pseudonym (笔名), an age band and, optionally, their town — never a
real name, a school or a class. A work is pending until moderated; only an approved work is
ever shown on the public pages. A guardian may have a work withdrawn: its files are deleted
and its text cleared, the row stays as the record that it existed.

Titles and descriptions are stored only after ``cfcity.voice.scrub.scrub_text`` took phone
numbers, ID numbers, addresses and names out; file names are not stored at all (“王小明的画.png”
would carry a name), and a file's type is the one found in its bytes.
"""
from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    DRAWING = "drawing", "绘画"
    SONG = "song", "歌曲"
    VIDEO = "video", "视频"
    WRITING = "writing", "征文"


class AgeBand(models.TextChoices):
    A3_5 = "3-5", "3—5岁"
    A6_7 = "6-7", "6—7岁"
    A8_10 = "8-10", "8—10岁"
    A11_13 = "11-13", "11—13岁"
    A14_17 = "14-17", "14—17岁"


ASSENT_FROM = {AgeBand.A8_10, AgeBand.A11_13, AgeBand.A14_17}  # the child agrees as well (8 and older)


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "征集中"
        CLOSED = "closed", "已结束"

    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="campaigns")
    task = models.ForeignKey("plans.Task", verbose_name="服务的任务", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="campaigns")
    title = models.CharField("活动名称", max_length=100)
    description = models.TextField("征集说明", blank=True)
    kinds = models.JSONField("征集的作品类别", default=list)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "作品征集活动"
        verbose_name_plural = "作品征集活动"
        ordering = ["-opens_on", "-pk"]

    def __str__(self):
        return self.title

    @property
    def kind_labels(self) -> str:
        return "、".join(Kind(k).label for k in self.kinds if k in Kind.values)

    def accepting(self, today) -> bool:
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on


class Submission(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    class Relationship(models.TextChoices):
        FATHER = "father", "父亲"
        MOTHER = "mother", "母亲"
        OTHER = "other", "其他监护人"

    campaign = models.ForeignKey(Campaign, verbose_name="征集活动", on_delete=models.CASCADE,
                                 related_name="submissions")
    code = models.CharField("作品编号", max_length=12, unique=True)  # the guardian's receipt
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("作品名称", max_length=60)
    description = models.TextField("作品说明", blank=True)
    pseudonym = models.CharField("笔名", max_length=20)
    age_band = models.CharField("年龄段", max_length=6, choices=AgeBand.choices)
    town = models.ForeignKey("orgs.OrgUnit", verbose_name="镇（街道）", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    guardian_consent = models.BooleanField("监护人同意", default=False)
    guardian_relationship = models.CharField("监护人关系", max_length=10, choices=Relationship.choices)
    child_assent = models.BooleanField("儿童本人同意", default=False)
    consent_version = models.CharField("同意书版本", max_length=20)
    consented_at = models.DateTimeField("同意时间")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "征集作品"
        verbose_name_plural = "征集作品"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "state"])]

    def __str__(self):
        return f"{self.code} {self.title}"


def work_path(instance, filename):
    # the stored name is ours, never the uploader's
    return f"campaigns/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, verbose_name="作品", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=work_path, max_length=300)
    content_type = models.CharField("类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("校验值", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "作品文件"
        verbose_name_plural = "作品文件"
        ordering = ["submission", "pk"]

    @property
    def media(self) -> str:
        return self.content_type.split("/", 1)[0]  # image, audio or video
