"""The life circle stored and shown: a run on the small county of factory.py gives the
hand-computed coverage; only the coordinator uploads networks and runs; hostile uploads are
refused with nothing written; a town reporter sees its own town; the reference plan's task
(25) gets the share covered as of each year end; the demo part builds on a small world."""
import datetime
import json
import re
import types
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cfcity.audit.models import AuditEntry
from cfcity.lifecircle import demo, measures, services
from cfcity.lifecircle.models import LifeCircleRun, WalkNetwork
from cfcity.monitoring.models import Observation
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services as reporting
from cfcity.spaces.models import ResidentialCommunity

from . import factory
from .factory import circle  # noqa: F401
from .test_network import OSM, at, geojson, line

pytestmark = pytest.mark.django_db


def reaches(run):
    return {r.community.name: r for r in run.reaches.select_related("community", "nearest_space")}


def test_a_run_stores_the_hand_computed_coverage(circle):
    run = services.run(circle["coordinator"], circle["plan"])
    assert (run.method, run.communities, run.covered, run.share, run.spaces) == ("network", 4, 3, Decimal("75.00"), 4)
    r = reaches(run)
    assert r["东村小区"].nearest_space.name == "口袋公园" and r["东村小区"].nearest_m == pytest.approx(410, abs=0.5)
    assert r["西村小区"].kinds == ["park"] and r["西村小区"].nearest_m == pytest.approx(730, abs=0.5)
    assert not r["北村小区"].covered and r["北村小区"].spaces == []  # planned park and a school do not count
    assert r["南村小区"].method == "straight_line" and r["南村小区"].kinds == ["sports"]
    entry = AuditEntry.objects.get(action="lifecircle.run.computed")
    assert entry.data["covered"] == 3 and entry.data["network"] == circle["network"].pk
    assert AuditEntry.objects.filter(action="lifecircle.network.uploaded").count() == 1


def test_without_a_network_the_straight_line_is_used(circle):
    WalkNetwork.objects.update(active=False)
    run = services.run(circle["coordinator"], circle["plan"])
    assert run.method == "straight_line" and run.network is None
    r = reaches(run)
    # straight line × 1.3: 西村 reaches 社区书屋 (488 m → 634 m), which is 1360 m away on foot
    assert "reading" in r["西村小区"].kinds
    assert run.parameters["detour"] == 1.3 and run.parameters["limit_m"] == 1000


def test_only_the_coordinator_runs_and_uploads(circle):
    for who in ("leader", "town_reporter", "health_reporter"):
        with pytest.raises(PermissionDenied):
            services.run(circle[who], circle["plan"])
        with pytest.raises(PermissionDenied):
            services.upload_network(circle[who], circle["plan"], name="", filename="a.geojson", data=b"{}")
    assert not LifeCircleRun.objects.exists()


def upload(client, name, data, label=""):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return client.post("/lifecircle/network/", {"name": label, "file": SimpleUploadedFile(name, data)})


def test_upload_page_reads_geojson_and_osm_and_refuses_hostile_files(circle):
    c = Client()
    c.force_login(circle["coordinator"])
    doc = json.dumps(geojson([line(at(0, 0), at(100, 0), name="人民路"), line(at(100, 0), at(100, 100))]),
                     ensure_ascii=False).encode("gb18030")
    r = upload(c, "路网.geojson", doc, "县城路网")
    assert r.status_code == 302
    active = WalkNetwork.objects.get(active=True)
    assert (active.name, active.segments, active.source_format) == ("县城路网", 2, "geojson")
    assert active.length_km == pytest.approx(0.2, abs=0.001)
    assert upload(c, "x.osm", OSM.encode()).status_code == 302
    assert WalkNetwork.objects.get(active=True).source_format == "osm"
    before = WalkNetwork.objects.count()
    for name, data, words in (
            ("evil.osm", b'<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "x">]><osm>&a;</osm>', "DOCTYPE"),
            ("empty.geojson", b"", "空"),
            ("x.geojson", b'{"type":"LineString","coordinates":[[500,1],[1,1]]}', "超出经纬度范围"),
            ("x.png", b"\x89PNG\r\n\x1a\n", "无法识别"),
            ("x.geojson", b'{"type":"Point","coordinates":[1,1]}<script>alert(1)</script>', "JSON")):
        r = upload(c, name, data)
        assert r.status_code == 400 and words in r.content.decode(), name
        assert "<script>alert" not in r.content.decode()
    assert WalkNetwork.objects.count() == before
    assert WalkNetwork.objects.filter(active=True).count() == 1


