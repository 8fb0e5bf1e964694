from __future__ import annotations

from decimal import Decimal

from django import forms

from cfcity.plans import models as pm


class RoundForm(forms.Form):
    plan = forms.ModelChoiceField(label="方案", queryset=pm.Plan.objects.none())
    name = forms.CharField(label="评估名称", max_length=200, initial="年度第三方评估")
    year = forms.IntegerField(label="评估年度", min_value=2000, max_value=2100)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else pm.Plan.objects.none()


class ItemForm(forms.Form):
    title = forms.CharField(label="评估内容", max_length=300)
    guidance = forms.CharField(label="评分标准", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.DecimalField(label="权重", min_value=Decimal("0.01"), max_digits=7, decimal_places=2)
    max_score = forms.DecimalField(label="满分", min_value=Decimal("0.01"), max_digits=7, decimal_places=2,
                                   initial=10)
    task = forms.ModelChoiceField(label="适用任务", queryset=pm.Task.objects.none(), required=False,
                                  empty_label="全部任务")

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["task"].queryset = pm.Task.objects.filter(plan=plan).order_by("number")
