"""Evaluation rules on a real database: the checklist's weights, scores within 0–full marks,
who may write, locking after the coordinator closes the round, every write audited; the
summary's weighted scores, verdicts and the disagreement with the engine."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cfcity.audit.models import AuditEntry
from cfcity.evaluation import services, summary
from cfcity.evaluation.models import Score
from cfcity.monitoring import engine
from cfcity.plans import models as pm
from tests.evaluation.factory import ev, stall  # noqa: F401  (the fixture)
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
S = engine.Status


def test_weights_must_be_positive_and_are_summed(ev):
    r, who = ev["round"], ev["coordinator"]
    assert services.weight_total(r) == Decimal("6")
    for bad in (0, -1, "abc", "NaN"):
        with pytest.raises(services.EvaluationError):
            services.add_item(r, title="坏权重", weight=bad, actor=who)
    with pytest.raises(services.EvaluationError):
        services.add_item(r, title="坏满分", weight=1, max_score=0, actor=who)
    with pytest.raises(services.EvaluationError):  # a task of another plan
        services.add_item(r, title="别的方案", weight=1, task=ev["other_task"], actor=who)
    assert r.items.count() == 3 and AuditEntry.objects.filter(action="evaluation.item.added").count() == 4


def test_only_the_coordinator_defines_and_only_the_evaluator_scores(ev):
    r, task = ev["round"], ev["task"]
    for who in ("evaluator", "leader", "reporter", "inspector", "other_coordinator"):
        with pytest.raises(PermissionDenied):
            services.add_item(r, title="x", weight=1, actor=ev[who])
        with pytest.raises(PermissionDenied):
            services.close_round(r, actor=ev[who])
    for who in ("coordinator", "leader", "reporter", "inspector", "other_evaluator"):
        with pytest.raises(PermissionDenied):
            services.score(r, ev["all_item"], task, value=5, actor=ev[who])
    with pytest.raises(PermissionDenied):
        services.create_round(ev["plan"], name="x", year=2024, actor=ev["evaluator"])
    with pytest.raises(services.EvaluationError):  # outside the plan's years
        services.create_round(ev["plan"], name="x", year=2030, actor=ev["coordinator"])


def test_scores_stay_within_zero_and_full_marks(ev):
    r, task, item, who = ev["round"], ev["task"], ev["doc_item"], ev["evaluator"]
    for bad in (-0.1, "5.01", "Infinity", "十", "4.999"):
        with pytest.raises(services.EvaluationError):
            services.score(r, item, task, value=bad, actor=who)
    assert not Score.objects.exists()
    services.score(r, item, task, value=0, actor=who)
    s = services.score(r, item, task, value="5", comment="材料齐全", evidence="/reports/1/2/3/\n\n/evidence/4/",
                       actor=who)
    assert Score.objects.get().value == Decimal("5") and s.evidence_lines == ["/reports/1/2/3/", "/evidence/4/"]
    entries = AuditEntry.objects.filter(action="evaluation.score.set").order_by("pk")
    assert [e.data["value"] for e in entries] == ["0", "5"] and entries.last().data["before"] == "0.00"
    other_task = pm.Task.objects.filter(plan=ev["plan"]).exclude(pk=task.pk).first()
    with pytest.raises(services.EvaluationError):  # the 普惠托育 item is for task (2) only
        services.score(r, ev["task_item"], other_task, value=1, actor=who)


def test_closing_locks_scores_and_checklist(ev):
    r, task, who = ev["round"], ev["task"], ev["evaluator"]
    services.score(r, ev["all_item"], task, value=8, actor=who)
    services.close_round(r, actor=ev["coordinator"])
    r.refresh_from_db()
    assert r.closed and r.closed_by == ev["coordinator"]
    with pytest.raises(services.EvaluationError):
        services.score(r, ev["all_item"], task, value=9, actor=who)
    with pytest.raises(services.EvaluationError):
        services.add_item(r, title="迟到", weight=1, actor=ev["coordinator"])
    with pytest.raises(services.EvaluationError):
        services.remove_item(ev["doc_item"], actor=ev["coordinator"])
    with pytest.raises(services.EvaluationError):
        services.close_round(r, actor=ev["coordinator"])
    assert Score.objects.get().value == Decimal("8")
    assert AuditEntry.objects.filter(action="evaluation.round.closed").count() == 1


def test_a_stale_round_object_cannot_score_after_close(ev):
    """The evaluator's page loaded the round while open; the coordinator closed it since."""
    r = ev["round"]
    stale = type(r).objects.get(pk=r.pk)
    services.close_round(r, actor=ev["coordinator"])
    with pytest.raises(services.EvaluationError):
        services.score(stale, ev["all_item"], ev["task"], value=1, actor=ev["evaluator"])