def test_upload_size_limit(circle, settings):
    settings.CFCITY_LIFECIRCLE = {"max_upload_mb": 0.001}
    c = Client()
    c.force_login(circle["coordinator"])
    r = upload(c, "big.geojson", b"{" + b" " * 5000 + b"}")
    assert r.status_code == 400 and "文件太大" in r.content.decode()


def test_pages_show_the_gaps_within_each_users_scope(circle):
    c = Client()
    c.force_login(circle["coordinator"])
    assert c.post("/lifecircle/run/").status_code == 302
    page = c.get("/lifecircle/").content.decode()
    assert "75.0%" in page and "北村小区" in page and "重新计算" in page
    page = c.get("/lifecircle/map/").content.decode()
    data = json.loads(re.search(r'id="lc-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert {x["name"]: x["covered"] for x in data["communities"]} == {
        "东村小区": True, "西村小区": True, "北村小区": False, "南村小区": True}
    assert data["limit"] == 1000 and len(data["segments"]) == 8 and data["tiles"] == ""
    assert {s["name"] for s in data["spaces"]} == {"口袋公园", "滨河公园", "社区书屋", "南村运动场"}
    doc = json.loads(c.get("/lifecircle/results.geojson").content)
    assert len(doc["features"]) == 4 and doc["properties"]["method"] == "network"
    # 果里镇's reporter: its two communities only, no run button
    t = Client()
    t.force_login(circle["town_reporter"])
    page = t.get("/lifecircle/").content.decode()
    assert "东村小区" in page and "西村小区" in page and "北村小区" not in page and "重新计算" not in page
    assert "100.0%" in page
    doc = json.loads(t.get("/lifecircle/results.geojson").content)
    assert {f["properties"]["name"] for f in doc["features"]} == {"东村小区", "西村小区"}


@pytest.fixture
def reference(reference_path):
    plan = plan_services.store_plan(importer.parse_file(reference_path))
    reporting.create_periods(plan, "year")
    area = plan.area
    town = OrgUnit.objects.create(name="果里镇", kind=OrgUnit.Kind.TOWN, parent=area)
    v1 = OrgUnit.objects.create(name="东村", kind=OrgUnit.Kind.VILLAGE, parent=town)
    v2 = OrgUnit.objects.create(name="西村", kind=OrgUnit.Kind.VILLAGE, parent=town)
    k = factory.kinds()
    factory.community(area, v1, "东村小区", 0, 0)
    factory.community(area, v2, "西村小区", 0, 320)
    factory.space(area, town, k["park"], "口袋公园", 400, 10, opened_on=datetime.date(2022, 5, 1))
    factory.space(area, town, k["community"], "社区儿童之家", 800, 300, opened_on=datetime.date(2024, 3, 1))
    from .test_network import network
    services.store_network(None, area, network(), name="路网")
    return plan


def test_the_reference_plan_binds_task_25_to_the_share_covered(reference):
    plan = reference
    bound = [t for t in plan.targets.select_related("task") if measures.measure_for(t)]
    assert [t.task.number for t in bound] == [25]
    target = bound[0]
    assert target.kind == "coverage"
    n = measures.publish([plan], as_of=datetime.date(2025, 12, 31))
    assert n == len(reporting_years(plan))
    got = {o.period.year: o.value for o in Observation.objects.filter(target=target, report=None)}
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=plan.area)
    assert set(Observation.objects.filter(target=target).values_list("org_unit", flat=True)) == {office.pk}
    # 东村 covered from 2022 (the pocket park, 410 m), 西村 from 2024 (the children's home, 820 m;
    # the pocket park is 730 m away and open since 2022: covered from 2022 too)
    assert got[2021] == Decimal("0.00") and got[2022] == Decimal("100.00")
    from cfcity.monitoring.models import TargetStatus
    assert TargetStatus.objects.filter(target=target).exists()


