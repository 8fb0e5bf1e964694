"""Shared fixtures: a hand-built plan with every field filled (independent of the parser),
the shipped reference plan, and ``world``: a city's org tree with two counties, their plans
and one user per role (used by the access matrix and the API tests)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.test import TransactionTestCase

from cfcity.data import REFERENCE_PLAN
from cfcity.plans import importer
from cfcity.plans.importer import (Action, Baseline, Domain, Period, Plan, Section, Target,
                                   Task, Warning)


def pytest_configure(config):
    # tests never write a secret key into the checkout's var/
    settings.SECRET_KEY = "cfcity-tests-only-not-a-secret-0123456789abcdefghijklmnop"
    # hashing costs are for production; tests that need Argon2 itself ask for it
    settings.PRODUCTION_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # login throttling would lock out tests that log in often (and the test client's
    # login() passes no request, which django-axes refuses); tests/test_auth.py turns it on
    settings.AXES_ENABLED = False
    # a fixed test key for children's records (never a key file in the checkout's var/)
    settings.ENCRYPTION_KEYS = "t1:" + "dGVzdHMtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OWE="
    # a test database need not survive a power cut: PostgreSQL acknowledges a commit without
    # waiting for its WAL to reach the disk (the live-server and demo tests commit thousands)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        db.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
    if not hasattr(TransactionTestCase, "_django_fixture_teardown"):  # this module may load twice
        TransactionTestCase._django_fixture_teardown = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _empty_after_transactional_test


# --- emptying the database after a transactional test (live_server, the browser tests) ---------
# Django's TransactionTestCase runs `flush` after each test: TRUNCATE of all ~110 tables on
# PostgreSQL (1–3 s however little the test wrote), then post_migrate writes every content type
# and permission back. Instead, one query finds the tables that hold rows and only those are
# emptied; content types and permissions stay when they are exactly the migrated set (else they
# are emptied and post_migrate rebuilds them, as after Django's flush). The database is left as
# Django's flush leaves it; sequences are not reset by either. Anything unexpected (a new
# trigger, a lock) falls back to Django's own flush.

# rows post_migrate writes; kept while they are exactly as post_migrate left them
POST_MIGRATE_TABLES = ("django_content_type", "auth_permission")
_post_migrate_rows: dict[str, tuple] = {}


def _empty_after_transactional_test(self):
    if self.available_apps is not None or self.serialized_rollback:
        return self._django_fixture_teardown()  # Django's own rules for those
    for alias in self._databases_names(include_mirrors=False):
        empty_database(connections[alias])


def tables_with_rows(connection) -> list[str]:
    """The Django tables that hold at least one row (one query per 200 tables)."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    qn = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for i in range(0, len(tables), 200):
            cursor.execute(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {qn(t)})"
                                              for t in tables[i:i + 200]))
            found += [row[0] for row in cursor.fetchall()]
    return found


def post_migrate_rows(cursor) -> tuple:
    cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
    types = cursor.fetchall()
    cursor.execute("SELECT id, content_type_id, codename FROM auth_permission ORDER BY id")
    return tuple(types), tuple(cursor.fetchall())


def empty_database(connection) -> None:
    """Leave the test database as Django's flush (with post_migrate) does, cheaply."""
    from django.core.management.sql import emit_post_migrate_signal

    from cfcity.audit import triggers  # the append-only audit log refuses DELETE on PostgreSQL

    qn = connection.ops.quote_name
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                # foreign keys are checked at commit (Django makes them deferrable): any order
                for table in tables_with_rows(connection):
                    if table in POST_MIGRATE_TABLES:
                        continue
                    if connection.vendor == "postgresql" and table == triggers.TABLE:
                        cursor.execute(f"TRUNCATE {qn(table)}")
                    else:
                        cursor.execute(f"DELETE FROM {qn(table)}")
                kept = post_migrate_rows(cursor)
                rebuild = kept != _post_migrate_rows.get(connection.alias)
                if rebuild:
                    cursor.execute(f"DELETE FROM {qn('auth_permission')}")
                    cursor.execute(f"DELETE FROM {qn('django_content_type')}")
    except DatabaseError:
        connection.close()  # a fresh connection for Django's flush
        _post_migrate_rows.pop(connection.alias, None)
        call_command_flush(connection.alias)
        return
    if rebuild:
        emit_post_migrate_signal(0, False, connection.alias)
        with connection.cursor() as cursor:
            _post_migrate_rows[connection.alias] = post_migrate_rows(cursor)