def test_verdict_thresholds():
    assert [summary.verdict(x).label for x in (100, 90, 89.99, 75, 74.9, 60, 59.9, 0)] == [
        "优秀", "优秀", "良好", "良好", "合格", "合格", "不合格", "不合格"]
    assert summary.verdict(None) is None


@pytest.mark.parametrize("score,status,disagree", [
    (80, S.OFF_TRACK, True),     # 良好 vs 严重滞后: the brief's example
    (95, S.OFF_TRACK, True),
    (65, S.OFF_TRACK, False),    # 合格 vs 严重滞后: one step
    (95, S.AT_RISK, True),       # 优秀 vs 存在风险: two steps
    (80, S.AT_RISK, False),
    (65, S.ACHIEVED, True),      # 合格 vs 已达标
    (50, S.ON_TRACK, True),      # 不合格 vs 进展正常
    (50, S.AT_RISK, False),
    (95, S.ACHIEVED, False),
    (10, S.NO_DATA, False),      # nothing to compare with
    (95, S.NOT_DUE, False),
])
def test_the_disagreement_rule(score, status, disagree):
    why = summary.disagreement(summary.verdict(score), status)
    assert (why is not None) == disagree
    if why:
        assert summary.verdict(score).label in why and status.label in why


def test_summary_weights_items_and_rolls_up(ev):
    r, task, who = ev["round"], ev["task"], ev["evaluator"]
    services.score(r, ev["all_item"], task, value=8, actor=who)       # 0.8 × 3
    services.score(r, ev["doc_item"], task, value=5, actor=who)       # 1.0 × 1
    services.score(r, ev["task_item"], task, value=10, actor=who)     # 0.5 × 2
    other = pm.Task.objects.filter(plan=ev["plan"], action=task.action).exclude(pk=task.pk).first()
    services.score(r, ev["all_item"], other, value=10, actor=who)     # 1.0 × 3, one of two items
    s = summary.build(r)
    line = next(t for t in s.tasks if t.task == task)
    assert line.score == pytest.approx(100 * (2.4 + 1.0 + 1.0) / 6) and line.complete
    assert line.verdict.label == "合格"
    other_line = next(t for t in s.tasks if t.task == other)
    assert other_line.score == pytest.approx(100.0) and (other_line.scored, other_line.applicable) == (1, 2)
    action = next(a for d in s.domains for a in d.children if a.obj == task.action)
    assert action.score == pytest.approx((line.score + 100) / 2) and action.scored == 2
    assert s.overall.score == pytest.approx((line.score + 100) / 2)
    assert s.overall.total == pm.Task.objects.filter(plan=ev["plan"]).count()
    assert s.weight_total == 6


def test_summary_marks_where_the_evaluator_and_the_engine_disagree(ev):
    r, task, who = ev["round"], ev["task"], ev["evaluator"]
    stall(ev)
    for item, value in ((ev["all_item"], 9), (ev["doc_item"], 4), (ev["task_item"], 16)):
        services.score(r, item, task, value=value, comment="进展良好", actor=who)
    s = summary.build(r)
    line = next(t for t in s.tasks if t.task == task)
    assert line.engine_status is S.OFF_TRACK and line.verdict.label == "良好"
    assert line.disagreement and s.disagreements == [line]
    assert line.agreement == "不一致"
    assert {t.agreement for t in s.tasks if t.task != task} == {"无法比较"}  # nothing else scored
    assert any("严重滞后" in x or "滞后" in x for x in line.engine_reasons)
    assert "任务完成：进展良好" in line.comments
