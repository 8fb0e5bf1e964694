"""Reporting: periods, assignments, shares, what a unit owes, and the review workflow with
history, locking, corrections and optimistic locking."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Assignment, Period, Report, ReportEvent, ValidationRule

pytestmark = pytest.mark.django_db
S = Report.Status


@pytest.fixture
def county(full_plan):
    """The hand-built plan stored, its periods and assignments, and one user per role."""
    plan = plan_services.store_plan(full_plan)
    area = plan.area
    health = OrgUnit.objects.get(name="县卫生健康局", parent=area)
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=area)
    town = OrgUnit.objects.create(name="果里镇", kind=OrgUnit.Kind.TOWN, parent=area)
    services.create_periods(plan, "year")
    services.sync_assignments(plan)

    def user(name, unit, role):
        u = User.objects.create_user(name, password="x")
        Membership.objects.create(user=u, org_unit=unit, role=role)
        return User.objects.get(pk=u.pk)

    return {
        "plan": plan, "health": health, "office": office, "town": town,
        "period": Period.objects.get(plan=plan, kind="year", year=2024),
        "task": pm.Task.objects.get(plan=plan, number=2),  # 托位数, lead 县卫生健康局
        "reporter": user("wjj_tb", health, Role.DEPT_REPORTER),
        "approver": user("wjj_sh", health, Role.DEPT_APPROVER),
        "coordinator": user("fgw", office, Role.COORDINATOR),
        "leader": user("leader", office, Role.LEADER),
        "edu_reporter": user("jyj_tb", OrgUnit.objects.create(name="县教育体育局", kind="department",
                                                             parent=area), Role.DEPT_REPORTER),
    }


def fresh(user):
    return User.objects.get(pk=user.pk)  # a new request: scope worked out again


def test_periods_cover_the_plan_years_with_windows(county):
    plan = county["plan"]
    assert [p.label for p in Period.objects.filter(plan=plan, kind="year")] == ["2023年", "2024年", "2025年"]
    p = county["period"]
    assert (p.starts, p.ends, p.deadline) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31),
                                              datetime.date(2025, 1, 15))
    services.create_periods(plan, "quarter", [2024])
    q = Period.objects.filter(plan=plan, kind="quarter").order_by("index")
    assert [x.label for x in q] == ["2024年第一季度", "2024年第二季度", "2024年第三季度", "2024年第四季度"]
    assert q[1].ends == datetime.date(2024, 6, 30) and q[3].ends == datetime.date(2024, 12, 31)
    assert services.create_periods(plan, "year") == []  # nothing twice


def test_assignments_come_from_the_plan_and_the_coordinator(county):
    task, town = county["task"], county["town"]
    roles = dict(Assignment.objects.filter(task=task).values_list("org_unit__name", "role"))
    assert roles == {"县卫生健康局": "lead", "县发展改革局": "cooperating", "县妇儿工委办公室": "cooperating"}
    target = task.targets.get()
    services.set_share(target, town, 2, actor=county["coordinator"])
    assert Assignment.objects.get(task=task, org_unit=town).role == "share"
    assert services.share_gap(target) == Decimal("2.5")
    assert AuditEntry.objects.filter(action="reporting.share.set").exists()


def test_a_unit_sees_what_it_owes_and_what_is_late(county):
    rows = services.owed(county["period"], [county["health"].pk])
    assert [(r.assignment.task.number, r.status) for r in rows] == [(2, "missing")]
    assert rows[0].late(datetime.date(2025, 1, 16)) and not rows[0].late(datetime.date(2025, 1, 15))


def fill(county, value="3.2", **kw):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    target = county["task"].targets.get()
    return workflow.save_report(report, user=county["reporter"], version=report.version,
                                narrative="新建托育机构两家。", stage="in_progress",
                                values={target.pk: value}, **kw), target


def test_the_whole_review_flow_with_history(county):
    report, target = fill(county)
    report = workflow.submit(report, user=county["reporter"])
    assert report.status == S.SUBMITTED
    with pytest.raises(PermissionDenied):
        workflow.approve(report, user=county["reporter"])  # a reporter is not the approver
    report = workflow.approve(report, user=county["approver"])
    with pytest.raises(workflow.Invalid):
        workflow.return_report(report, user=county["coordinator"], comment="  ")
    report = workflow.return_report(report, user=county["coordinator"], comment="请附托育机构名单")
    assert report.status == S.RETURNED and report.editable
    report = workflow.save_report(report, user=county["reporter"], version=report.version,
                                  values={target.pk: "3.4"})
    report = workflow.submit(report, user=county["reporter"])
    report = workflow.approve(report, user=county["approver"])
    report = workflow.accept(report, user=county["coordinator"])
    assert report.status == S.ACCEPTED and not report.editable
    with pytest.raises(workflow.ReportingError):  # locked
        workflow.save_report(report, user=county["reporter"], version=report.version, values={target.pk: "9"})
    steps = list(report.events.values_list("action", "from_status", "to_status"))
    assert [s[0] for s in steps] == ["saved", "submitted", "approved", "returned", "saved", "submitted",
                                     "approved", "accepted"]
    returned = report.events.get(action="returned")
    assert returned.comment == "请附托育机构名单" and returned.actor == county["coordinator"]
    assert report.events.filter(action="saved").last().changes == {f"target-{target.pk}": ["3.2", "3.4"]}
    assert AuditEntry.objects.filter(action="reporting.report.accepted", object_id=str(report.pk)).exists()


def test_a_correction_is_a_new_revision_with_a_reason(county):
    report, target = fill(county)
    for step in (workflow.submit, workflow.approve, workflow.accept):
        who = {"submit": "reporter", "approve": "approver", "accept": "coordinator"}[step.__name__]
        report = step(report, user=county[who])
    with pytest.raises(workflow.Invalid):
        workflow.start_correction(report, user=county["reporter"], reason="")
    new = workflow.start_correction(report, user=county["reporter"], reason="统计口径更正")
    assert (new.revision, new.status, new.values.get().value) == (2, S.DRAFT, Decimal("3.2"))
    new = workflow.save_report(new, user=county["reporter"], version=new.version, values={target.pk: "3.0"})
    for step, who in ((workflow.submit, "reporter"), (workflow.approve, "approver"), (workflow.accept, "coordinator")):
        new = step(new, user=county[who])
    report.refresh_from_db()
    assert report.status == S.SUPERSEDED and report.values.get().value == Decimal("3.2")  # kept as it was
    assert services.owed(county["period"], [county["health"].pk])[0].report == new


def test_units_without_an_approver_report_straight_to_the_coordinator(county):
    county["approver"].delete()
    report, _ = fill(county)
    assert workflow.submit(report, user=county["reporter"]).status == S.APPROVED


def test_submitting_needs_values_and_a_narrative(county):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    with pytest.raises(workflow.Invalid) as e:
        workflow.submit(report, user=county["reporter"])
    assert "请先填写" in str(e.value)


@pytest.mark.parametrize("raw,message", [
    ("abc", "不是数字"), ("-1", "不能为负数"), ("1e400", "数字过大"), ("12345678901234567", "数字过大"),
])
def test_bad_values_are_refused_and_nothing_is_saved(county, raw, message):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    target = county["task"].targets.get()
    with pytest.raises(workflow.Invalid) as e:
        workflow.save_report(report, user=county["reporter"], version=report.version,
                             narrative="写了", values={target.pk: raw})
    assert message in str(e.value)
    report.refresh_from_db()
    assert report.narrative == "" and report.version == 1 and report.values.get().value is None


def test_a_percent_must_be_between_0_and_100_and_a_count_whole(county):
    from cfcity.reporting import validation
    assert validation.parse_value("101", "%")[1][0].message == "百分比应在 0 到 100 之间"
    assert validation.parse_value("95.5%", "%") == (Decimal("95.5"), [])
    assert "整数" in validation.parse_value("2.5", "所", "新建改扩建中小学")[1][0].message
    assert validation.parse_value("4.5", "个", "每千人口3岁以下婴幼儿托位数") == (Decimal("4.5"), [])
    assert validation.parse_value("1,200", "元") == (Decimal("1200"), [])
    assert validation.parse_value(True, "个")[1][0].message == "应填写数字"


def test_rules_between_indicators(county):
    target = county["task"].targets.get()
    ValidationRule.objects.create(plan=county["plan"], left=target, operator="<=", constant=Decimal(10),
                                  message="托位数不应超过每千人口10个")
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    with pytest.raises(workflow.Invalid) as e:
        workflow.save_report(report, user=county["reporter"], version=report.version, values={target.pk: "12"})
    assert "不应超过" in str(e.value)


def test_an_outlier_needs_a_reason(county):
    target = county["task"].targets.get()
    # three accepted years of history: 3.0, 3.1, 3.2 (2021–2023)
    plan = county["plan"]
    services.create_periods(plan, "year", [2021, 2022])
    for year, value in ((2021, "3.0"), (2022, "3.1"), (2023, "3.2")):
        period = Period.objects.get(plan=plan, kind="year", year=year)
        r = Report.objects.create(task=county["task"], org_unit=county["health"], period=period, status=S.ACCEPTED)
        r.values.create(target=target, value=Decimal(value))
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    with pytest.raises(workflow.Invalid) as e:
        workflow.save_report(report, user=county["reporter"], version=report.version, values={target.pk: "30"})
    assert "差异很大" in str(e.value)
    report = workflow.save_report(report, user=county["reporter"], version=report.version,
                                  values={target.pk: "30"}, outlier_reasons={target.pk: "新建大型托育中心"})
    row = report.values.get()
    assert row.outlier and row.outlier_reason == "新建大型托育中心"
    # an ordinary next value is no outlier
    assert not workflow.validation.is_outlier(Decimal("3.3"), [Decimal("3.0"), Decimal("3.1"), Decimal("3.2")])


def test_two_people_saving_at_once_the_second_is_told_and_loses_nothing(county):
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    target = county["task"].targets.get()
    opened_by_both = report.version
    workflow.save_report(report, user=county["reporter"], version=opened_by_both, narrative="甲的版本",
                         values={target.pk: "3.1"})
    with pytest.raises(workflow.Conflict) as e:
        workflow.save_report(report, user=county["approver"], version=opened_by_both, narrative="乙的版本",
                             values={target.pk: "3.9"})
    assert "已被他人修改" in str(e.value)
    report.refresh_from_db()
    assert report.narrative == "甲的版本" and report.values.get().value == Decimal("3.1")  # the first save stands
    assert report.events.filter(action="saved").count() == 1


def test_other_units_cannot_open_or_change_a_report(county):
    report, target = fill(county)
    with pytest.raises(PermissionDenied):
        workflow.open_report(county["task"], county["health"], county["period"], user=fresh(county["edu_reporter"]))
    with pytest.raises(PermissionDenied):
        workflow.save_report(report, user=fresh(county["edu_reporter"]), version=report.version, narrative="x")
    with pytest.raises(PermissionDenied):  # a leader reads but does not write
        workflow.save_report(report, user=fresh(county["leader"]), version=report.version, narrative="x")
    with pytest.raises(PermissionDenied):
        workflow.accept(report, user=fresh(county["leader"]))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_evidence_is_checked_by_content_and_stored_under_var(county, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    report, _ = fill(county)
    ev = workflow.add_evidence(report, user=county["reporter"], name="../../托育机构名单.pdf", data=PDF)
    assert ev.content_type == "application/pdf" and ev.original_name == "托育机构名单.pdf"
    assert (tmp_path / ev.file.name).read_bytes() == PDF and ".." not in ev.file.name
    assert workflow.add_evidence(report, user=county["reporter"], name="照片.JPG", data=PNG).extension == ".png"
    for name, data, message in (("假的.pdf", b"MZ\x90\x00 this is an exe", "不是可接受的类型"),
                                ("空.pdf", b"", "是空的"),
                                ("大.pdf", b"%PDF-" + b"0" * (workflow.MAX_EVIDENCE_BYTES + 1), "过大")):
        with pytest.raises(workflow.ReportingError, match=message):
            workflow.add_evidence(report, user=county["reporter"], name=name, data=data)
    assert report.evidence.count() == 2


def test_periods_command_sets_a_plan_up(full_plan):
    from io import StringIO

    from django.core.management import CommandError, call_command
    row = plan_services.store_plan(full_plan)
    out = StringIO()
    call_command("periods", str(row.pk), "--kind", "half", "--years", "2024", stdout=out)
    assert "新增填报周期 2 个（2024年上半年、2024年下半年）" in out.getvalue()
    assert Assignment.objects.filter(task__plan=row).count() == 7  # every lead and co-operating unit
    with pytest.raises(CommandError, match="没有找到|未找到|不存在"):
        call_command("periods", "99999")
