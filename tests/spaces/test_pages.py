"""The register's pages and services: registering a point or a pasted outline, refusing bad
locations and dates, status changes with their dates and history, checklist ticks, photos
re-encoded without EXIF, a department registering what it builds, every write audited."""
import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cfcity.audit.models import AuditEntry
from cfcity.spaces import geo, services
from cfcity.spaces.models import ChecklistItem, Space, SpaceKind

from .factory import kind, places, png, pt, stored  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date


def client(user):
    c = Client()
    c.force_login(user)
    return c


def form(w, **over):
    data = {"name": "果里镇口袋公园", "kind": kind("park").pk, "org_unit": w["town"].pk, "status": "open",
            "started_on": "2024-03-01", "opened_on": "2024-09-01", "lon": "118.06", "lat": "36.95"}
    return {**data, **over}


def test_the_kinds_and_checklists_are_seeded():
    kind("street")  # (seeded again if a transactional test flushed the migration's rows)
    codes = list(SpaceKind.objects.values_list("code", flat=True))
    assert codes == ["street", "community", "school", "hospital", "route", "park", "reading", "sports"]
    assert SpaceKind.objects.get(code="community").target_words == ""
    assert all(ChecklistItem.objects.filter(kind__code=c).count() >= 5 for c in codes)


def test_register_a_point_and_an_outline(places):
    c = client(places["coordinator"])
    r = c.post("/spaces/new/", form(places))
    assert r.status_code == 302
    space = Space.objects.get(name="果里镇口袋公园")
    assert space.geometry == {"type": "Point", "coordinates": [118.06, 36.95]}
    assert space.task is None  # the world's plan has no park task
    ring = [[118.0, 36.9], [118.002, 36.9], [118.002, 36.902], [118.0, 36.902], [118.0, 36.9]]
    r = c.post("/spaces/new/", form(places, name="公园轮廓", lon="", lat="",
                                    geometry=json.dumps({"type": "Polygon", "coordinates": [ring]})))
    assert r.status_code == 302
    outline = Space.objects.get(name="公园轮廓")
    assert outline.geometry["type"] == "Polygon" and (outline.lon, outline.lat) == (118.001, 36.901)
    assert AuditEntry.objects.filter(action="spaces.space.created", object_id=str(outline.pk)).exists()


def test_the_street_counts_for_the_task_that_names_it(places):
    space = services.create_space(places["coordinator"], area=places["county"], org_unit=places["town"],
                                  kind=kind("street"), name="街区", geometry=pt(), status="planned")
    assert space.task.number == 3  # 建设儿童友好街区 in the world's plan


@pytest.mark.parametrize("over,message", [
    ({"lon": "36.95", "lat": "118.06"}, "纬度"),
    ({"lon": "", "lat": ""}, "请填写经纬度"),
    ({"lon": "", "lat": "", "geometry": '{"type": "Polygon", "coordinates": [[[118,36],[118.1,36],[118.1,36.1],[118,36.2]]]}'},
     "没有闭合"),
    ({"lon": "", "lat": "", "geometry": '{"type": "GeometryCollection", "geometries": []}'}, "不支持"),
    ({"lon": "", "lat": "", "geometry": "<script>"}, "不是有效的 GeoJSON"),
    ({"status": "open", "opened_on": ""}, "建成开放日期"),
    ({"started_on": "2025-01-01", "opened_on": "2024-01-01"}, "不能晚于"),
    ({"opened_on": "2999-01-01"}, "不能晚于今天"),
    ({"name": ""}, "必填"),
])
def test_bad_input_is_refused(places, over, message):
    r = client(places["coordinator"]).post("/spaces/new/", form(places, **over))
    assert r.status_code == 400 and message in r.content.decode()
    assert not Space.objects.filter(name="果里镇口袋公园").exists()


def test_geometry_limits():
    line = {"type": "LineString", "coordinates": [[118 + i * 1e-5, 36.9] for i in range(geo.MAX_VERTICES + 1)]}
    with pytest.raises(geo.GeometryError, match="太多"):
        geo.clean(line)
    for bad in ({"type": "Point", "coordinates": [True, 36]}, {"type": "Point", "coordinates": ["118", "36"]},
                {"type": "Point", "coordinates": [float("inf"), 36]}, {"type": "LineString", "coordinates": [[118, 36]]},
                [], "null"):
        with pytest.raises(geo.GeometryError):
            geo.clean(bad)


