"""The rectification loop: each transition allowed or refused by role, scoping, evidence
rules, history and audit, the overdue warning and the calendar's deadlines."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfcity.audit.models import AuditEntry
from cfcity.monitoring import warnings
from cfcity.monitoring.models import Warning
from cfcity.supervision import deadlines, services
from cfcity.supervision.models import Finding, FindingEvidence

from .conftest import PDF, PNG, fresh

pytestmark = pytest.mark.django_db
S = Finding.Status


def test_the_full_loop_keeps_history_and_audit(sv):
    f, unit, insp = sv["finding"], sv["health_reporter"], sv["inspector"]
    services.answer(f, user=unit, text="已核对 12 个托位。", files=[("台账.pdf", PDF)])
    assert f.status == S.ANSWERED and f.evidence.get().content_type == "application/pdf"
    services.reopen(f, user=insp, comment="缺少照片。")
    assert f.status == S.REOPENED
    services.answer(f, user=fresh(sv["health_approver"]), text="补充照片。", files=[("照片.jpg", PNG)])
    services.close(f, user=insp, comment="同意销号。")
    f.refresh_from_db()
    assert f.status == S.CLOSED and f.closed_at is not None
    assert [(e.action, e.from_status, e.to_status) for e in f.events.all()] == [
        ("created", "", "open"), ("answered", "open", "answered"), ("reopened", "answered", "reopened"),
        ("answered", "reopened", "answered"), ("closed", "answered", "closed")]
    second = f.events.filter(action="answered").last()
    assert [(e.original_name, e.extension) for e in second.evidence.all()] == [("照片.jpg", ".png")]  # by content
    codes = list(AuditEntry.objects.filter(object_type="supervision.finding", object_id=str(f.pk))
                 .order_by("id").values_list("action", flat=True))
    assert codes == ["supervision.finding.created", "supervision.finding.answered", "supervision.evidence.added",
                     "supervision.finding.reopened", "supervision.finding.answered",
                     "supervision.evidence.added", "supervision.finding.closed"]


ANSWERERS = {"health_reporter": True, "health_approver": True, "edu_reporter": False, "town_reporter": False,
             "coordinator": False, "inspector": False, "leader": False, "evaluator": False}
REVIEWERS = {"coordinator": True, "inspector": True, "other_inspector": False, "leader": False,
             "evaluator": False, "health_reporter": False, "health_approver": False}


@pytest.mark.parametrize("who,ok", ANSWERERS.items())
def test_who_may_answer(sv, who, ok):
    f = sv["finding"]
    if ok:
        services.answer(f, user=fresh(sv[who]), text="已整改。")
        assert f.status == S.ANSWERED
    else:
        with pytest.raises(PermissionDenied):
            services.answer(f, user=fresh(sv[who]), text="已整改。")
        assert Finding.objects.get(pk=f.pk).status == S.OPEN


@pytest.mark.parametrize("step", ["reopen", "close"])
@pytest.mark.parametrize("who,ok", REVIEWERS.items())
def test_who_may_sign_off_or_reopen(sv, who, ok, step):
    f = services.answer(sv["finding"], user=sv["health_reporter"], text="已整改。")
    act = getattr(services, step)
    if ok:
        act(f, user=fresh(sv[who]), comment="意见")
        assert f.status == (S.REOPENED if step == "reopen" else S.CLOSED)
    else:
        with pytest.raises(PermissionDenied):
            act(f, user=fresh(sv[who]), comment="意见")
        assert Finding.objects.get(pk=f.pk).status == S.ANSWERED


def test_steps_the_state_does_not_allow(sv):
    f, unit, insp = sv["finding"], sv["health_reporter"], sv["inspector"]
    for step in (services.close, services.reopen):  # nothing to judge before an answer
        with pytest.raises(services.SupervisionError):
            step(f, user=insp, comment="x")
    with pytest.raises(services.SupervisionError, match="写明"):
        services.answer(f, user=unit, text="  ")
    services.answer(f, user=unit, text="已整改。")
    with pytest.raises(services.SupervisionError):  # already answered
        services.answer(f, user=unit, text="再报一次")
    with pytest.raises(services.SupervisionError, match="写明"):
        services.reopen(f, user=insp, comment="")
    services.close(f, user=insp)
    for step, kw in ((services.answer, {"user": unit, "text": "x"}), (services.reopen, {"user": insp, "comment": "x"}),
                     (services.close, {"user": insp})):
        with pytest.raises(services.SupervisionError):
            step(Finding.objects.get(pk=f.pk), **kw)
    assert Finding.objects.get(pk=f.pk).events.count() == 3


def test_a_stale_copy_cannot_step_twice(sv):
    f = services.answer(sv["finding"], user=sv["health_reporter"], text="已整改。")
    stale = Finding.objects.get(pk=f.pk)
    services.close(f, user=sv["inspector"])
    with pytest.raises(services.SupervisionError, match="刚被他人处理"):
        services.reopen(stale, user=sv["coordinator"], comment="退回")
    assert Finding.objects.get(pk=f.pk).status == S.CLOSED


def test_only_supervisors_record_inspections_and_findings(sv):
    for who in ("leader", "evaluator", "health_reporter", "other_inspector"):
        with pytest.raises(PermissionDenied):
            services.add_finding(sv["inspection"], user=fresh(sv[who]), org_unit=sv["health"], problem="p",
                                 required="r", deadline=datetime.date(2025, 1, 1))
        with pytest.raises(PermissionDenied):
            services.create_inspection(user=fresh(sv[who]), plan=sv["plan"], kind="regular", title="t",
                                       date=datetime.date(2025, 1, 1), units=[sv["health"]])
    assert Finding.objects.count() == 2


@pytest.mark.parametrize("name,data,message", [
    ("假的.pdf", b"MZ\x90\x00 this is an exe", "不是可接受的类型"), ("空.pdf", b"", "是空的"),
    ("大.pdf", b"%PDF-" + b"0" * services.MAX_EVIDENCE_BYTES, "过大")])
def test_evidence_is_checked_before_anything_is_written(sv, name, data, message):
    f = sv["finding"]
    with pytest.raises(services.SupervisionError, match=message):
        services.answer(f, user=sv["health_reporter"], text="已整改。", files=[("好.pdf", PDF), (name, data)])
    assert Finding.objects.get(pk=f.pk).status == S.OPEN and FindingEvidence.objects.count() == 0


def test_a_unit_sees_only_its_own_findings(sv):
    f, tf = sv["finding"], sv["town_finding"]
    seen = {who: set(services.findings_for(fresh(sv[who])).values_list("pk", flat=True)) for who in (
        "coordinator", "inspector", "leader", "evaluator", "health_reporter", "health_approver", "town_reporter",
        "edu_reporter", "auditor", "admin", "other_inspector")}
    assert seen == {"coordinator": {f.pk, tf.pk}, "inspector": {f.pk, tf.pk}, "leader": {f.pk, tf.pk},
                    "evaluator": {f.pk, tf.pk}, "health_reporter": {f.pk}, "health_approver": {f.pk},
                    "town_reporter": {tf.pk}, "edu_reporter": set(), "auditor": set(), "admin": set(),
                    "other_inspector": set()}
    with pytest.raises(Http404):
        services.get_finding(fresh(sv["town_reporter"]), f.pk)
    with pytest.raises(Http404):
        services.get_inspection(fresh(sv["edu_reporter"]), sv["inspection"].pk)
    assert services.get_inspection(fresh(sv["town_reporter"]), sv["inspection"].pk)


def test_overdue_rectification_warns_the_unit_until_it_answers(sv):
    plan, f = sv["plan"], sv["finding"]
    as_of = datetime.date(2024, 7, 10)  # the health bureau's deadline (30 June) has passed, the town's not
    warnings.refresh(plan, as_of=as_of)
    w = Warning.objects.get(plan=plan, kind=Warning.Kind.RECTIFICATION)
    assert w.org_unit == sv["health"] and w.resolved_at is None and w.severity == "medium"
    assert "已逾期 10 天" in w.message and "报送" in w.clear_by
    # the unit's warning is its own: the town does not see it
    assert [x.pk for x in warnings.for_user(fresh(sv["health_reporter"])) if x.kind == "rectification"] == [w.pk]
    assert not [x for x in warnings.for_user(fresh(sv["town_reporter"])) if x.kind == "rectification"]
    services.answer(f, user=sv["health_reporter"], text="已整改。")
    warnings.refresh(plan, as_of=as_of)
    w.refresh_from_db()
    assert w.resolved_at is not None  # answered: cleared
    services.reopen(f, user=sv["inspector"], comment="未到位")
    warnings.refresh(plan, as_of=as_of)
    w.refresh_from_db()
    assert w.resolved_at is None and "退回重新整改" in w.message  # reopened after its deadline: again


def test_deadlines_for_the_calendar_are_scoped(sv):
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    mine = deadlines.rectification_deadlines(fresh(sv["health_reporter"]), start, end)
    assert [(d["date"], d["kind"], d["org_unit_id"], d["overdue"], d["done"]) for d in mine] == [
        (datetime.date(2024, 6, 30), "rectification", sv["health"].pk, True, False)]
    assert mine[0]["url"] == f"/supervision/findings/{sv['finding'].pk}/"
    assert len(deadlines.rectification_deadlines(fresh(sv["coordinator"]), start, end)) == 2
    assert deadlines.rectification_deadlines(fresh(sv["edu_reporter"]), start, end) == []
    assert deadlines.rectification_deadlines(fresh(sv["coordinator"]), start, datetime.date(2024, 6, 29)) == []


def test_the_provider_is_registered_with_the_calendar():
    from cfcity.agenda import registry
    assert deadlines.rectification_deadlines in registry.PROVIDERS
    from cfcity.supervision.rules import rectification_rules
    assert rectification_rules in warnings.EXTRA_RULES and Warning.Kind.RECTIFICATION in warnings.RULE_KINDS
