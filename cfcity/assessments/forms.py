from django import forms

from .models import Consultation, Criterion, ImpactAssessment, Response

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类别", choices=ImpactAssessment.Kind.choices)
    responsible_unit = forms.ModelChoiceField(label="提出（责任）单位", queryset=None)
    decision_maker = forms.CharField(label="决策机关", max_length=100,
                                     help_text="如：县人民政府常务会议、县发展改革局")
    description = forms.CharField(label="概况", required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text="建设内容、范围、涉及的儿童群体等")
    registered_on = forms.DateField(label="登记日期", required=False, widget=DATE)
    due_on = forms.DateField(label="评价完成期限", required=False, widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units
        self.fields["responsible_unit"].label_from_instance = lambda u: u.name


class ConsultationForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    method = forms.ChoiceField(label="方式", choices=Consultation.Method.choices)
    children = forms.CharField(label="参与儿童人数", max_length=12)
    age_bands = forms.MultipleChoiceField(label="年龄段", choices=Consultation.AGE_BANDS, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label="儿童意见摘要", max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="概括儿童提出的意见；不写儿童姓名、学校班级、住址等个人信息。")


class ConditionForm(forms.Form):
    text = forms.CharField(label="整改要求", max_length=5_000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label="落实单位", queryset=None, required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.name


class ConcludeForm(forms.Form):
    finding = forms.ChoiceField(label="总体结论", choices=ImpactAssessment.Finding.choices)
    conclusion = forms.CharField(label="评价结论", max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    on = forms.DateField(label="结论日期", required=False, widget=DATE)


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(label="决策反馈", choices=Response.Decision.choices)
    text = forms.CharField(label="反馈说明", max_length=5_000, widget=forms.Textarea(attrs={"rows": 4}))
    date = forms.DateField(label="反馈日期", required=False, widget=DATE)


class CriterionForm(forms.Form):
    dimension = forms.CharField(label="维度", max_length=20)
    question = forms.CharField(label="评价要点", max_length=300)
    guidance = forms.CharField(label="评价指引", required=False, max_length=5_000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.CharField(label="权重", max_length=6, initial=1)
    max_score = forms.CharField(label="满分", max_length=6, initial=5)
    order = forms.CharField(label="排序", max_length=6, initial=0)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    @classmethod
    def for_row(cls, row: Criterion, **kw):
        return cls(initial={f: getattr(row, f) for f in cls.base_fields}, prefix=f"c{row.pk}", **kw)
