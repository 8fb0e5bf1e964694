"""The dashboard's forms: the filters read from the address, and the coordinator's two
small forms on the task page (a target's baseline; a milestone target's judgement)."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import STATUS_CHOICES

MAX_SHOWN = 20  # characters of a bad filter value quoted back to the user


class BaselineForm(forms.Form):
    value = forms.DecimalField(label="基期值", max_digits=30, decimal_places=10,
                               min_value=Decimal("-1e15"), max_value=Decimal("1e15"),
                               error_messages={"required": "请填写基期值", "invalid": "基期值须为数字",
                                               "max_digits": "数字太长", "max_decimal_places": "小数位太多",
                                               "max_whole_digits": "数字太长"})
    year = forms.IntegerField(label="基期年份", min_value=1949, max_value=2100,
                              error_messages={"required": "请填写基期年份", "invalid": "年份须为整数",
                                              "min_value": "年份不能早于 1949 年",
                                              "max_value": "年份不能晚于 2100 年"})

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_year(self):
        year = self.cleaned_data["year"]
        end = getattr(self.plan, "period_end", None)
        if end and year > end:
            raise forms.ValidationError(f"基期年份不能晚于方案截止年份（{end}年）")
        return year


class JudgementForm(forms.Form):
    status = forms.ChoiceField(label="判断", choices=STATUS_CHOICES[:4],
                               error_messages={"required": "请选择判断结果",
                                               "invalid_choice": "请从列表中选择判断结果"})
    note = forms.CharField(label="依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请写明判断依据",
                                           "max_length": "依据最多 2000 字"})

    evidence = forms.ModelChoiceField(label="佐证材料", required=False, queryset=None,
                                      empty_label="（不引用材料）",
                                      error_messages={"invalid_choice": "请从列表中选择本任务报告中的材料"})

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cfcity.reporting.models import Evidence, Report
        # the files units sent up with their reports on this task (drafts are not evidence yet)
        self.fields["evidence"].queryset = (
            Evidence.objects.filter(report__task=task).exclude(report__status=Report.Status.DRAFT)
            .select_related("report__org_unit", "report__period").order_by("-uploaded_at")
            if task is not None else Evidence.objects.none())
        self.fields["evidence"].label_from_instance = (
            lambda e: f"{e.report.org_unit.name} · {e.report.period.label} · {e.original_name}")

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("请写明判断依据")
        return note


def shown(raw: str) -> str:
    """A bad value as quoted back in a message: trimmed, never long."""
    raw = raw.strip()
    return raw if len(raw) <= MAX_SHOWN else raw[:MAX_SHOWN] + "…"
