from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cfcity.accounts import access
from cfcity.accounts.models import Membership
from cfcity.accounts.roles import rules_for
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm

from .models import Finding, Inspection


def _units(user):
    return access.visible_to(user, OrgUnit.objects.filter(active=True), "pk").exclude(
        kind=OrgUnit.Kind.AREA).order_by("kind", "name")


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.parent is None or obj.parent.kind == OrgUnit.Kind.AREA else f"{obj.parent.name}{obj.name}"


class UnitsChoice(forms.ModelMultipleChoiceField):
    label_from_instance = UnitChoice.label_from_instance


class TasksChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"任务（{obj.number}）{obj.title}"


class InspectionForm(forms.Form):
    plan = forms.ModelChoiceField(label="行动方案", queryset=pm.Plan.objects.none())
    kind = forms.ChoiceField(label="督查方式", choices=Inspection.Kind.choices)
    title = forms.CharField(label="名称", max_length=200, help_text="如：2024年上半年儿童友好城市建设工作督查")
    date = forms.DateField(label="督查日期", widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelMultipleChoiceField(label="督查组成员（平台用户）", required=False,
                                          queryset=get_user_model().objects.none(),
                                          widget=forms.CheckboxSelectMultiple)
    team_names = forms.CharField(label="其他成员", max_length=300, required=False,
                                 help_text="不是平台用户的成员，如第三方评估机构人员，用顿号分隔")
    units = UnitsChoice(label="督查单位", queryset=OrgUnit.objects.none(), widget=forms.CheckboxSelectMultiple)
    tasks = TasksChoice(label="涉及任务", queryset=pm.Task.objects.none(), required=False,
                        widget=forms.SelectMultiple(attrs={"size": 8}))
    summary = forms.CharField(label="督查情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        if plans.count() == 1:
            self.fields["plan"].initial = plans.first()
        self.fields["units"].queryset = _units(user).select_related("parent")
        self.fields["tasks"].queryset = pm.Task.objects.filter(plan__in=plans).order_by("plan_id", "number")
        supervisors = [m.user_id for m in Membership.objects.filter(
            org_unit__in=access.visible_to(user, OrgUnit.objects.all(), "pk"), user__is_active=True)
            if rules_for(m.role).supervise]
        self.fields["team"].queryset = get_user_model().objects.filter(pk__in=supervisors).order_by("username")
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class FindingForm(forms.Form):
    org_unit = UnitChoice(label="责任单位", queryset=OrgUnit.objects.none())
    task = forms.ModelChoiceField(label="涉及任务", queryset=pm.Task.objects.none(), required=False)
    problem = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label="严重程度", choices=Finding.Severity.choices)
    required = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _units(user).select_related("parent")
        self.fields["task"].queryset = pm.Task.objects.filter(plan=inspection.plan).order_by("number")
        self.fields["task"].label_from_instance = lambda t: f"任务（{t.number}）{t.title}"
        ids = list(inspection.units.values_list("pk", flat=True))
        if ids:
            self.fields["org_unit"].initial = ids[0]


class AnswerForm(forms.Form):
    text = forms.CharField(label="整改措施和完成情况", widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(forms.Form):
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
