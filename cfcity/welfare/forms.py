"""The register's forms: they read what was typed; every rule is in services (WelfareError
messages are put next to their fields by ``show_errors``)."""
from __future__ import annotations

from django import forms

from cfcity.orgs.models import OrgUnit

from . import access, services
from .models import Category, SupportKind, Worker
from .services import ChildInput

DATE = forms.DateInput(attrs={"type": "date"})
ASSENT = [("", "未记录"), ("yes", "同意"), ("no", "不同意")]


def scoped_units(user, kind: str):
    return OrgUnit.objects.filter(pk__in=access.unit_ids(user), kind=kind).order_by("order", "name")


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):  # several towns may have a 东村
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class ChildForm(forms.Form):
    """Register (``child=None``) or change a record. On a change the identity fields start
    empty — a GET of the form must not show what only a full view with a reason may — and
    an empty one keeps its value."""
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号码", max_length=30, required=False)
    town = UnitChoice(label="镇（街道）", queryset=OrgUnit.objects.none(), empty_label="请选择")
    village = VillageChoice(label="村（社区）", queryset=OrgUnit.objects.none(), empty_label="请选择")
    categories = forms.MultipleChoiceField(label="困境类别", choices=Category.choices,
                                           widget=forms.CheckboxSelectMultiple, required=False)
    guardian_name = forms.CharField(label="监护人姓名", max_length=2000, required=False)
    guardian_relation = forms.CharField(label="监护人关系", max_length=20, required=False,
                                        help_text="如：祖父母、母亲、其他亲属")
    guardian_phone = forms.CharField(label="监护人电话", max_length=20, required=False)
    address = forms.CharField(label="家庭住址", max_length=2000, required=False,
                              widget=forms.TextInput(attrs={"size": 50}))
    hope_house_eligible = forms.BooleanField(label="符合希望小屋建设条件", required=False)
    health_details = forms.CharField(label="健康与残疾情况", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    cp_indicated = forms.BooleanField(label="适应症脑瘫儿童", required=False)
    guardian_consent = forms.BooleanField(label="监护人已书面同意建档", required=False)
    consent_statistics = forms.BooleanField(label="监护人同意用于统计", required=False)
    child_assent = forms.ChoiceField(label="儿童本人意见", choices=ASSENT, required=False)
    notice_version = forms.CharField(label="告知书版本", max_length=20, required=False)
    consent_date = forms.DateField(label="同意日期", required=False, widget=DATE)
    registered_on = forms.DateField(label="建档日期", required=False, widget=DATE,
                                    help_text="留空为今天；补录以前建立的档案时填写原建档日期")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SENSITIVE = ("health_details", "cp_indicated")
    IDENTITY_KEPT_WHEN_EMPTY = ("name", "id_number", "guardian_name", "guardian_phone", "address")

    def __init__(self, *args, user, child=None, sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["child_assent"].help_text = f"年满 {services.conf('assent_age')} 周岁的儿童须记录其本人是否同意"
        self.fields["town"].queryset = scoped_units(user, OrgUnit.Kind.TOWN)
        self.fields["village"].queryset = scoped_units(user, OrgUnit.Kind.VILLAGE).select_related("parent")
        if not sensitive:
            for f in self.SENSITIVE:
                del self.fields[f]
        if child is None:
            del self.fields["version"]
        else:  # the registration date is set once
            del self.fields["registered_on"]
        if child is None:
            self.fields["name"].required = True
            self.fields["id_number"].required = True
        else:
            for f in self.IDENTITY_KEPT_WHEN_EMPTY:
                self.fields[f].help_text = "留空表示不修改"

    @classmethod
    def initial_for(cls, child, *, sensitive: bool) -> dict:
        """What the change form starts with: everything but the identity fields."""
        data = {"town": child.town_id, "village": child.village_id, "version": child.version,
                "categories": list(child.categories.values_list("category", flat=True)),
                "child_assent": {True: "yes", False: "no", None: ""}[child.child_assent]}
        for f in ("guardian_relation", "hope_house_eligible", "guardian_consent", "consent_statistics",
                  "notice_version", "consent_date"):
            data[f] = getattr(child, f)
        if sensitive:
            data.update(health_details=child.health_details, cp_indicated=child.cp_indicated)
        return data

    def to_input(self) -> ChildInput:
        d = self.cleaned_data
        kept = {}
        if self.child is not None:  # an empty identity field keeps the stored value
            kept = {f: getattr(self.child, f) for f in ("guardian_name", "guardian_phone", "address")}
        text = lambda f: (d.get(f) or "").strip() or kept.get(f, "")  # noqa: E731
        return ChildInput(
            name=text("name"), id_number=text("id_number"), town=d["town"], village=d["village"],
            categories=list(d.get("categories") or []), guardian_name=text("guardian_name"),
            guardian_relation=text("guardian_relation"), guardian_phone=text("guardian_phone"),
            address=text("address"), health_details=(d.get("health_details") or "").strip(),
            cp_indicated=bool(d.get("cp_indicated")), hope_house_eligible=bool(d.get("hope_house_eligible")),
            guardian_consent=bool(d.get("guardian_consent")), consent_statistics=bool(d.get("consent_statistics")),
            child_assent={"yes": True, "no": False}.get(d.get("child_assent") or ""),
            notice_version=text("notice_version"), consent_date=d.get("consent_date"),
            registered_on=d.get("registered_on"))


def show_errors(form: forms.Form, errors: dict[str, str]):
    """A WelfareError's messages next to their fields (the rest above the form)."""
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"size": 40, "placeholder": "如：入户走访前核对监护人信息"}))


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label="保障内容", choices=SupportKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    amount = forms.DecimalField(label="金额（元）", required=False, max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label="说明", required=False, max_length=500)


class VisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE)
    note = forms.CharField(label="走访情况", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.BooleanField(label="需跟进", required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label="销档原因", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：年满 18 周岁、情况改善、迁出本县"}))


class DeletionForm(forms.Form):
    reason = forms.CharField(label="删除理由", max_length=300, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：监护人撤回同意"}))


class DecideDeletionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "同意删除"), ("refuse", "不同意")])
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class AppointForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Worker.Kind.choices)
    unit = forms.IntegerField(label="镇村", widget=forms.HiddenInput)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    appointed_on = forms.DateField(label="任职日期", widget=DATE)


class EndForm(forms.Form):
    on = forms.DateField(label="离任日期", widget=DATE)


class TrainingForm(forms.Form):
    date = forms.DateField(label="培训日期", widget=DATE)
    title = forms.CharField(label="培训内容", max_length=200, required=False)
    hours = forms.DecimalField(label="学时", required=False, max_digits=5, decimal_places=1, min_value=0)
    provider = forms.CharField(label="举办单位", max_length=100, required=False)


class ExportRequestForm(forms.Form):
    unit = UnitChoice(label="导出范围", queryset=OrgUnit.objects.none(), empty_label="请选择")
    reason = forms.CharField(label="用途", max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (OrgUnit.objects.filter(
            pk__in=access.unit_ids(user), kind__in=[OrgUnit.Kind.AREA, OrgUnit.Kind.TOWN, OrgUnit.Kind.VILLAGE])
            .order_by("kind", "order", "name"))


class DownloadForm(forms.Form):
    """The archive's password, typed twice; never stored, never shown back."""
    password1 = forms.CharField(label="压缩包密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                strip=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                strip=False)

    def clean(self):
        d = super().clean()
        p1, p2 = d.get("password1"), d.get("password2")
        if p1 and len(p1) < 10:
            self.add_error("password1", "压缩包密码至少 10 个字符")
        elif p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        return d

