from django import forms

from cfcity.plans import models as pm

from .models import Case, CaseFile, Meeting


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "year", "summary", "text", "tasks"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12}), "tasks": forms.CheckboxSelectMultiple}
        help_texts = {"text": "写清做法、成效和经验；不要写儿童的姓名、学校班级、住址等个人信息。",
                      "summary": "一两句话，列表和公开页面上显示。"}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = pm.Task.objects.filter(plan=plan).order_by("number")
        self.fields["tasks"].label_from_instance = lambda t: f"（{t.number}）{t.title}"
        self.fields["year"].min_value = 2000


class FileForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=CaseFile.Kind.choices)
    file = forms.FileField(label="文件")
    caption = forms.CharField(label="照片说明", max_length=200, required=False,
                              help_text="照片必填：一句话说明照片内容，供读屏软件朗读，也作图注。")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "date", "place", "participants", "summary", "cases"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "participants": forms.Textarea(attrs={"rows": 3}),
                   "summary": forms.Textarea(attrs={"rows": 6}), "cases": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = Case.objects.filter(
            plan=plan, status__in=[Case.Status.ACCEPTED, Case.Status.PUBLISHED])
        self.fields["cases"].required = False


class MaterialForm(forms.Form):
    file = forms.FileField(label="会议材料")
