"""The work plan pages over HTTP: errors next to their fields, a stale save refused, the
year's list scoped to the unit, the breakdown and budget pages."""
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.workplans import services
from cfcity.workplans.models import WorkPlan

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(User.objects.get(pk=user.pk))
    return c


def form(wp, **extra):
    data = {"version": wp.version, "summary": "", "ms-count": "1", "bl-count": "1", "action": "save",
            "ms-0-title": "", "ms-0-due": "", "bl-0-item": "", "bl-0-planned": "", "bl-0-source": "", "bl-0-task": ""}
    data.update(extra)
    return data


def test_opening_saving_and_errors_next_to_fields(wp_world):
    w = wp_world
    c = client(w["housing_reporter"])
    r = c.get("/workplans/?year=2024")
    assert "编制本单位2024年度工作计划" in r.content.decode()
    r = c.post("/workplans/open/", {"plan": w["plan"].pk, "year": "2024"})
    wp = WorkPlan.objects.get(org_unit=w["housing"], year=2024)
    assert r["Location"] == f"/workplans/{wp.pk}/"
    streets = w["streets"].pk
    r = c.post(f"/workplans/{wp.pk}/", form(wp, **{f"share-{streets}": "两处", "ms-0-title": "开工",
                                                   "ms-0-due": "2023-05-01", "bl-0-item": "街区改造",
                                                   "bl-0-planned": "abc"}))
    assert r.status_code == 422
    html = r.content.decode()
    assert "有 5 处需要修改" in html
    # each message sits in the block of its own field, and what was typed stays
    share_block = re.search(rf'id="share-{streets}".*?</div>\s*</div>|id="share-{streets}".*?class="error">[^<]*',
                            html, re.S).group(0)
    assert "年度分解值“两处”不是数字" in share_block and 'value="两处"' in html
    assert "完成时间应在2024年内" in html and "请选择资金来源" in html and "请选择本计划中的任务" in html
    assert WorkPlan.objects.get(pk=wp.pk).version == 1
    r = c.post(f"/workplans/{wp.pk}/", form(wp, **{f"share-{streets}": "2", f"towns-{streets}": [str(w["town"].pk)],
                                                   "ms-0-title": "开工", "ms-0-due": "2024-05-01",
                                                   "bl-0-item": "街区改造", "bl-0-planned": "120",
                                                   "bl-0-source": "reward", "bl-0-task": str(w["streets_task"].pk)}))
    assert r.status_code == 302
    wp.refresh_from_db()
    assert wp.version == 2 and wp.shares.get(target_id=streets).value == 2
    assert list(wp.shares.get(target_id=streets).towns.values_list("name", flat=True)) == ["果里镇"]
    assert wp.budget_lines.get().get_source_display() == "以奖代补"
    # a second tab still holding version 1
    r = c.post(f"/workplans/{wp.pk}/", form(wp, version="1", summary="旧页面"), follow=True)
    assert "刚被他人修改过" in r.content.decode()
    assert WorkPlan.objects.get(pk=wp.pk).summary == ""
    page = c.get(f"/workplans/{wp.pk}/").content.decode()
    assert "全县各年度分解合计 2 处，距目标 3 处还差 1 处" in page


def test_the_list_shows_a_unit_only_its_own(wp_world):
    w = wp_world
    services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    services.open_work_plan(w["plan"], w["health"], 2024, user=w["health_reporter"])
    mine = client(w["housing_reporter"]).get("/workplans/?year=2024").content.decode()
    assert "县住房城乡建设局" in mine and "县卫生健康局" not in mine
    all_ = client(w["coordinator"]).get("/workplans/?year=2024").content.decode()
    assert "县住房城乡建设局" in all_ and "县卫生健康局" in all_
    assert "未编制" in all_  # e.g. 果里镇, which shares the streets target


def test_breakdown_and_budget_pages(wp_world):
    w = wp_world
    wp = services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    services.save_work_plan(wp, user=w["housing_reporter"], version=wp.version, shares={w["streets"].pk: "2"},
                            budget=[services.BudgetRow(w["streets_task"].pk, "街区改造", "investment", "88.5")])
    assert "88.50" not in client(w["leader"]).get("/workplans/budget/?year=2024").content.decode()  # a draft
    wp.refresh_from_db()
    services.save_work_plan(wp, user=w["housing_reporter"], version=wp.version,
                            measures={w["streets_task"].pk: "建街区"}, shares={s.target_id: "1" for s in wp.shares.all()})
    services.submit(wp, user=w["housing_reporter"])
    page = client(w["coordinator"]).get(f"/workplans/targets/{w['streets'].pk}/").content.decode()
    assert "各年度分解合计 1 处，距目标 3 处还差 2 处" in page
    page = client(w["coordinator"]).get("/workplans/?year=2024").content.decode()
    assert "距目标 3 处还差 2 处" in page  # the coordinator's list checks every target
    budget = client(w["leader"]).get("/workplans/budget/?year=2024").content.decode()
    assert "88.50" in budget and "投资补助" in budget
    assert "88.50" not in client(w["edu_reporter"]).get("/workplans/budget/?year=2024").content.decode()


@pytest.mark.parametrize("segment", ["0", "-1", "99999999999999999999", "9223372036854775808", "1.5", "%2e%2e%2f"])
def test_hostile_ids_in_the_address_are_404(wp_world, segment):
    c = client(wp_world["coordinator"])
    for path in (f"/workplans/{segment}/", f"/workplans/targets/{segment}/"):
        assert c.get(path).status_code == 404
    r = c.get(f"/workplans/?year={segment}&plan={segment}")
    assert r.status_code == 200
