"""The pages: the first page lists the plan; detail, list, warnings for staff only."""
import urllib.request

import pytest
from django.contrib.auth.models import User

from cfcity.plans import display, services

pytestmark = pytest.mark.django_db


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.status == 200
        return r.read().decode("utf-8")


def test_first_page_over_http_lists_the_reference_plan(live_server, reference_plan):
    """A real HTTP request against the shipped plan: domains → actions → tasks →
    departments → targets are all on the first page."""
    services.store_plan(reference_plan)
    html = fetch(live_server.url + "/")
    assert "桓台县“十四五”时期加快推进儿童友好城市建设行动方案" in html
    assert "桓政办字〔2022〕33号" in html
    for domain in reference_plan.domains:
        assert domain.title in html
        for action in domain.actions:
            assert action.title in html
    for task in reference_plan.tasks():
        assert f"（{task.number}）" in html and task.title in html
        for name in task.lead_departments:
            assert name in html
    assert "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）" in html
    assert html.count('class="task"') == 42
    assert "共 5 个领域、13 项行动、42 项任务，29 个牵头部门，32 项目标。" in html


def test_first_page_over_http_with_a_hand_built_plan(live_server, full_plan):
    services.store_plan(full_plan)
    html = fetch(live_server.url + "/")
    for text in ["示例县儿童友好城市建设实施方案（2023—2025年）", "示政办发〔2023〕7号", "2023年3月8日",
                 "2023—2025年", "一、社会政策友好", "二、公共服务友好", "2. 实施托育服务提升行动",
                 "（3）</span>建设儿童友好街区", "县住房城乡建设局", "配合部门", "县发展改革局",
                 "建设儿童友好街区 3—5 处（2025年，方案期末）", "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）",
                 "基期值 2.1 个（2022年）", "儿童总体近视率 每年降低 ≥ 1 个百分点", "节点任务",
                 "儿童医疗保健服务机构覆盖率：全覆盖（2025年）", "保障措施", "<details>"]:
        assert text in html, text
    css = fetch(live_server.url + "/static/cfcity/site.css")
    assert "--red" in css


def test_plan_list_when_several(client, plan_factory):
    a = services.store_plan(plan_factory())
    b = services.store_plan(plan_factory(doc_number="示政办发〔2024〕1号", title="第二个方案"))
    html = client.get("/").content.decode()
    assert "<h1>行动方案</h1>" in html
    assert f'href="/plans/{a.pk}/"' in html and f'href="/plans/{b.pk}/"' in html


def test_empty_list_says_how_to_import(client):
    assert "还没有导入行动方案" in client.get("/").content.decode()


def test_unknown_plan_is_404(client):
    assert client.get("/plans/9999/").status_code == 404


def test_warnings_only_for_staff(client, full_plan):
    plan = services.store_plan(full_plan)
    url = f"/plans/{plan.pk}/"
    assert "任务（3）的牵头单位未写明" not in client.get(url).content.decode()
    client.force_login(User.objects.create_user("bob"))
    assert "任务（3）的牵头单位未写明" not in client.get(url).content.decode()
    client.force_login(User.objects.create_user("alice", is_staff=True))
    html = client.get(url).content.decode()
    assert "导入提示（2 条）" in html and "<td class=\"num\">57</td>" in html


def test_detail_queries_do_not_grow_with_the_plan(client, full_plan, plan_factory,
                                                  django_assert_max_num_queries):
    plan = services.store_plan(full_plan)
    with django_assert_max_num_queries(10):
        client.get(f"/plans/{plan.pk}/")
    big = plan_factory(doc_number="大方案")
    for dom in big.domains:
        dom.actions = dom.actions * 5
    services.store_plan(big)
    big_row = services.find_plan("大方案")
    with django_assert_max_num_queries(10):
        assert client.get(f"/plans/{big_row.pk}/").status_code == 200


def test_login_page_and_admin(client, full_plan):
    plan = services.store_plan(full_plan)
    assert "用户名" in client.get("/accounts/login/").content.decode()
    User.objects.create_superuser("admin", password="x-very-long-pass-123")
    client.login(username="admin", password="x-very-long-pass-123")
    assert client.get("/admin/plans/plan/").status_code == 200
    assert client.get("/admin/orgs/orgunit/").status_code == 200
    assert client.get(f"/admin/plans/plan/{plan.pk}/change/").status_code == 200
    task = plan.tasks.first()
    assert client.get(f"/admin/plans/task/{task.pk}/change/").status_code == 200


def test_target_text_on_the_page_is_display_text(client, full_plan):
    plan = services.store_plan(full_plan)
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    for target in plan.targets.all():
        assert display.target_text(target) in html


def test_targets_page_lists_every_target_with_its_lead_departments(client, reference_plan):
    row = services.store_plan(reference_plan)
    html = client.get(f"/plans/{row.pk}/targets/").content.decode()
    assert html.count("<tr>") == 1 + 32  # header + every target of the reference plan
    assert "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个" in html and "县卫生健康局" in html
    assert "（方案期末）" in html  # 近视率 has no year in its sentence
    assert client.get("/plans/9999/targets/").status_code == 404
