"""``cfcity demo``: a synthetic county on an empty database, through the real workflow;
refused where it would mix with real data."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from cfcity.accounts.models import Membership, Profile
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.data import REFERENCE_PLAN
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import demo
from cfcity.reporting.management.commands.demo import Command as DemoCommand
from cfcity.reporting.models import Assignment, Evidence, Period, Report, ReportEvent, TargetShare

pytestmark = pytest.mark.django_db
S = Report.Status
User = get_user_model()


@pytest.fixture(autouse=True)
def evidence_in_tmp(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}


def run_demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def events(report) -> list[str]:
    return list(report.events.values_list("action", flat=True))


def test_demo_fills_an_empty_database_through_the_real_workflow():
    """…and the same seed gives the same data: the demo checked here is undone (a savepoint)
    and built again with its seed, and the two compared (one build fewer than two tests)."""
    with pytest.raises(Rollback):
        with transaction.atomic():
            first = _a_demo_through_the_real_workflow()
            raise Rollback
    assert not Report.objects.exists()
    run_demo("--seed", "1")
    assert snapshot() == first and first[0] and first[1]


def _a_demo_through_the_real_workflow():
    out = run_demo("--seed", "1")
    assert "演示数据，非真实" in out
    plan = pm.Plan.objects.get()
    assert plan.doc_number == "桓政办字〔2022〕33号"

    # the note is stored, not only printed
    marker = AuditEntry.objects.get(action=demo.MARKER_ACTION)
    assert "演示数据，非真实" in marker.data["note"] and marker.data["seed"] == 1

    # the tree: towns with villages, institutions under the two bureaus
    towns = OrgUnit.objects.filter(parent=plan.area, kind=OrgUnit.Kind.TOWN)
    assert {"索镇", "果里镇", "马桥镇", "荆家镇", "起凤镇", "田庄镇", "新城镇", "少海街道", "城区街道"} \
        == set(towns.values_list("name", flat=True))
    for town in towns:
        assert 3 <= town.children.filter(kind=OrgUnit.Kind.VILLAGE).count() <= 6
    assert OrgUnit.objects.filter(parent__name="县教育体育局", kind=OrgUnit.Kind.SCHOOL).exists()
    assert OrgUnit.objects.filter(parent__name="县教育体育局", kind=OrgUnit.Kind.KINDERGARTEN).exists()
    assert OrgUnit.objects.filter(parent__name="县卫生健康局", kind=OrgUnit.Kind.HOSPITAL).exists()

    # a user for every role, each with a membership, printed with a password, never forced to change it
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(membership__isnull=True).exists()
    assert not Profile.objects.filter(must_change_password=True).exists()
    for username, unit, role in [("fegw_xt", "县妇儿工委办公室", Role.COORDINATOR),
                                 ("wjj_tb", "县卫生健康局", Role.DEPT_REPORTER),
                                 ("wjj_sh", "县卫生健康局", Role.DEPT_APPROVER),
                                 ("jtj_sh", "县教育体育局", Role.DEPT_APPROVER),
                                 ("mzj_sh", "县民政局", Role.DEPT_APPROVER),
                                 ("sz_tb", "索镇", Role.TOWN_REPORTER)]:
        m = Membership.objects.get(user__username=username)
        assert (m.org_unit.name, m.role) == (unit, role)
        line = next(line for line in out.splitlines() if line.startswith(username + " "))
        assert unit in line and Role(role).label in line
    assert all(Membership.objects.filter(org_unit=t, role=Role.TOWN_REPORTER).exists() for t in towns)
    admin = User.objects.get(membership__role=Role.ADMIN)
    assert admin.is_staff

    # periods and the breakdown over towns
    assert list(Period.objects.filter(plan=plan).values_list("year", flat=True)) == [2023, 2024, 2025]
    streets = pm.Task.objects.get(plan=plan, number=24).targets.get()
    shares = TargetShare.objects.filter(target=streets)
    assert 2 <= shares.count() <= 3 and sum(s.value for s in shares) >= streets.value
    fields = pm.Task.objects.get(plan=plan, number=30).targets.order_by("order").first()
    assert sum(s.value for s in TargetShare.objects.filter(target=fields)) == 8
    assert Assignment.objects.filter(role=Assignment.Role.SHARE, org_unit__kind=OrgUnit.Kind.TOWN).exists()

    # reports in every state the brief asks for
    latest = Period.objects.get(plan=plan, year=2025)
    for period in Period.objects.filter(plan=plan):
        assert Report.objects.filter(period=period, status=S.ACCEPTED).count() > 50
    assert Report.objects.filter(period=latest, status=S.SUBMITTED).exists()
    assert Report.objects.filter(period=latest, status=S.APPROVED).exists()
    returned_then_accepted = Report.objects.filter(status=S.ACCEPTED, events__action="returned").distinct()
    assert returned_then_accepted.count() >= 10
    r = returned_then_accepted.first()
    assert events(r)[-1] == "accepted" and r.events.filter(action="returned").exclude(comment="").exists()
    assert Report.objects.filter(period=latest, status=S.RETURNED).exists()
    # missing after the deadline: assignments with no report
    for period in Period.objects.filter(plan=plan, year__in=[2024, 2025]):
        reported = set(Report.objects.filter(period=period).values_list("task_id", "org_unit_id"))
        owed = set(Assignment.objects.filter(task__plan=plan).values_list("task_id", "org_unit_id"))
        assert owed - reported
    # late: submitted after the period's deadline
    assert any(r.submitted_at.date() > r.period.deadline
               for r in Report.objects.filter(submitted_at__isnull=False).select_related("period"))
    # a correction after acceptance: the new revision accepted, the old one superseded
    corrected = Report.objects.get(revision=2)
    assert corrected.status == S.ACCEPTED and corrected.correction_reason
    assert Report.objects.get(task=corrected.task, org_unit=corrected.org_unit, period=corrected.period,
                              revision=1).status == S.SUPERSEDED
    assert events(corrected)[0] == "corrected"

    # values move toward the targets; history and audit entries are real
    assert ReportEvent.objects.filter(action="approved").exists()
    for action in ("saved", "submitted", "returned", "accepted", "corrected"):
        assert AuditEntry.objects.filter(action=f"reporting.report.{action}").exists()
    for report in Report.objects.filter(status=S.ACCEPTED)[:50]:
        assert events(report)[0] in ("saved", "corrected") and report.narrative.strip()
        times = list(report.events.values_list("created_at", flat=True))
        assert times == sorted(times)  # the simulated clock never runs backwards within a report
    assert Evidence.objects.exists()
    # history spans the three years (simulated time), never the future
    years = {d.year for d in ReportEvent.objects.values_list("created_at", flat=True)}
    assert {2024, 2025} <= years

    # running it again is refused (exit code 2), with or without --force, and changes nothing
    users, reports = User.objects.count(), Report.objects.count()
    for args in (["--seed", "1"], ["--force"]):
        with pytest.raises(CommandError) as e:
            run_demo(*args)
        assert e.value.returncode == 2 and "已经有演示数据" in str(e.value)
    assert (User.objects.count(), Report.objects.count()) == (users, reports)
    return snapshot()


class Rollback(Exception):
    pass


def snapshot():
    reports = sorted(Report.objects.values_list("task__number", "org_unit__name", "period__year",
                                                "revision", "status", "stage", "narrative"))
    values = sorted((n, u, y, str(v)) for n, u, y, v in Report.objects.filter(
        values__value__isnull=False).values_list("task__number", "org_unit__name", "period__year",
                                                 "values__value"))
    return reports, values


def test_on_the_command_line_a_refusal_is_one_chinese_line_and_exit_2(capsys):
    User.objects.create_user("someone", password="x")
    command = DemoCommand()
    command._called_from_command_line = True  # as run_from_argv does (which also closes the database)
    with pytest.raises(SystemExit) as e:
        call_command(command)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "--force" in err and "Traceback" not in err
    assert not OrgUnit.objects.exists()


def test_force_lets_the_demo_in_beside_make_runs_admin_and_reference_plan():
    """``make run`` leaves the reference plan and ``admin``: refused, allowed with --force
    (the build itself is the one tested above), the plan reused."""
    from cfcity.plans.management.commands.serve import load_reference_plan
    reference = importer.parse_file(REFERENCE_PLAN)
    plan = load_reference_plan()  # what `make run` does: the plan, its periods and assignments
    assert Period.objects.filter(plan=plan).exists() and Assignment.objects.filter(task__plan=plan).exists()
    User.objects.create_superuser("admin", password="x")
    with pytest.raises(demo.DemoError) as e:
        demo.check_database(force=False, reference=reference)
    assert "--force" in str(e.value)
    assert demo.check_database(force=True, reference=reference) == plan
    User.objects.create_user("sz_tb", password="x")  # a demo username taken: refused even so
    with pytest.raises(demo.DemoError, match="sz_tb"):
        demo.check_database(force=True, reference=reference)


def test_force_never_mixes_the_demo_with_other_data(full_plan):
    plan_services.store_plan(full_plan)
    with pytest.raises(CommandError) as e:
        run_demo("--force")
    assert "其他行动方案" in str(e.value)
    assert not User.objects.exists() and not Period.objects.exists()
