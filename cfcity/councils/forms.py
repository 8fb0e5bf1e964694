from django import forms

from .models import CouncilMember, Proposal

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CouncilForm(forms.Form):
    org_unit = forms.ModelChoiceField(label="所属单位", queryset=None,
                                      help_text="县、镇（街道）、村（社区）或学校；层级由单位类型决定。")
    name = forms.CharField(label="名称", max_length=100)
    founded_on = forms.DateField(label="成立日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].label_from_instance = lambda u: f"{u.name}（{u.get_kind_display()}）"


class CouncilEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    founded_on = forms.DateField(label="成立日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MemberForm(forms.Form):
    pseudonym = forms.CharField(label="化名", max_length=20,
                                help_text="在所有页面和导出中只显示化名，请不要用真实姓名或其谐音。")
    age_band = forms.ChoiceField(label="年龄段", choices=CouncilMember.AgeBand.choices)
    real_name = forms.CharField(label="真实姓名（加密保存，不在页面显示）", max_length=50, required=False)
    guardian_consent = forms.BooleanField(label="监护人已同意参加", required=False)
    consent_on = forms.DateField(label="同意日期", required=False, widget=DATE)
    consent_form = forms.ChoiceField(label="同意方式", required=False,
                                     choices=[("", "—")] + CouncilMember.ConsentForm.choices)
    joined_on = forms.DateField(label="加入日期", widget=DATE)


class MemberEditForm(forms.Form):
    age_band = forms.ChoiceField(label="年龄段", choices=CouncilMember.AgeBand.choices)
    guardian_consent = forms.BooleanField(label="监护人已同意参加", required=False)
    consent_on = forms.DateField(label="同意日期", required=False, widget=DATE)
    consent_form = forms.ChoiceField(label="同意方式", required=False,
                                     choices=[("", "—")] + CouncilMember.ConsentForm.choices)
    left_on = forms.DateField(label="退出日期", required=False, widget=DATE)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看原因", max_length=200,
                             help_text="例如：核对监护人同意书。查看记录（含原因）写入审计日志。")


class AdviserForm(forms.Form):
    name = forms.CharField(label="辅导员姓名", max_length=50)
    unit_name = forms.CharField(label="工作单位", max_length=100)
    role = forms.CharField(label="担任", max_length=50, initial="辅导员")


class MeetingForm(forms.Form):
    date = forms.DateField(label="会议日期", widget=DATE)
    topic = forms.CharField(label="议题", max_length=200)
    attendance = forms.IntegerField(label="出席儿童人数", min_value=0, max_value=500)
    minutes = forms.CharField(label="会议纪要", required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="只写化名，不写儿童的真实姓名、学校班级、住址。")
    file = forms.FileField(label="纪要文件（可选）", required=False)


class ProposalForm(forms.Form):
    title = forms.CharField(label="建议标题", max_length=200)
    text = forms.CharField(label="建议内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="按儿童的原意整理；不写儿童的真实姓名。")
    submitted_on = forms.DateField(label="提出日期", widget=DATE)
    meeting = forms.ModelChoiceField(label="提出会议", queryset=None, required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = council.meetings.all()
        self.fields["meeting"].label_from_instance = lambda m: f"{m.date.isoformat()} {m.topic}"


class RouteForm(forms.Form):
    to = forms.ModelChoiceField(label="交办单位", queryset=None)
    due_on = forms.DateField(label="答复期限", widget=DATE)
    note = forms.CharField(label="交办说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = units


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=Proposal.Outcome.choices)
    note = forms.CharField(label="办结说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