def test_status_changes_keep_their_dates_and_show_in_the_history(places):
    space, c = places["other"], client(places["coordinator"])
    assert c.post(f"/spaces/{space.pk}/", {"action": "status", "status": "building", "on": "2024-03-01"}).status_code == 302
    assert c.post(f"/spaces/{space.pk}/", {"action": "status", "status": "open", "on": "2024-02-01"}).status_code == 302
    space.refresh_from_db()
    assert space.status == "building"  # opened before it started: refused, with a message
    c.post(f"/spaces/{space.pk}/", {"action": "status", "status": "open", "on": "2024-10-01"})
    space.refresh_from_db()
    assert (space.status, space.started_on, space.opened_on) == ("open", D(2024, 3, 1), D(2024, 10, 1))
    page = c.get(f"/spaces/{space.pk}/").content.decode()
    assert "规划中 → 建设中（2024-03-01）" in page and "建设中 → 已建成开放（2024-10-01）" in page
    services.change_status(places["coordinator"], space, "planned", D(2024, 11, 1))
    space.refresh_from_db()
    assert (space.started_on, space.opened_on) == (None, None)


def test_checklist_ticks(places):
    space = places["space"]
    items = list(ChecklistItem.objects.filter(kind=space.kind).values_list("pk", flat=True))
    other_kind = ChecklistItem.objects.exclude(kind=space.kind).first().pk
    r = client(places["town_reporter"]).post(f"/spaces/{space.pk}/", {"action": "checks",
                                                                     "item": [items[0], items[2], other_kind, "x"]})
    assert r.status_code == 302
    assert set(space.checks.values_list("item_id", flat=True)) == {items[0], items[2]}
    page = client(places["leader"]).get(f"/spaces/{space.pk}/").content.decode()
    assert "达标情况（2/" in page and 'name="item"' not in page


def test_photos_are_re_encoded_without_exif(places):
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    assert b"SecretCam" in out.getvalue()
    c = client(places["edu_reporter"])
    r = c.post(f"/spaces/{places['space'].pk}/", {"action": "upload", "caption": "场地",
                                                  "file": SimpleUploadedFile("a.jpg", out.getvalue())})
    assert r.status_code == 302
    row = places["space"].photos.order_by("-pk").first()
    served = b"".join(c.get(f"/spaces/photos/{row.pk}/").streaming_content)
    assert served[:2] == b"\xff\xd8" and b"SecretCam" not in served
    r = c.post(f"/spaces/{places['space'].pk}/", {"action": "upload", "caption": "假照片",
                                                  "file": SimpleUploadedFile("b.png", b"<html>not an image")})
    assert r.status_code == 302 and places["space"].photos.count() == 2
    r = c.post(f"/spaces/{places['space'].pk}/", {"action": "remove", "photo": row.pk})
    assert places["space"].photos.count() == 1


def test_a_department_registers_what_it_builds(places):
    w = places
    c = client(w["health_reporter"])
    page = c.get("/spaces/new/").content.decode()
    assert "县卫生健康局" in page and "果里镇" in page
    r = c.post("/spaces/new/", form(w, name="果里镇卫生院", kind=kind("hospital").pk, lead_unit=w["health"].pk))
    assert r.status_code == 302
    assert Space.objects.get(name="果里镇卫生院").lead_unit == w["health"]
    r = c.post("/spaces/new/", form(w, name="不写责任单位", kind=kind("hospital").pk))
    assert r.status_code == 400
    with pytest.raises(PermissionDenied):
        services.create_space(w["health_reporter"], area=w["county"], org_unit=w["town"], lead_unit=w["edu"],
                              kind=kind("school"), name="别的部门", geometry=pt(), status="planned")
    with pytest.raises(PermissionDenied):
        services.create_space(w["town_reporter"], area=w["county"], org_unit=w["town2"], kind=kind("park"),
                              name="别的镇", geometry=pt(), status="planned")


def test_the_leader_reads_only(places):
    c = client(places["leader"])
    assert c.get("/spaces/").status_code == 200
    assert c.post(f"/spaces/{places['space'].pk}/", {"action": "delete"}).status_code == 403
    assert Space.objects.filter(pk=places["space"].pk).exists()


def test_delete(places):
    c = client(places["coordinator"])
    assert c.post(f"/spaces/{places['other'].pk}/", {"action": "delete"}).status_code == 302
    assert not Space.objects.filter(pk=places["other"].pk).exists()
    assert AuditEntry.objects.filter(action="spaces.space.deleted").count() == 1


def test_list_filters_and_map_page(places):
    c = client(places["coordinator"])
    page = c.get(f"/spaces/?status=open&town={places['town'].pk}").content.decode()
    assert "果里镇运动场" in page and "索镇街区" not in page
    page = c.get("/spaces/map/").content.decode()
    assert "未配置底图" in page and 'id="spaces-map-config"' in page


def test_the_map_allows_the_tile_server_only_when_set(places, settings):
    c = client(places["coordinator"])
    assert "tiles.example" not in c.get("/spaces/map/")["Content-Security-Policy"]
    settings.CFCITY_MAP_TILES = "http://tiles.example:8080/{z}/{x}/{y}.png"
    r = c.get("/spaces/map/")
    assert "http://tiles.example:8080" in r["Content-Security-Policy"].split("img-src", 1)[1].split(";")[0]
    assert "未配置底图" not in r.content.decode()
