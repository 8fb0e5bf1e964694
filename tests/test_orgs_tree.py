"""The org-unit tree: paths, ancestors, descendants, nesting and cycle rules, codes."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cfcity.orgs import tree
from cfcity.orgs.codes import code_problem, uscc_check_char, validate_code
from cfcity.orgs.models import OrgUnit
from cfcity.plans import services

K = OrgUnit.Kind
pytestmark = pytest.mark.django_db


def unit(name, kind, parent=None, **kw):
    return OrgUnit.objects.create(name=name, kind=kind, parent=parent, **kw)


@pytest.fixture
def city():
    """A city with two counties, each with a 县教育体育局 of the same name."""
    u = {}
    u["city"] = unit("淄博市", K.AREA)
    u["huantai"] = unit("桓台县", K.AREA, u["city"])
    u["linzi"] = unit("临淄区", K.AREA, u["city"])
    u["edu"] = unit("县教育体育局", K.DEPARTMENT, u["huantai"])
    u["edu2"] = unit("县教育体育局", K.DEPARTMENT, u["linzi"])
    u["town"] = unit("果里镇", K.TOWN, u["huantai"])
    u["village"] = unit("东村", K.VILLAGE, u["town"])
    u["school"] = unit("实验小学", K.SCHOOL, u["edu"])
    return u


def test_kind_labels_are_chinese():
    assert dict(K.choices) == {"area": "县/市/区", "department": "部门", "town": "镇（街道）",
                               "village": "村（社区）", "school": "学校", "kindergarten": "幼儿园",
                               "hospital": "医院", "other": "其他"}


def test_new_fields_have_defaults():
    u = unit("桓台县", K.AREA)
    u.refresh_from_db()
    assert (u.code, u.short_name, u.active, u.order) == ("", "", True, 0)


def test_path_names_city_county_department(city):
    assert tree.path(city["edu"]) == "淄博市 / 桓台县 / 县教育体育局"
    assert tree.path(city["edu2"]) == "淄博市 / 临淄区 / 县教育体育局"
    assert tree.path(city["city"]) == "淄博市"
    assert tree.path(city["village"], sep="/") == "淄博市/桓台县/果里镇/东村"


def test_ancestors_top_down(city):
    assert tree.ancestors(city["school"]) == [city["city"], city["huantai"], city["edu"]]
    assert tree.ancestors(city["city"]) == []


def test_descendants_one_query_per_level(city, django_assert_num_queries):
    # levels below the city: counties; departments and towns; village and school; (none)
    with django_assert_num_queries(4):
        found = tree.descendants(city["city"])
    assert {u.name for u in found} == {"桓台县", "临淄区", "县教育体育局", "果里镇", "东村", "实验小学"}
    assert len(found) == 7
    # level by level: the counties come before their departments
    assert found.index(city["huantai"]) < found.index(city["edu"]) < found.index(city["school"])
    assert tree.descendants(city["linzi"]) == [city["edu2"]]
    assert tree.descendants(city["village"]) == []
    assert tree.descendants(city["town"], include_self=True) == [city["town"], city["village"]]
    assert tree.descendant_ids([city["linzi"].pk]) == {city["linzi"].pk, city["edu2"].pk}


def test_descendants_survive_a_stored_cycle(city):
    # a cycle written behind the rules' back must not hang the walk
    OrgUnit.objects.filter(pk=city["town"].pk).update(parent=city["village"])
    town = OrgUnit.objects.get(pk=city["town"].pk)
    assert {u.name for u in tree.descendants(town)} == {"东村"}
    assert [u.name for u in tree.ancestors(town)] == ["东村"]


def test_same_name_under_two_parents_but_not_twice_under_one(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        unit("县教育体育局", K.DEPARTMENT, city["huantai"])
    with pytest.raises(IntegrityError), transaction.atomic():
        unit("淄博市", K.AREA)


def test_parent_may_not_be_itself_or_below_it(city):
    with pytest.raises(tree.TreeError, match="自己"):
        tree.check_parent(city["huantai"], city["huantai"])
    with pytest.raises(tree.TreeError, match="循环"):
        tree.check_parent(city["city"], city["huantai"])
    with pytest.raises(tree.TreeError, match="循环"):
        tree.check_parent(city["huantai"], city["village"])


@pytest.mark.parametrize("kind, parent, ok", [
    (K.AREA, None, True),
    (K.AREA, "city", True),            # a county under its city
    (K.DEPARTMENT, "huantai", True),
    (K.DEPARTMENT, "edu", True),       # a department's own sub-unit
    (K.TOWN, "huantai", True),
    (K.VILLAGE, "town", True),
    (K.SCHOOL, "edu", True),
    (K.SCHOOL, "town", True),
    (K.KINDERGARTEN, "village", True),
    (K.HOSPITAL, "huantai", True),
    (K.OTHER, "school", True),
    (K.DEPARTMENT, None, False),       # only an area stands at the top
    (K.TOWN, None, False),
    (K.VILLAGE, "huantai", False),     # a village sits under a town
    (K.TOWN, "town", False),
    (K.AREA, "edu", False),
    (K.SCHOOL, "school", False),
    (K.DEPARTMENT, "village", False),
])
def test_kinds_nest_sensibly(city, kind, parent, ok):
    new = OrgUnit(name="新单位", kind=kind)
    parent_unit = city[parent] if parent else None
    if ok:
        tree.check_parent(new, parent_unit)
    else:
        with pytest.raises(tree.TreeError) as e:
            tree.check_parent(new, parent_unit)
        assert K(kind).label in str(e.value)


def test_changing_a_kind_must_suit_the_units_below(city):
    town = city["town"]
    town.kind = K.DEPARTMENT
    with pytest.raises(tree.TreeError, match="东村"):
        tree.check_parent(town, town.parent)


def test_model_clean_applies_the_rules(city):
    city["city"].parent = city["village"]
    with pytest.raises(ValidationError) as e:
        city["city"].full_clean()
    assert "循环" in str(e.value.message_dict["parent"])
    ok = OrgUnit(name="索镇", kind=K.TOWN, parent=city["huantai"])
    ok.full_clean()


def test_codes_unique_when_given(city):
    unit("新城镇", K.TOWN, city["huantai"], code="370321100")
    unit("马桥镇", K.TOWN, city["huantai"])           # two units without a code are fine
    with pytest.raises(IntegrityError), transaction.atomic():
        unit("荆家镇", K.TOWN, city["huantai"], code="370321100")


def test_code_formats():
    assert code_problem("") is None
    assert code_problem("370321") is None            # county
    assert code_problem("370321100") is None         # town
    assert code_problem("370321100201") is None      # village
    first17 = "91370321MA3CBRT4Y"
    good = first17 + uscc_check_char(first17)
    assert code_problem(good) is None
    assert code_problem("91110000600037341L") is None
    assert "校验位" in code_problem("91110000600037341M")
    assert "大写字母" in code_problem("9111000060003734IL")
    assert code_problem("37032") is not None
    with pytest.raises(ValidationError):
        validate_code("abc")


def test_find_by_name_or_path(city):
    assert tree.find("果里镇") == city["town"]
    assert tree.find(" 淄博市 ／ 临淄区 /县教育体育局 ") == city["edu2"]
    with pytest.raises(tree.TreeError) as e:
        tree.find("县教育体育局")
    assert "淄博市/桓台县/县教育体育局" in str(e.value) and "淄博市/临淄区/县教育体育局" in str(e.value)
    with pytest.raises(tree.TreeError, match="找不到单位“淄博市/高青县”"):
        tree.find("淄博市/高青县/县教育体育局")
    with pytest.raises(tree.TreeError, match="没有名为"):
        tree.find("无此单位")


def test_store_plan_uses_a_county_already_under_its_city(full_plan):
    city = unit("淄博市", K.AREA)
    county = unit("示例县", K.AREA, city)
    row = services.store_plan(full_plan)
    assert row.area == county
    assert OrgUnit.objects.filter(parent=None).count() == 1
    edu = OrgUnit.objects.get(name="县卫生健康局")
    assert tree.path(edu) == "淄博市 / 示例县 / 县卫生健康局"


def test_store_plan_makes_a_top_area_when_none_exists(full_plan):
    row = services.store_plan(full_plan)
    assert row.area.parent is None and row.area.kind == K.AREA and row.area.name == "示例县"
