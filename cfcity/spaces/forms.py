import json

from django import forms

from cfcity.plans import models as pm

from . import geo
from .models import Space, SpaceKind

MAX_GEOJSON_CHARS = 400_000


class SpaceForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ModelChoiceField(label="类型", queryset=SpaceKind.objects.all(), empty_label=None)
    org_unit = forms.ModelChoiceField(label="所在镇（街道）或村（社区）", queryset=None)
    lead_unit = forms.ModelChoiceField(label="建设责任单位", queryset=None, required=False)
    task = forms.ModelChoiceField(label="计入任务", queryset=None, required=False,
                                  help_text="不选则按类型自动归入方案中的对应任务。")
    status = forms.ChoiceField(label="状态", choices=Space.Status.choices)
    started_on = forms.DateField(label="开工日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    opened_on = forms.DateField(label="建成开放日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    certified_on = forms.DateField(label="认定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label="地址", max_length=300, required=False)
    description = forms.CharField(label="简介", max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    lon = forms.FloatField(label="经度", required=False, min_value=geo.LON[0], max_value=geo.LON[1],
                           help_text="点位：填写经度和纬度（WGS-84/CGCS2000，如 118.0970）。")
    lat = forms.FloatField(label="纬度", required=False, min_value=geo.LAT[0], max_value=geo.LAT[1])
    geometry = forms.CharField(label="或粘贴 GeoJSON 几何", required=False, max_length=MAX_GEOJSON_CHARS,
                               widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
                               help_text="道路（LineString）或公园轮廓（Polygon）：粘贴 GeoJSON 几何对象；"
                                         "填写后以此为准。")

    def __init__(self, *args, places, leads, plan, lead_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _qs(places)
        self.fields["lead_unit"].queryset = _qs(leads)
        if lead_required:  # a department registers the spaces it builds
            self.fields["lead_unit"].required = True
            self.fields["lead_unit"].empty_label = None
        self.fields["task"].queryset = pm.Task.objects.filter(plan=plan).order_by("number") if plan else \
            pm.Task.objects.none()
        self.fields["task"].label_from_instance = lambda t: f"（{t.number}）{t.title}"
        self.fields["org_unit"].label_from_instance = lambda u: u.name

    def clean(self):
        d = super().clean()
        text = (d.get("geometry") or "").strip()
        try:
            if text:
                d["shape"] = geo.clean(text)[0]
            elif d.get("lon") is not None and d.get("lat") is not None:
                d["shape"] = geo.clean(geo.point(d["lon"], d["lat"]))[0]
            else:
                raise forms.ValidationError("请填写经纬度，或粘贴 GeoJSON 几何")
        except geo.GeometryError as e:
            raise forms.ValidationError(str(e))
        return d

    @classmethod
    def initial_for(cls, space: Space) -> dict:
        initial = {"name": space.name, "kind": space.kind_id, "org_unit": space.org_unit_id,
                   "lead_unit": space.lead_unit_id, "task": space.task_id, "status": space.status,
                   "started_on": space.started_on, "opened_on": space.opened_on,
                   "certified_on": space.certified_on, "address": space.address, "description": space.description}
        if space.geometry.get("type") == "Point":
            initial["lon"], initial["lat"] = space.geometry["coordinates"]
        else:
            initial["geometry"] = json.dumps(space.geometry, ensure_ascii=False)
        return initial


def _qs(units):
    from cfcity.orgs.models import OrgUnit
    return OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("kind", "order", "pk")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=Space.Status.choices)
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                         help_text="开工、建成开放或认定的日期。")


class PhotoForm(forms.Form):
    file = forms.FileField(label="照片（JPEG、PNG、WebP）")
    caption = forms.CharField(label="照片说明", max_length=200,
                              help_text="一句话说明照片内容，供读屏软件朗读，也作图注；不要拍摄或写出儿童的姓名。")


class ImportForm(forms.Form):
    file = forms.FileField(label="GeoJSON 文件（.geojson 或 .json）")
