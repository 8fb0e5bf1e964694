"""The evaluation summary of a round, beside the engine: each task's weighted score and the
verdict it maps to, the engine's status of the same task for the round's year, and whether
the two disagree; scores rolled up to actions, domains and the plan. Plain data, no HTML.
The method is in docs/methodology.md (第三方评估)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cfcity.monitoring import engine, summaries
from cfcity.plans import models as pm

from .models import Round, Score
from .services import items_for

# score (0–100) → verdict, best first: the first whose floor the score reaches
VERDICTS = [(90.0, "excellent", "优秀"), (75.0, "good", "良好"), (60.0, "pass", "合格"), (0.0, "fail", "不合格")]
VERDICT_RANK = {"excellent": 4, "good": 3, "pass": 2, "fail": 1}
# the engine's statuses on the same four-step scale; no data / not due cannot be compared
ENGINE_RANK = {engine.Status.ACHIEVED: 4, engine.Status.ON_TRACK: 3, engine.Status.AT_RISK: 2,
               engine.Status.OFF_TRACK: 1}
DISAGREE_STEPS = 2  # two steps apart or more (严重滞后 vs 良好, 已达标 vs 合格) is a disagreement


@dataclass(frozen=True)
class Verdict:
    code: str
    label: str


def verdict(score: float | None) -> Verdict | None:
    if score is None:
        return None
    for floor, code, label in VERDICTS:
        if score >= floor:
            return Verdict(code, label)
    return Verdict("fail", "不合格")


def disagreement(v: Verdict | None, status: engine.Status) -> str | None:
    """Why the evaluator and the engine disagree, or None when they do not (or cannot be
    compared: no score yet, or the engine has no data / the targets are not due)."""
    if v is None or status not in ENGINE_RANK:
        return None
    gap = VERDICT_RANK[v.code] - ENGINE_RANK[status]
    if abs(gap) < DISAGREE_STEPS:
        return None
    if gap > 0:
        return f"评估结论“{v.label}”明显好于监测结论“{status.label}”，请核对评估依据与填报数据"
    return f"评估结论“{v.label}”明显差于监测结论“{status.label}”，请核对填报数据是否属实"


@dataclass
class ItemLine:
    item: object
    score: Score | None


@dataclass
class TaskLine:
    task: pm.Task
    lines: list[ItemLine]
    score: float | None  # 0–100 over the scored items
    scored: int
    applicable: int
    engine: engine.RollUp
    engine_reasons: list[str]
    verdict: Verdict | None = None
    disagreement: str | None = None

    @property
    def complete(self) -> bool:
        return self.applicable > 0 and self.scored == self.applicable

    @property
    def agreement(self) -> str:
        """不一致 / 一致 / 无法比较 (not scored yet, or the engine has no data or nothing due)."""
        if self.disagreement:
            return "不一致"
        return "一致" if self.verdict is not None and self.engine_status in ENGINE_RANK else "无法比较"

    @property
    def engine_status(self) -> engine.Status:
        return engine.Status(self.engine.status)

    @property
    def comments(self) -> list[str]:
        return [f"{line.item.title}：{line.score.comment}" for line in self.lines if line.score and line.score.comment]

    @property
    def evidence(self) -> list[str]:
        return [e for line in self.lines if line.score for e in line.score.evidence_lines]


@dataclass
class Group:
    """An action, a domain or the plan: the mean of its scored tasks."""
    obj: object
    score: float | None
    scored: int
    total: int
    children: list = field(default_factory=list)
    verdict: Verdict | None = None
    engine: engine.RollUp | None = None


@dataclass
class Summary:
    round: Round
    as_of: datetime.date
    tasks: list[TaskLine]
    domains: list[Group]
    overall: Group
    weight_total: float

    @property
    def disagreements(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.disagreement]


def task_score(lines: list[ItemLine]) -> float | None:
    """Σ weight × score / full marks ÷ Σ weight × 100, over the items scored."""
    num = den = 0.0
    for line in lines:
        if line.score is None:
            continue
        w = float(line.item.weight)
        num += w * float(line.score.value) / float(line.item.max_score)
        den += w
    return 100.0 * num / den if den else None


def _group(obj, children: list, scores: list[float | None], rollup=None) -> Group:
    done = [s for s in scores if s is not None]
    mean = sum(done) / len(done) if done else None  # every scored task weighs the same
    return Group(obj, mean, len(done), len(scores), children, verdict(mean), rollup)


def _sentences(parts) -> str:
    return "".join(p if p.endswith(("。", "；", "！")) else p + "。" for p in parts if p)


def build(r: Round, *, today: datetime.date | None = None) -> Summary:
    plan = r.plan
    board = summaries.board(plan, year=r.year, today=today)
    items = list(r.items.select_related("task"))
    scores = {(s.item_id, s.task_id): s for s in Score.objects.filter(round=r).select_related("scored_by")}
    task_lines: list[TaskLine] = []
    domains: list[Group] = []
    for d in board.domains:
        actions = []
        for a in d.children:
            kids = []
            for t in a.children:
                lines = [ItemLine(i, scores.get((i.pk, t.obj.pk))) for i in items_for(r, t.obj, items)]
                reasons = [f"{tl.target.indicator}：{_sentences(tl.status.reasons)}"
                           for tl in t.targets if tl.status and tl.status.reasons]
                line = TaskLine(t.obj, lines, task_score(lines), sum(x.score is not None for x in lines), len(lines),
                                t.rollup, [t.rollup.summary, *reasons])
                line.verdict = verdict(line.score)
                line.disagreement = disagreement(line.verdict, line.engine_status)
                kids.append(line)
            task_lines += kids
            actions.append(_group(a.obj, kids, [k.score for k in kids], a.rollup))
        domains.append(_group(d.obj, actions, [k.score for a in actions for k in a.children], d.rollup))
    overall = _group(plan, domains, [t.score for t in task_lines], board.overall)
    return Summary(r, board.as_of, task_lines, domains, overall, float(sum(i.weight for i in items)))


def latest_for_task(task: pm.Task, rounds) -> tuple[Round, TaskLine] | None:
    """Of ``rounds`` (those the user may see), the newest of the task's plan with a score for
    the task, and the task's line there (for the monitoring task page)."""
    r = rounds.filter(plan_id=task.plan_id, scores__task=task).order_by("-year", "-pk").first()
    if r is None:
        return None
    line = next((t for t in build(r).tasks if t.task.pk == task.pk), None)
    return (r, line) if line else None


def fmt(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"