def reporting_years(plan):
    from cfcity.reporting.models import Period
    return list(Period.objects.filter(plan=plan, kind=Period.Kind.YEAR, ends__lte=datetime.date(2025, 12, 31)))


def test_words_bind_another_countys_plan_too(world):
    plan = world["plan"]
    task = pm.Task.objects.filter(plan=plan).first()
    task.text = "打造15分钟儿童社区生活圈。到2025年，社区儿童友好建设覆盖率达到80%。"
    task.save()
    t = pm.Target(plan=plan, task=task, indicator="社区儿童友好建设覆盖率", kind="coverage", source=task.text)
    assert measures.measure_for(t) == measures.COVERAGE
    assert measures.measure_for(pm.Target(plan=plan, task=task, indicator="社区儿童友好建设", kind="milestone")) is None
    other = pm.Target(plan=plan, indicator="15分钟儿童生活圈覆盖率", kind="coverage", source="")
    assert measures.measure_for(other) == measures.COVERAGE


class Clock:
    real = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.timezone.utc)

    def set(self, moment):
        self.now = moment


def test_demo_part_on_a_small_world(world):
    from cfcity.spaces import demo_geo
    OrgUnit.objects.create(name="西村", kind=OrgUnit.Kind.VILLAGE, parent=world["town"])
    OrgUnit.objects.create(name="北村社区", kind=OrgUnit.Kind.VILLAGE, parent=world["town2"])
    k = factory.kinds()
    centre = demo_geo.town_centres(world["county"])[world["town"].pk]
    lon, lat = centre
    from cfcity.spaces.models import Space
    Space.objects.create(area=world["county"], org_unit=world["town"], kind=k["park"], name="镇中心公园",
                         status="open", geometry={"type": "Point", "coordinates": [lon, lat]}, lon=lon, lat=lat)
    ctx = types.SimpleNamespace(area=world["county"], plan=world["plan"], seed=1, clock=Clock(), periods=[])
    assert demo.extend(ctx) == []
    assert ResidentialCommunity.objects.count() == 3
    assert set(ResidentialCommunity.objects.values_list("name", flat=True)) == {"东村居住区", "西村居住区", "北村社区"}
    net = WalkNetwork.objects.get(active=True)
    # per town: 11 + 11 streets of 10 segments and two diagonals of 10
    assert net.segments == 2 * (220 + 20) and net.source_format == "demo"
    run = LifeCircleRun.objects.get()
    assert run.method == "network" and run.communities == 3
    # 索镇 has no space: its community is a gap; 果里镇's (within 700 m of the centre) are covered
    assert run.covered == 2 and run.reaches.get(community__name="北村社区").covered is False


def test_the_straight_line_summary_page_says_so(circle):
    WalkNetwork.objects.update(active=False)
    services.run(circle["coordinator"], circle["plan"])
    c = Client()
    c.force_login(circle["coordinator"])
    page = c.get("/lifecircle/").content.decode()
    assert "直线距离 × 绕行系数 1.3" in page and "769 米" in page and "尚未上传步行路网" in page


def test_the_command_imports_computes_and_publishes(circle, tmp_path):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps(geojson([line(at(0, 0), at(400, 10))])), encoding="utf-8")
    out = io.StringIO()
    call_command("lifecircle", "network", str(path), "--area", "桓台县", stdout=out)
    assert "1 个路段" in out.getvalue()
    call_command("lifecircle", "compute", "--area", "桓台县", "--minutes", "20", stdout=out)
    run = LifeCircleRun.objects.get()
    assert run.parameters["minutes"] == 20 and run.computed_by is None and run.network.segments == 1
    assert "覆盖率" in out.getvalue()
    call_command("lifecircle", "publish", stdout=out)
    with pytest.raises(CommandError, match="没有找到县"):
        call_command("lifecircle", "compute", "--area", "无此县", stdout=out)
    bad = tmp_path / "bad.osm"
    bad.write_bytes(b'<!DOCTYPE x [<!ENTITY a "b">]><osm/>')
    with pytest.raises(CommandError, match="DOCTYPE"):
        call_command("lifecircle", "network", str(bad), "--area", "桓台县", stdout=out)
    with pytest.raises(CommandError, match="应在"):
        call_command("lifecircle", "compute", "--detour", "9", stdout=out)
