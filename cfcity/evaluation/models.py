"""Third-party evaluation (第三方评估): a round the coordinator defines for one plan and year,
its checklist of weighted items, and the evaluator's score of each task on each item."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from cfcity.plans import models as pm


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "评分中"
        CLOSED = "closed", "已关闭（评分锁定）"

    plan = models.ForeignKey(pm.Plan, verbose_name="方案", on_delete=models.CASCADE, related_name="evaluation_rounds")
    name = models.CharField("评估名称", max_length=200)
    year = models.PositiveIntegerField("评估年度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="关闭人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "评估轮次"
        verbose_name_plural = "评估轮次"
        ordering = ["-year", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.year}年）"

    @property
    def closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Item(models.Model):
    """One line of the checklist: applies to one task, or (task empty) to every task."""
    round = models.ForeignKey(Round, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("评估内容", max_length=300)
    guidance = models.TextField("评分标准", blank=True)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    max_score = models.DecimalField("满分", max_digits=7, decimal_places=2, default=Decimal("10"),
                                    validators=[MinValueValidator(Decimal("0.01"))])
    task = models.ForeignKey(pm.Task, verbose_name="适用任务", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text="留空表示适用于全部任务")

    class Meta:
        verbose_name = "评估细则"
        verbose_name_plural = "评估细则"
        ordering = ["round", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="evaluation_item_weight_positive"),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="evaluation_item_max_positive"),
        ]

    def __str__(self):
        return self.title


class Score(models.Model):
    """The evaluator's score of ``task`` on ``item``, the reason, and what it rests on."""
    round = models.ForeignKey(Round, verbose_name="评估轮次", on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, verbose_name="评估细则", on_delete=models.CASCADE, related_name="scores")
    task = models.ForeignKey(pm.Task, verbose_name="任务", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField("得分", max_digits=7, decimal_places=2)
    comment = models.TextField("评语", blank=True)
    evidence = models.TextField("依据（报告、佐证材料链接，每行一条）", blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评分人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [models.UniqueConstraint(fields=["item", "task"], name="evaluation_one_score_per_item_task")]

    def __str__(self):
        return f"{self.task} · {self.item}：{self.value}"

    @property
    def evidence_lines(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]

    @property
    def evidence_links(self) -> list[tuple[str, str | None]]:
        """(text, address) per line; only this site's own pages (“/reports/…”, “/evidence/…”)
        become links, so a pasted address never leads elsewhere."""
        return [(line, line if line.startswith("/") and not line.startswith("//") else None)
                for line in self.evidence_lines]
