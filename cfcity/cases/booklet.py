"""The year's case collection (优秀工作案例汇编) as a Word booklet in the government layout:
the cases the coordinator has chosen (accepted or published), each under its heading with
its unit, the tasks it serves, its text and its photos (captioned with their descriptions)."""
from __future__ import annotations

import io

from docx.shared import Cm

from cfcity.monitoring.reports.govdoc import GovDocument
from cfcity.plans.display import chinese_numeral

from .models import Case, CaseFile

CHOSEN = (Case.Status.ACCEPTED, Case.Status.PUBLISHED)
PHOTO_WIDTH = Cm(12)


def chosen_cases(plan, year: int):
    return (Case.objects.filter(plan=plan, year=year, status__in=CHOSEN)
            .select_related("org_unit").prefetch_related("tasks", "files").order_by("org_unit__name", "pk"))


def _png_or_jpeg(row: CaseFile) -> bytes:
    """python-docx embeds JPEG and PNG; a WebP photo is converted to PNG."""
    with row.file.open("rb") as fh:
        data = fh.read()
    if row.content_type in ("image/jpeg", "image/png"):
        return data
    from PIL import Image
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as img:
        img.save(out, "PNG")
    return out.getvalue()


def build(plan, year: int) -> bytes:
    area = plan.area.name if plan.area else ""
    doc = GovDocument(title=f"{area}{year}年儿童友好城市建设优秀工作案例汇编")
    doc.title(f"{area}{year}年儿童友好城市建设\n优秀工作案例汇编")
    cases = list(chosen_cases(plan, year))
    doc.subtitle(f"共{len(cases)}篇")
    if not cases:
        doc.para(f"{year}年还没有入选的案例。")
    for i, case in enumerate(cases, 1):
        doc.heading(f"{chinese_numeral(i)}、{case.title}")
        doc.para(case.org_unit.name, lead="报送单位：")
        tasks = "；".join(f"（{t.number}）{t.title}" for t in case.tasks.all())
        if tasks:
            doc.para(tasks, lead="服务任务：")
        if case.tags:
            doc.para("、".join(case.tags), lead="标签：")
        for paragraph in (p.strip() for p in case.text.splitlines()):
            if paragraph:
                doc.para(paragraph)
        for photo in (f for f in case.files.all() if f.kind == CaseFile.Kind.PHOTO):
            doc.picture(_png_or_jpeg(photo), photo.caption or case.title, width=PHOTO_WIDTH)
    return doc.save()
