"""GeoJSON export and import: a round trip into an empty county gives the same file back;
re-importing an exported file updates instead of duplicating; hostile files are refused with
every problem listed by feature and nothing written."""
import json

import pytest
from django.test import Client

from cfcity.audit.models import AuditEntry
from cfcity.spaces import geojson, services
from cfcity.spaces.models import Space

from .factory import kind, places, pt, stored  # noqa: F401

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("x")</script>'


def without_ids(doc):
    out = json.loads(json.dumps(doc))
    for f in out["features"]:
        f["properties"].pop("id")
    return out


@pytest.fixture
def rich(places):
    import datetime
    c, w = places["coordinator"], places
    services.create_space(c, area=w["county"], org_unit=w["village"], kind=kind("route"), name="东村上学路",
                          geometry={"type": "LineString", "coordinates": [[118.01, 36.9], [118.02, 36.91]]},
                          status="building", started_on=datetime.date(2024, 4, 1))
    services.create_space(c, area=w["county"], org_unit=w["town"], lead_unit=w["health"], kind=kind("park"),
                          name="果里镇口袋公园", address="果里镇中心街",
                          geometry={"type": "Polygon", "coordinates": [[[118.0, 36.9], [118.001, 36.9],
                                                                        [118.001, 36.901], [118.0, 36.9]]]},
                          status="certified", started_on=datetime.date(2023, 1, 1),
                          opened_on=datetime.date(2023, 6, 1), certified_on=datetime.date(2024, 6, 1))
    return w


def make_county(world):
    """An empty county with the same towns and departments (and a plan with the same tasks)."""
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import services as plan_services
    from tests.conftest import make_plan
    area = OrgUnit.objects.create(name="示例县", kind=OrgUnit.Kind.AREA, parent=world["city"])
    plan = make_plan(doc_number="示政办发〔2024〕1号", title="示例县儿童友好城市建设行动方案")
    plan.issuer = "示例县人民政府办公室"
    plan = plan_services.store_plan(plan)
    area = plan.area
    town = OrgUnit.objects.create(name="果里镇", kind=OrgUnit.Kind.TOWN, parent=area)
    OrgUnit.objects.create(name="东村", kind=OrgUnit.Kind.VILLAGE, parent=town)
    OrgUnit.objects.create(name="索镇", kind=OrgUnit.Kind.TOWN, parent=area)
    for name in ("县教育体育局", "县卫生健康局"):
        OrgUnit.objects.get_or_create(name=name, kind=OrgUnit.Kind.DEPARTMENT, parent=area)
    return area


def test_round_trip_into_an_empty_county(rich):
    from django.contrib.auth.models import User
    root = User.objects.get(username="root")
    first = geojson.export(Space.objects.filter(area=rich["county"]))
    assert first["type"] == "FeatureCollection" and len(first["features"]) == 4
    assert {f["geometry"]["type"] for f in first["features"]} == {"Point", "LineString", "Polygon"}
    area = make_county(rich)
    data = json.dumps(first, ensure_ascii=False).encode()
    assert geojson.import_file(root, area, data) == {"created": 4, "updated": 0}
    second = geojson.export(Space.objects.filter(area=area))
    assert without_ids(second) == without_ids(first)
    # the same file again into the first county: updated in place, not duplicated
    before = Space.objects.filter(area=rich["county"]).count()
    assert geojson.import_file(rich["coordinator"], rich["county"], data) == {"created": 0, "updated": 4}
    assert Space.objects.filter(area=rich["county"]).count() == before
    assert AuditEntry.objects.filter(action="spaces.space.imported").count() == 2


def test_gb18030_file_imports(places):
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": pt(), "properties": {
        "name": "索镇阅读空间", "kind": "儿童友好阅读空间", "status": "规划中", "town": "索镇"}}]}
    data = json.dumps(doc, ensure_ascii=False).encode("gb18030")
    assert geojson.import_file(places["coordinator"], places["county"], data)["created"] == 1
    assert Space.objects.get(name="索镇阅读空间").kind.code == "reading"


def feature(**props):
    base = {"name": "新运动场", "kind": "sports", "status": "planned", "town": "果里镇"}
    return {"type": "Feature", "geometry": props.pop("geometry", pt()), "properties": {**base, **props}}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


