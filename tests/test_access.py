"""The scoping matrix: every role × own unit / unit below / other unit / parent unit /
another county × read / write, through the one access layer (cfcity.accounts.access).

A department reporter of 县卫生健康局 cannot read or change 县教育体育局's rows, even by
guessing ids; a leader reads the whole county and changes nothing; nobody sees another
county unless their role covers the city."""
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfcity.accounts import access
from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind
# ``world`` (tests/conftest.py): 淄博市 → 桓台县 (县妇儿工委办公室, 县教育体育局 → 实验小学,
# 县卫生健康局, 果里镇 → 东村, 索镇) and 临淄区 (县教育体育局 of its own), a plan for each county,
# one user per role


# role → (home unit, {target: (read, write)})
MATRIX = {
    Role.COORDINATOR: ("office", {"own": (1, 1), "other": (1, 1), "parent": (1, 1), "below": (1, 1),
                                  "other_county": (0, 0), "city": (0, 0)}),
    Role.DEPT_REPORTER: ("edu", {"own": (1, 1), "below": (1, 1), "other": (0, 0), "parent": (0, 0),
                                 "other_county": (0, 0), "city": (0, 0)}),
    Role.DEPT_APPROVER: ("edu", {"own": (1, 1), "below": (1, 1), "other": (0, 0), "parent": (0, 0),
                                 "other_county": (0, 0), "city": (0, 0)}),
    Role.TOWN_REPORTER: ("town", {"own": (1, 1), "below": (1, 1), "other": (0, 0), "parent": (0, 0),
                                  "other_county": (0, 0), "city": (0, 0)}),
    Role.LEADER: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                             "other_county": (0, 0), "city": (0, 0)}),
    Role.INSPECTOR: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                                "other_county": (0, 0), "city": (0, 0)}),
    Role.EVALUATOR: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                                "other_county": (0, 0), "city": (0, 0)}),
    Role.ADMIN: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                            "other_county": (0, 0), "city": (0, 0)}),
    # the welfare roles and the auditor read org data in their scope and change none of it
    # (children's records have their own access module: cfcity/welfare/access.py)
    Role.WELFARE_OFFICER: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                                      "other_county": (0, 0), "city": (0, 0)}),
    Role.WELFARE_SUPERVISOR: ("town", {"own": (1, 0), "below": (1, 0), "other": (0, 0), "parent": (0, 0),
                                       "other_county": (0, 0), "city": (0, 0)}),
    Role.CHILD_DIRECTOR: ("village", {"own": (1, 0), "other": (0, 0), "parent": (0, 0),
                                      "other_county": (0, 0), "city": (0, 0)}),
    Role.AUDITOR: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                              "other_county": (0, 0), "city": (0, 0)}),
    Role.SAFEGUARDING: ("office", {"own": (1, 0), "other": (1, 0), "parent": (1, 0), "below": (1, 0),
                                   "other_county": (0, 0), "city": (0, 0)}),
}
# what each relation means for a user at a home unit
RELATION = {
    "office": {"own": "office", "other": "health", "parent": "county", "below": "office",
               "other_county": "other_edu", "city": "city"},
    "edu": {"own": "edu", "below": "school", "other": "health", "parent": "county",
            "other_county": "other_edu", "city": "city"},
    "town": {"own": "town", "below": "village", "other": "town2", "parent": "county",
             "other_county": "other_edu", "city": "city"},
    "village": {"own": "village", "other": "town2", "parent": "town", "other_county": "other_edu", "city": "city"},
}
CASES = [(role, relation, rw) for role, (_, expect) in MATRIX.items() for relation in expect
         for rw in ("read", "write")]


def make_user(name, unit, role):
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return User.objects.get(pk=user.pk)  # fresh, as a request would load it


def attempt(user, unit, rw):
    """True if the access layer lets ``user`` read/write ``unit`` when asked by id."""
    try:
        access.get_for_user(user, OrgUnit.objects.all(), field="pk", write=rw == "write", pk=unit.pk)
        return True
    except (Http404, PermissionDenied):
        return False


@pytest.mark.parametrize("role,relation,rw", CASES, ids=[f"{r.value}-{rel}-{rw}" for r, rel, rw in CASES])
def test_matrix(world, role, relation, rw):
    home, expect = MATRIX[role]
    user = make_user("u", world[home], role)
    target = world[RELATION[home][relation]]
    want = expect[relation][0 if rw == "read" else 1]
    assert attempt(user, target, rw) is bool(want)
    # the listing agrees with the lookup
    listed = access.visible_to(user, OrgUnit.objects.all(), field="pk").filter(pk=target.pk).exists()
    assert listed is bool(expect[relation][0])