def call_command_flush(alias: str) -> None:
    from django.core.management import call_command
    call_command("flush", verbosity=0, interactive=False, database=alias, reset_sequences=False,
                 allow_cascade=False, inhibit_post_migrate=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, then: the content types and permissions migrate left (see above)."""
    with django_db_blocker.unblock():
        for alias in connections:
            with connections[alias].cursor() as cursor:
                _post_migrate_rows[alias] = post_migrate_rows(cursor)


@pytest.fixture(scope="session")
def empty_test_database():
    """``empty_test_database(connection)``: what runs after each transactional test."""
    return empty_database


def make_plan(doc_number="示政办发〔2023〕7号", title="示例县儿童友好城市建设实施方案（2023—2025年）") -> Plan:
    return Plan(
        title=title,
        issuer="示例县人民政府办公室",
        doc_number=doc_number,
        date="2023-03-08",
        period=Period(start=2023, end=2025),
        declared={"actions": 2, "tasks": 3},
        source={"file": "example.docx", "format": "docx", "encoding": None,
                "sha256": "ab" * 32, "lines": 120},
        warnings=[Warning(line=57, message="任务（3）的牵头单位未写明"),
                  Warning(line=None, message="文件声明有 3 项任务，实际识别出 3 项")],
        sections=[
            Section(title="印发通知", text="各镇人民政府、街道办事处：\n现将方案印发给你们。", number=None, line=1),
            Section(title="总体要求", text="坚持儿童优先发展。", number="一", line=12),
            Section(title="保障措施", text="加强组织领导。\n强化督导评估。", number="三", line=90),
        ],
        domains=[
            Domain(number=1, title="社会政策友好", line=20, text="把儿童优先落实到政策中。", actions=[
                Action(number=1, title="实施儿童参与行动", line=21, text="", tasks=[
                    Task(number=1, title="建立儿童议事会", line=22,
                         text="建立儿童议事会。到2024年，三级儿童议事会体系基本形成。",
                         lead_departments=["县妇儿工委办公室", "县民政局"],
                         cooperating_departments=["各镇（街道）"],
                         targets=[Target(indicator="三级儿童议事会体系基本形成", kind="milestone",
                                         year=2024, source="到2024年，三级儿童议事会体系基本形成。",
                                         line=22)]),
                ]),
            ]),
            Domain(number=2, title="公共服务友好", line=30, actions=[
                Action(number=2, title="实施托育服务提升行动", line=31, text="增加托育服务供给。", tasks=[
                    Task(number=2, title="发展普惠托育", line=32,
                         text="发展普惠托育服务。到2025年，每千人口3岁以下婴幼儿托位数达到4.5个。",
                         lead_departments=["县卫生健康局"],
                         cooperating_departments=["县发展改革局", "县妇儿工委办公室"],
                         targets=[Target(indicator="每千人口3岁以下婴幼儿托位数", comparator=">=",
                                         value=4.5, unit="个", year=2025, kind="level",
                                         source="到2025年，每千人口3岁以下婴幼儿托位数达到4.5个。",
                                         line=33, baseline=Baseline(value=2.1, year=2022),
                                         attribute="预期性", responsible=["县卫生健康局"])]),
                    Task(number=3, title="建设儿童友好街区", line=40,
                         text="建设儿童友好街区3—5处；儿童近视率平均每年降低1个百分点以上。",
                         lead_departments=["县住房城乡建设局"],
                         targets=[
                             Target(indicator="建设儿童友好街区", comparator="between", value=3,
                                    value_max=5, unit="处", year=2025, year_inferred=True,
                                    kind="cumulative", source="建设儿童友好街区3—5处", line=40),
                             Target(indicator="儿童总体近视率", comparator=">=", value=1,
                                    unit="个百分点", year=2025, year_inferred=True,
                                    kind="annual_change", direction="decrease",
                                    source="儿童近视率平均每年降低1个百分点以上", line=41,
                                    baseline=Baseline(value=None, year=None)),
                             Target(indicator="学生在校期间每天校园体育活动时间", comparator=">=",
                                    value=1, unit="小时", year=2025, kind="frequency", per="天",
                                    source="每天校园体育活动时间不少于1小时", line=42),
                         ]),
                ]),
            ]),
        ],
        targets=[Target(indicator="儿童医疗保健服务机构覆盖率", comparator="==", value=100.0,
                        unit="%", year=2025, kind="coverage", source="儿童医疗保健服务机构覆盖率 | % | 92 | 100",
                        line=110, baseline=Baseline(value=92.5, year=2022), attribute="约束性",
                        responsible=["县卫生健康局", "县医疗保障局"])],
    )


@pytest.fixture
def full_plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="session")
def reference_path():
    return REFERENCE_PLAN


@pytest.fixture
def reference_plan() -> Plan:
    return importer.parse_file(REFERENCE_PLAN)


@pytest.fixture
def plan_factory():
    """``plan_factory(doc_number=…, title=…)``: a fresh hand-built plan each call."""
    return make_plan


@pytest.fixture
def world(db, plan_factory):
    """淄博市 → 桓台县 (县妇儿工委办公室, 县教育体育局 → 实验小学, 县卫生健康局, 果里镇 → 东村, 索镇)
    and 临淄区 (县教育体育局 of its own); a plan stored for each county (their departments,
    e.g. 县发展改革局, are added under it); one user per role we need, all in 桓台县:

        coordinator fgw, admin sysadmin, leader leader   县妇儿工委办公室
        health_reporter wjj_tb, health_approver wjj_sh   县卫生健康局 (lead unit of task (2))
        edu_reporter jyj_tb                               县教育体育局
        town_reporter glz_tb                              果里镇

    Users are fetched fresh, as a request would load them."""
    from django.contrib.auth.models import User

    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import services as plan_services

    K = OrgUnit.Kind
    u = {}

    def unit(key, name, kind, parent=None):
        u[key] = OrgUnit.objects.create(name=name, kind=kind, parent=u[parent] if parent else None)

    unit("city", "淄博市", K.AREA)
    unit("county", "桓台县", K.AREA, "city")
    unit("office", "县妇儿工委办公室", K.DEPARTMENT, "county")
    unit("edu", "县教育体育局", K.DEPARTMENT, "county")
    unit("school", "实验小学", K.SCHOOL, "edu")
    unit("health", "县卫生健康局", K.DEPARTMENT, "county")
    unit("town", "果里镇", K.TOWN, "county")
    unit("village", "东村", K.VILLAGE, "town")
    unit("town2", "索镇", K.TOWN, "county")
    unit("other_county", "临淄区", K.AREA, "city")
    unit("other_edu", "县教育体育局", K.DEPARTMENT, "other_county")

    for key, doc_number, area in (("plan", "桓政办字〔2022〕33号", "桓台县"),
                                  ("other_plan", "临政办发〔2023〕1号", "临淄区")):
        plan = plan_factory(doc_number=doc_number, title=f"{area}儿童友好城市建设行动方案")
        plan.issuer = f"{area}人民政府办公室"
        u[key] = plan_services.store_plan(plan)
    assert u["plan"].area == u["county"] and u["other_plan"].area == u["other_county"]

    def user(key, name, unit_key, role):
        made = User.objects.create_user(name, password="x")
        Membership.objects.create(user=made, org_unit=u[unit_key], role=role)
        u[key] = User.objects.get(pk=made.pk)

    user("coordinator", "fgw", "office", Role.COORDINATOR)
    user("admin", "sysadmin", "office", Role.ADMIN)
    user("leader", "leader", "office", Role.LEADER)
    user("health_reporter", "wjj_tb", "health", Role.DEPT_REPORTER)
    user("health_approver", "wjj_sh", "health", Role.DEPT_APPROVER)
    user("edu_reporter", "jyj_tb", "edu", Role.DEPT_REPORTER)
    user("town_reporter", "glz_tb", "town", Role.TOWN_REPORTER)
    return u


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database file with every migration applied, made once per test process by a
    real ``cfcity migrate`` (about 8 s: Django renders the model states of ~70 migrations).
    Tests that run cfcity as a real process copy it (``fresh_database``) instead of migrating
    again; the few that test migrating itself still do."""
    data = tmp_path_factory.mktemp("migrated")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    env.update(CFCITY_DATA_DIR=str(data), PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    subprocess.run([sys.executable, "-m", "cfcity", "migrate", "-v0"], env=env, check=True,
                   capture_output=True, timeout=300)
    return data / "cfcity.sqlite3"


def fresh_database(template: Path, data_dir: Path) -> Path:
    """A copy of the migrated database as ``data_dir``/cfcity.sqlite3 (the data directory made)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(template, data_dir / "cfcity.sqlite3"))
