"""The files an office files: a 督查通报 per inspection (Word, government layout) and the
整改台账 across inspections (Excel). Both are built from ``rows``/``ledger_rows`` — the
same values the pages show, so tests can compare them cell by cell."""
from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from cfcity.monitoring.reports import xlsx
from cfcity.monitoring.reports.govdoc import GovDocument
from cfcity.plans import display

from .models import Finding, Inspection

FINDING_HEADERS = ["序号", "责任单位", "存在问题", "严重程度", "整改要求", "整改期限", "整改状态"]
LEDGER_HEADERS = ["督查名称", "督查方式", "督查日期", "问题序号", "责任单位", "涉及任务", "存在问题", "严重程度",
                  "整改要求", "整改期限", "整改状态", "是否逾期", "最近整改情况", "销号日期"]


def state_text(f: Finding, today) -> str:
    return f.get_status_display() + ("（逾期）" if f.is_overdue(today) else "")


def finding_row(f: Finding, today) -> list[str]:
    return [str(f.number), f.org_unit.name, f.problem, f.get_severity_display(), f.required,
            display.date_text(f.deadline), state_text(f, today)]


def team_text(ins: Inspection) -> str:
    people = [u.get_full_name() or u.get_username() for u in ins.team.all()]
    people += [n.strip() for n in ins.team_names.replace("，", "、").split("、") if n.strip()]
    return "、".join(people)


def inspection_docx(ins: Inspection, findings, *, today=None) -> bytes:
    today = today or timezone.localdate()
    findings = list(findings)
    doc = GovDocument(title=f"关于{ins.title}情况的通报")
    doc.title(f"关于{ins.title}情况的通报")
    doc.subtitle(f"（{ins.get_kind_display()}）")
    doc.heading("一、督查基本情况")
    units = "、".join(u.name for u in ins.units.order_by("name"))
    tasks = "、".join(f"任务（{t.number}）{t.title}" for t in ins.tasks.order_by("number"))
    doc.para(f"{display.date_text(ins.date)}，督查组（{team_text(ins) or '未登记成员'}）以{ins.get_kind_display()}"
             f"方式，对{units or '有关单位'}落实《{ins.plan.title}》情况进行了督查" + (f"，涉及{tasks}" if tasks else "") + "。")
    if ins.summary:
        doc.para(ins.summary)
    doc.heading("二、发现的主要问题")
    by = {s: sum(1 for f in findings if f.severity == s) for s in Finding.Severity.values}
    doc.para(f"本次督查共发现问题 {len(findings)} 个，其中严重 {by['grave']} 个、较重 {by['serious']} 个、"
             f"一般 {by['general']} 个，详见问题清单。")
    doc.table("问题清单", FINDING_HEADERS, [finding_row(f, today) for f in findings],
              [1.0, 2.4, 3.6, 1.3, 3.6, 2.0, 1.7], align=["c", "l", "l", "c", "l", "c", "c"])
    doc.heading("三、整改要求")
    doc.para("各责任单位要对照问题清单逐项整改，在整改期限内通过平台报送整改情况和佐证材料；"
             "督查组逐项审核，整改到位的予以销号，整改不到位的退回重新整改。逾期未整改的，纳入预警并通报。")
    closed = sum(1 for f in findings if f.status == Finding.Status.CLOSED)
    doc.para(f"截至{display.date_text(today)}，已销号 {closed} 个，尚未销号 {len(findings) - closed} 个。")
    doc.signature([f"{ins.plan.area.name if ins.plan.area else ''}妇女儿童工作委员会办公室", display.date_text(today)])
    return doc.save()


def ledger_row(f: Finding, today) -> list:
    last = next((e for e in reversed(list(f.events.all())) if e.action == "answered"), None)
    return [f.inspection.title, f.inspection.get_kind_display(), display.date_text(f.inspection.date), f.number,
            f.org_unit.name, f"任务（{f.task.number}）{f.task.title}" if f.task else "", f.problem,
            f.get_severity_display(), f.required, display.date_text(f.deadline), f.get_status_display(),
            "是" if f.is_overdue(today) else "否", last.text if last else "",
            display.date_text(timezone.localtime(f.closed_at).date()) if f.closed_at else ""]


def ledger_xlsx(findings, *, today=None, title="整改台账") -> bytes:
    today = today or timezone.localdate()
    wb = Workbook()
    xlsx.add_sheet(wb, title, LEDGER_HEADERS, [ledger_row(f, today) for f in findings],
                   widths={7: 40, 9: 40, 13: 40})
    return xlsx.save(wb)