def test_every_role_is_in_the_matrix():
    assert set(MATRIX) == set(Role)


def test_outsider_gets_404_and_read_only_gets_403(world):
    reporter = world["health_reporter"]
    with pytest.raises(Http404):  # another department's unit: its existence is not revealed
        access.get_for_user(reporter, OrgUnit.objects.all(), field="pk", pk=world["edu"].pk)
    leader = world["leader"]
    assert access.get_for_user(leader, OrgUnit.objects.all(), field="pk", pk=world["edu"].pk)
    with pytest.raises(PermissionDenied):
        access.get_for_user(leader, OrgUnit.objects.all(), field="pk", write=True, pk=world["edu"].pk)


def test_rows_of_other_units_are_filtered_by_their_unit_field(world):
    """Guessing ids does not help: rows are filtered by the unit they belong to."""
    from cfcity.plans import models as pm
    plan = pm.Plan.objects.create(title="方案", area=world["county"])
    dom = pm.Domain.objects.create(plan=plan, order=0, number=1, title="领域")
    act = pm.Action.objects.create(domain=dom, order=0, number=1, title="行动")
    task = pm.Task.objects.create(action=act, plan=plan, order=0, number=1, title="任务", text="")
    edu_link = pm.TaskDepartment.objects.create(task=task, org_unit=world["edu"], role="lead", order=0)
    health_link = pm.TaskDepartment.objects.create(task=task, org_unit=world["health"], role="lead", order=1)
    reporter = world["health_reporter"]
    rows = access.visible_to(reporter, pm.TaskDepartment.objects.filter(task=task))
    assert list(rows) == [health_link]
    with pytest.raises(Http404):
        access.get_for_user(reporter, pm.TaskDepartment.objects.all(), pk=edu_link.pk)
    assert access.get_for_user(reporter, pm.TaskDepartment.objects.all(), write=True, pk=health_link.pk)


def test_users_without_membership_or_inactive_see_nothing(world):
    nobody = User.objects.create_user("nobody", password="x")
    assert access.visible_to(nobody, OrgUnit.objects.all(), field="pk").count() == 0
    gone = make_user("gone", world["office"], Role.COORDINATOR)
    gone.is_active = False
    assert access.visible_to(gone, OrgUnit.objects.all(), field="pk").count() == 0
    from django.contrib.auth.models import AnonymousUser
    assert access.visible_to(AnonymousUser(), OrgUnit.objects.all(), field="pk").count() == 0


def test_superuser_sees_and_changes_everything(world):
    root = User.objects.create_superuser("root", password="x")
    assert access.visible_to(root, OrgUnit.objects.all(), field="pk").count() == OrgUnit.objects.count()
    assert attempt(root, world["other_edu"], "write")


def test_a_city_coordinator_sees_every_county(world):
    city_office = OrgUnit.objects.create(name="市妇儿工委办公室", kind=K.DEPARTMENT, parent=world["city"])
    user = make_user("city", city_office, Role.COORDINATOR)
    assert attempt(user, world["other_edu"], "read") and attempt(user, world["school"], "write")


def test_scope_queries_do_not_grow_per_lookup(world, django_assert_max_num_queries):
    user = make_user("c", world["office"], Role.COORDINATOR)
    access.scope_ids(user)
    with django_assert_max_num_queries(1):  # the scope is worked out once per request
        for unit in OrgUnit.objects.all()[:5]:
            access.can_read(user, unit.pk)


def test_production_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    user = User.objects.create_user("argon", password="一个足够长的口令-2026")
    assert user.password.startswith("argon2$")
    assert user.check_password("一个足够长的口令-2026")


def test_plans_are_visible_to_everyone_working_under_their_area(world):
    from cfcity.plans.models import Plan
    county_plan, other_plan = world["plan"], world["other_plan"]
    city_plan = Plan.objects.create(title="市方案", area=world["city"])
    teacher = make_user("t", world["school"], Role.DEPT_REPORTER)
    assert set(access.visible_plans(teacher, Plan.objects.all())) == {county_plan, city_plan}
    city = make_user("c", OrgUnit.objects.create(name="市妇儿工委办公室", kind=K.DEPARTMENT, parent=world["city"]),
                     Role.COORDINATOR)
    assert set(access.visible_plans(city, Plan.objects.all())) == {county_plan, city_plan, other_plan}
    assert not access.visible_plans(User.objects.create_user("n", password="x"), Plan.objects.all()).exists()
