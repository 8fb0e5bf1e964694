"""The evaluation summary as a Word report in the government layout (monitoring.reports.govdoc)
and as an Excel workbook (sheets as monitoring.reports.xlsx makes them)."""
from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from cfcity.monitoring.reports import xlsx
from cfcity.monitoring.reports.govdoc import GovDocument

from .summary import VERDICTS, Summary, fmt


def _v(v) -> str:
    return v.label if v else "—"


def _threshold_text() -> str:
    parts = [f"{label}（{floor:g} 分及以上）" if floor else f"{label}（60 分以下）" for floor, _, label in VERDICTS]
    return "、".join(parts)


def docx(s: Summary) -> bytes:
    r = s.round
    doc = GovDocument(title=f"{r.name}结果报告")
    doc.title(f"{r.name}结果报告")
    doc.subtitle(f"（{r.year}年度）")
    doc.heading("一、评估方法")
    doc.para(f"本次评估依据协调员确定的评估细则逐项对每项任务打分，细则共 {sum(1 for _ in r.items.all())} 项，"
             f"权重合计 {s.weight_total:g}。任务得分为已评细则得分率的加权平均（百分制），行动、领域和总体得分为"
             f"所含已评任务得分的算术平均。得分对应结论：{_threshold_text()}。")
    doc.para("评估结论与监测预警结论（截至 " + s.as_of.strftime("%Y年%m月%d日") + "）相差两档及以上的，列为“结论不一致”，"
             "两方结论和理由并列如下，供核实。")
    doc.heading("二、总体结果")
    doc.para(f"总体得分 {fmt(s.overall.score)}，结论为{_v(s.overall.verdict)}；已评任务 {s.overall.scored} 项，"
             f"共 {s.overall.total} 项；监测结论为{s.overall.engine.status.label}。")
    doc.table("各领域评估得分", ["领域", "已评任务", "得分", "评估结论", "监测结论"],
              [[d.obj.title, f"{d.scored}/{d.total}", fmt(d.score), _v(d.verdict), d.engine.status.label]
               for d in s.domains], [5.6, 2.2, 2.2, 2.6, 3.0], align=["l", "c", "r", "c", "c"])
    doc.heading("三、任务评估结果")
    doc.table("任务评估得分与监测结论", ["任务", "得分", "评估结论", "监测结论", "是否一致"],
              [[str(t.task), fmt(t.score), _v(t.verdict), t.engine_status.label,
                t.agreement] for t in s.tasks],
              [7.0, 1.8, 2.2, 2.6, 2.0], align=["l", "r", "c", "c", "c"])
    doc.heading("四、结论不一致的任务")
    if not s.disagreements:
        doc.para("评估结论与监测结论没有明显不一致。")
    for i, t in enumerate(s.disagreements, 1):
        doc.heading(f"（{_cn(i)}）{t.task}", level=2)
        doc.para(t.disagreement + "。", lead="差异。")
        doc.para("；".join(t.comments) or "未填写评语。", lead=f"评估结论：{_v(t.verdict)}（{fmt(t.score)} 分）。")
        doc.para("；".join(t.engine_reasons), lead=f"监测结论：{t.engine_status.label}。")
    doc.signature([r.name, timezone.localdate().strftime("%Y年%m月%d日")])
    return doc.save()


def _cn(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if n <= 10 else str(n)


def xlsx_bytes(s: Summary) -> bytes:
    wb = Workbook()
    xlsx.add_sheet(wb, "任务得分", ["序号", "任务", "行动", "已评细则", "适用细则", "得分", "评估结论", "监测结论",
                                    "结论不一致", "评语", "依据"],
                   [[t.task.number, t.task.title, t.task.action.title, t.scored, t.applicable,
                     None if t.score is None else round(t.score, 2), _v(t.verdict), t.engine_status.label,
                     t.disagreement or "", "；".join(t.comments), "\n".join(t.evidence)] for t in s.tasks])
    rows = []
    for d in s.domains:
        rows.append(["领域", d.obj.title, d.scored, d.total, _round(d.score), _v(d.verdict), d.engine.status.label])
        for a in d.children:
            rows.append(["行动", a.obj.title, a.scored, a.total, _round(a.score), _v(a.verdict), a.engine.status.label])
    rows.append(["总体", s.round.plan.title, s.overall.scored, s.overall.total, _round(s.overall.score),
                 _v(s.overall.verdict), s.overall.engine.status.label])
    xlsx.add_sheet(wb, "汇总", ["层级", "名称", "已评任务", "任务数", "得分", "评估结论", "监测结论"], rows)
    detail = [[t.task.number, line.item.title, float(line.item.weight), float(line.item.max_score),
               None if line.score is None else float(line.score.value),
               line.score.comment if line.score else "", line.score.evidence if line.score else "",
               line.score.scored_by.get_username() if line.score and line.score.scored_by else ""]
              for t in s.tasks for line in t.lines]
    xlsx.add_sheet(wb, "评分明细", ["任务序号", "评估细则", "权重", "满分", "得分", "评语", "依据", "评分人"], detail)
    return xlsx.save(wb)


def _round(v):
    return None if v is None else round(v, 2)
