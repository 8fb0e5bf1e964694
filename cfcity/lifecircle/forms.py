from django import forms


class NetworkForm(forms.Form):
    name = forms.CharField(label="路网名称", max_length=200, required=False,
                           help_text="例如：2025年县城步行路网（自然资源局提供）")
    file = forms.FileField(label="路网文件", help_text="GeoJSON（LineString/MultiLineString，WGS-84 经纬度，"
                                                      "UTF-8 或 GB18030）或 OpenStreetMap 导出的 .osm 文件")
