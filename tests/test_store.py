"""services.store_plan / plan_to_importer / find_plan against a real database."""
import pytest

from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as m
from cfcity.plans import services
from cfcity.plans.importer import to_dict

pytestmark = pytest.mark.django_db


def test_round_trip_is_lossless(full_plan):
    expected = to_dict(full_plan)
    stored = services.store_plan(full_plan)
    assert to_dict(services.plan_to_importer(stored)) == expected


def test_stored_rows(full_plan):
    plan = services.store_plan(full_plan)
    assert plan.area.name == "示例县" and plan.area.kind == "area" and plan.area.parent is None
    assert plan.date.isoformat() == "2023-03-08"
    assert (plan.domains.count(), m.Action.objects.count(), plan.tasks.count()) == (2, 2, 3)
    assert plan.targets.count() == 6 and plan.targets.filter(task=None).count() == 1
    assert list(plan.sections.values_list("title", flat=True)) == ["印发通知", "总体要求", "保障措施"]
    task2 = plan.tasks.get(number=2)
    assert [(d.org_unit.name, d.role) for d in task2.departments.order_by("role", "order")] == [
        ("县发展改革局", "cooperating"), ("县妇儿工委办公室", "cooperating"), ("县卫生健康局", "lead")]


def test_departments_are_org_units_under_the_area_in_document_order(full_plan):
    plan = services.store_plan(full_plan)
    units = OrgUnit.objects.filter(parent=plan.area).order_by("pk")
    assert [u.name for u in units] == ["县妇儿工委办公室", "县民政局", "各镇（街道）", "县卫生健康局",
                                       "县发展改革局", "县住房城乡建设局"]
    assert {u.kind for u in units} == {"department"}


def test_second_plan_of_the_same_area_reuses_its_units(full_plan, plan_factory):
    services.store_plan(full_plan)
    services.store_plan(plan_factory(doc_number="示政办发〔2024〕1号"))
    assert OrgUnit.objects.filter(kind="area").count() == 1
    assert OrgUnit.objects.filter(kind="department").count() == 6


@pytest.mark.parametrize("issuer, area", [
    ("桓台县人民政府办公室", "桓台县"),
    ("淄博市人民政府", "淄博市"),
    ("深圳市福田区人民政府", "深圳市"),
    ("内蒙古自治区人民政府", "内蒙古自治区"),
    ("某某旗人民政府", "某某旗"),
    ("妇女儿童工作委员会", "妇女儿童工作委员会"),
    ("", "未命名地区"),
])
def test_area_name(issuer, area):
    assert services.area_name(issuer) == area


def test_duplicate_is_refused_with_a_hint(full_plan, plan_factory):
    services.store_plan(full_plan)
    with pytest.raises(services.PlanExists, match="--replace") as e:
        services.store_plan(plan_factory())
    assert "示政办发〔2023〕7号" in str(e.value)
    assert m.Plan.objects.count() == 1


def test_duplicate_by_title_when_there_is_no_doc_number(plan_factory):
    services.store_plan(plan_factory(doc_number=""))
    with pytest.raises(services.PlanExists, match="标题"):
        services.store_plan(plan_factory(doc_number=""))
    services.store_plan(plan_factory(doc_number="", title="另一个方案"))
    assert m.Plan.objects.count() == 2


def test_replace_swaps_the_plan(full_plan, plan_factory):
    first = services.store_plan(full_plan)
    changed = plan_factory()
    changed.domains[0].actions[0].tasks[0].title = "改过的标题"
    second = services.store_plan(changed, replace=True)
    assert m.Plan.objects.count() == 1 and second.pk != first.pk
    assert m.Task.objects.filter(title="改过的标题").count() == 1
    assert m.Task.objects.count() == 3 and m.Target.objects.count() == 6


def test_failing_store_leaves_nothing_half_written(full_plan, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(m.Target.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.store_plan(full_plan)
    for model in (m.Plan, m.PlanSection, m.Domain, m.Action, m.Task, m.TaskDepartment, m.Target,
                  OrgUnit):
        assert model.objects.count() == 0, model


def test_failing_replace_keeps_the_old_plan(full_plan, monkeypatch, plan_factory):
    old = services.store_plan(full_plan)
    monkeypatch.setattr(m.Target.objects, "bulk_create",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        services.store_plan(plan_factory(), replace=True)
    assert list(m.Plan.objects.values_list("pk", flat=True)) == [old.pk]
    assert m.Task.objects.count() == 3


def test_bad_date_is_a_clear_error(full_plan):
    full_plan.date = "2023年3月"
    with pytest.raises(services.PlanError, match="字段 date"):
        services.store_plan(full_plan)
    assert m.Plan.objects.count() == 0


def test_too_long_value_names_the_field(full_plan):
    full_plan.domains[1].actions[0].tasks[0].targets[0].unit = "个" * 80
    with pytest.raises(services.PlanError, match="单位.*过长"):
        services.store_plan(full_plan)
    assert m.Plan.objects.count() == 0


def test_find_plan(full_plan):
    plan = services.store_plan(full_plan)
    assert services.find_plan(plan.pk) == plan
    assert services.find_plan(str(plan.pk)) == plan
    assert services.find_plan("示政办发〔2023〕7号") == plan
    with pytest.raises(services.PlanNotFound, match="没有找到方案“999”"):
        services.find_plan("999")


def test_reading_back_takes_a_fixed_number_of_queries(full_plan, django_assert_max_num_queries):
    plan = services.store_plan(full_plan)
    with django_assert_max_num_queries(9):
        services.plan_to_importer(plan)
