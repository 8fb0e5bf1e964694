"""One child impact assessment as a Word report (儿童影响评价报告) in the government layout:
the matter, the checklist with scores and evidence, the children consulted (how many, how,
which ages — never who), the conclusion with its conditions, and the decision-maker's response."""
from __future__ import annotations

from cfcity.monitoring.reports.govdoc import GovDocument

from . import services
from .models import ImpactAssessment


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def build(a: ImpactAssessment) -> bytes:
    doc = GovDocument(title=f"{a.title}儿童影响评价报告")
    doc.title(f"{a.title}\n儿童影响评价报告")
    doc.subtitle(f"{a.get_kind_display()} · {a.get_state_display()}")
    doc.heading("一、评价事项")
    doc.para(a.responsible_unit.name, lead="提出（责任）单位：")
    doc.para(a.decision_maker, lead="决策机关：")
    doc.para(_d(a.registered_on), lead="登记日期：")
    if a.due_on:
        doc.para(_d(a.due_on), lead="评价完成期限：")
    for line in (x.strip() for x in a.description.splitlines()):
        if line:
            doc.para(line)
    spaces = list(a.spaces.all())
    if spaces:
        doc.para("、".join(s.name for s in spaces), lead="建成后形成的儿童友好空间：")

    doc.heading("二、评价清单与评分")
    scores = services.current_scores(a)
    doc.table("评价清单评分", ["维度", "评价要点", "权重", "得分", "依据说明"],
              [[s.dimension, s.question, s.weight, f"{s.score}/{s.max_score}", s.evidence or "—"] for s in scores],
              [1.6, 5.4, 1.2, 1.6, 5.0], align=["c", "l", "c", "c", "l"])
    total = services.total(a)
    doc.para(f"{total} 分（百分制）" if total is not None else "尚未评分", lead="加权总分：")

    doc.heading("三、征求儿童意见情况")
    consultations = list(a.consultations.all())
    if not consultations:
        doc.para("尚未征求儿童意见。")
    for i, c in enumerate(consultations, 1):
        doc.para(f"{_d(c.date)}，{c.get_method_display()}，{c.children}名儿童参与"
                 f"{'（' + c.age_labels() + '）' if c.age_bands else ''}。", lead=f"{i}. ")
        for line in (x.strip() for x in c.summary.splitlines()):
            if line:
                doc.para(line)

    doc.heading("四、评价结论")
    if a.finding:
        doc.para(a.get_finding_display(), lead="总体结论：")
        doc.para(_d(a.concluded_on), lead="结论日期：")
        for line in (x.strip() for x in a.conclusion.splitlines()):
            if line:
                doc.para(line)
    else:
        doc.para("尚未作出结论。")
    conditions = list(a.conditions.select_related("unit"))
    if conditions:
        doc.table("整改要求", ["序号", "整改要求", "落实单位", "完成期限", "落实情况"],
                  [[i, c.text, c.unit.name if c.unit else "—", _d(c.due_on),
                    f"已落实（{_d(c.met_on)}）" if c.met else "未落实"] for i, c in enumerate(conditions, 1)],
                  [1.2, 6.4, 3.0, 2.6, 2.6], align=["c", "l", "l", "c", "c"])

    doc.heading("五、决策反馈")
    response = getattr(a, "response", None) if hasattr(a, "response") else None
    if response:
        doc.para(response.get_decision_display(), lead="反馈：")
        doc.para(_d(response.date), lead="反馈日期：")
        for line in (x.strip() for x in response.text.splitlines()):
            if line:
                doc.para(line)
    else:
        doc.para("决策机关尚未反馈。")
    return doc.save()
