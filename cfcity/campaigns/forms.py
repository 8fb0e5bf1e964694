from django import forms

from cfcity.orgs.models import OrgUnit

from . import files
from .models import AgeBand, Campaign, Kind, Submission


class CampaignForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(label="征集的作品类别", choices=Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Campaign
        fields = ["title", "description", "kinds", "opens_on", "closes_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6}),
                   "opens_on": forms.DateInput(attrs={"type": "date"}),
                   "closes_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"description": "写给孩子和家长看：主题、要求、截止时间、作品将如何展示。"}


class SubmissionForm(forms.Form):
    """The public form. Checks that need the campaign (kind, consent, text, the file's bytes)
    are the service's; this form only collects."""
    kind = forms.ChoiceField(label="作品类别")
    title = forms.CharField(label="作品名称", max_length=200, help_text="例如：我家门口的小公园")
    description = forms.CharField(label="说说你的作品（可以不填）", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="不要写姓名、学校、班级、电话和住址。")
    pseudonym = forms.CharField(label="笔名", max_length=100,
                                help_text="起一个笔名，作品展示时只显示笔名。不要用真实姓名。")
    age_band = forms.ChoiceField(label="年龄", choices=[("", "请选择")] + AgeBand.choices)
    town = forms.ModelChoiceField(label="所在镇（街道）（可以不选）", queryset=OrgUnit.objects.none(),
                                  required=False, empty_label="不选")
    file = forms.FileField(label="作品文件", allow_empty_file=True)
    guardian_relationship = forms.ChoiceField(label="填表的监护人是孩子的",
                                              choices=[("", "请选择")] + Submission.Relationship.choices)
    guardian_consent = forms.BooleanField(
        label="我是孩子的监护人，已读上面的说明，同意提交这件作品，并同意作品审核通过后以笔名在本网站展示", required=False)
    child_assent = forms.BooleanField(label="我是小作者，我同意把我的作品给大家看（8岁及以上的小朋友自己勾选）",
                                      required=False)
    website = forms.CharField(label="网址（请不要填写）", required=False)  # the honeypot: hidden by CSS

    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in campaign.kinds if k in Kind.values]
        self.fields["town"].queryset = OrgUnit.objects.filter(parent_id=campaign.plan.area_id,
                                                              kind=OrgUnit.Kind.TOWN).order_by("order", "name")
        self.fields["file"].widget.attrs["accept"] = ",".join(dict.fromkeys(
            files.ACCEPT_ATTR[m] for k in campaign.kinds for m in files.allowed_media(k)))
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["kind"].error_messages["invalid_choice"] = "这个征集活动不征集这一类作品"
        for name in ("title", "pseudonym", "kind"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"
        self.fields["age_band"].error_messages["required"] = "请选择年龄"
        self.fields["guardian_relationship"].error_messages["required"] = "请选择填表的监护人是孩子的父亲、母亲还是其他监护人"
        self.fields["file"].error_messages["required"] = "请选择作品文件"


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=200)