@pytest.mark.parametrize("data,message", [
    (b"", "空的"),
    (b"   \n", "空的"),
    (b"\x89PNG\r\n\x1a\n0000", "JSON"),
    (b"{not json", "JSON"),
    (b'{"type": "Point", "coordinates": [118, 36]}', "FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": []}', "没有要素"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", '
     b'"coordinates": [NaN, 36]}, "properties": {}}]}', "JSON"),
    (b"[" * 100000 + b"]" * 100000, "JSON"),
])
def test_hostile_files_are_refused(places, data, message):
    before = Space.objects.count()
    with pytest.raises(geojson.ImportRefused) as e:
        geojson.import_file(places["coordinator"], places["county"], data)
    assert message in " ".join(e.value.errors)
    assert Space.objects.count() == before


def test_a_huge_file_is_refused_before_it_is_read(places):
    with pytest.raises(geojson.ImportRefused, match="太大"):
        geojson.import_file(places["coordinator"], places["county"], b" " * 10 + b"x" * (geojson.MAX_BYTES + 1))


def test_every_bad_feature_is_listed_and_nothing_is_written(places):
    before = Space.objects.count()
    data = collection(
        feature(name="好的一个"),
        feature(geometry={"type": "MultiPoint", "coordinates": [[118, 36]]}),
        feature(geometry={"type": "Point", "coordinates": [36.9, 118.0]}),
        feature(geometry={"type": "Polygon", "coordinates": [[[118, 36], [118.1, 36], [118.1, 36.1], [118, 36.2]]]}),
        feature(town="火星镇"),
        feature(kind="castle"),
        feature(status="done"),
        feature(opened_on="2024-13-01", status="open"),
        feature(name=""),
        "not a feature",
    )
    with pytest.raises(geojson.ImportRefused) as e:
        geojson.import_file(places["coordinator"], places["county"], data)
    errors = e.value.errors
    assert [x.split("：", 1)[0] for x in errors] == [f"第 {i} 个要素" for i in range(2, 11)]
    assert "Point" in errors[0] and "写反" in errors[1] and "闭合" in errors[2] and "火星镇" in errors[3]
    assert Space.objects.count() == before


def test_a_town_reporter_imports_only_into_its_town(places):
    data = collection(feature(town="索镇"))
    with pytest.raises(geojson.ImportRefused, match="无权"):
        geojson.import_file(places["town_reporter"], places["county"], data)
    assert geojson.import_file(places["town_reporter"], places["county"], collection(feature()))["created"] == 1


def test_a_script_in_a_name_is_shown_as_text(places):
    c = Client()
    c.force_login(places["coordinator"])
    r = c.post("/spaces/import/", {"file": _upload(collection(feature(name=SCRIPT)))})
    assert r.status_code == 302
    space = Space.objects.get(name=SCRIPT)
    for path in ("/spaces/", f"/spaces/{space.pk}/"):
        body = c.get(path).content.decode()
        assert SCRIPT not in body and "&lt;script&gt;" in body
    names = [f["properties"]["name"] for f in c.get("/spaces/spaces.geojson").json()["features"]]
    assert SCRIPT in names  # the data stays as written; the map puts it in as text (spaces.js)


def test_the_import_page_lists_the_problems(places):
    c = Client()
    c.force_login(places["coordinator"])
    r = c.post("/spaces/import/", {"file": _upload(collection(feature(town="火星镇")))})
    assert r.status_code == 400 and "第 1 个要素" in r.content.decode()


def test_the_export_is_scoped_and_downloadable(places):
    c = Client()
    c.force_login(places["town_reporter"])
    r = c.get("/spaces/spaces.geojson?download=1")
    assert r["Content-Type"].startswith("application/geo+json") and "attachment" in r["Content-Disposition"]
    assert [f["properties"]["name"] for f in r.json()["features"]] == ["果里镇运动场"]
    c.force_login(places["coordinator"])
    names = {f["properties"]["name"] for f in c.get("/spaces/spaces.geojson?kind=street").json()["features"]}
    assert names == {"索镇街区"}


def _upload(data, name="spaces.geojson"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data, content_type="application/geo+json")
