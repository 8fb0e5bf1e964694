"""PDF text layers from two real generators give the same plan as the text.

- LibreOffice (committed: tests/fixtures/generated/reference.pdf, built from the python-docx
  .docx by tests/fixtures/build_fixtures.py): TrueType subset fonts, quotes “ ” written in a
  separate run with another font, footers “— N —”.
- reportlab with the CID font STSong-Light (made here, at test time): no embedded font, the
  text hard-wrapped at a fixed width with a two-character indent, page numbers “— N —”.

Also records what the two extractors make of the LibreOffice PDF: pdfminer.six's and
pypdf's plain extract_text both misplace the separately-written quotes (pdfminer on lines
of their own, pypdf at the start of the line); the importer therefore rebuilds lines from
pdfminer's character positions.
"""
from __future__ import annotations

import io
import json

import pytest

from cfcity.plans.importer import parse_bytes, parse_file, to_dict

from importer_checks import GENERATED, REFERENCE, without_lines


def reportlab_pdf(lines: list[str], *, size=14, margin=72) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w, h = A4
    per_line = int((w - 2 * margin) // size)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    state = {"y": h - margin, "page": 1}

    def end_page():
        c.setFont("STSong-Light", 12)
        c.drawCentredString(w / 2, 40, f"— {state['page']} —")
        c.showPage()
        state["page"] += 1
        state["y"] = h - margin

    for line in lines:
        if not line.strip():
            continue
        first, rest = True, line
        while rest:
            n = per_line - 2 if first else per_line
            piece, rest = rest[:n], rest[n:]
            c.setFont("STSong-Light", size)
            c.drawString(margin + (2 * size if first else 0), state["y"], piece)
            first = False
            state["y"] -= size * 1.6
            if state["y"] < margin:
                end_page()
    end_page()
    c.save()
    return buf.getvalue()



@pytest.fixture(scope="module")
def reference_lines():
    return REFERENCE.read_text(encoding="utf-8").replace("[bookmark: _GoBack]", "").splitlines()


@pytest.fixture(scope="module")
def rl_pdf(reference_lines):
    return reportlab_pdf(reference_lines)


def test_reportlab_cid_pdf_text_is_extractable(rl_pdf):
    from pdfminer.high_level import extract_text
    from pypdf import PdfReader

    miner = extract_text(io.BytesIO(rl_pdf))
    pypdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(rl_pdf)).pages)
    for text in (miner, pypdf_text):
        assert "桓政办字〔2022〕33号" in text
        assert "（牵头部门：县卫生健康局）" in text.replace("\n", "")
        assert "— 2 —" in text


def _same_plan(rl_pdf, drop=""):
    base = to_dict(parse_file(str(REFERENCE)))
    plan = parse_bytes(rl_pdf, "reportlab.pdf")
    got = to_dict(plan)
    for key in base:
        if key in ("source", "warnings"):
            continue
        a = json.dumps(without_lines(got[key]), ensure_ascii=False, indent=1)
        b = json.dumps(without_lines(base[key]), ensure_ascii=False, indent=1)
        for ch in drop:
            a, b = a.replace(ch, ""), b.replace(ch, "")
        assert a == b, key
    assert len(plan.warnings) == 1 and "页码" in plan.warnings[0].message


def test_reportlab_pdf_gives_the_same_plan_as_the_text(rl_pdf):
    _same_plan(rl_pdf, drop="·")  # see the next test


@pytest.mark.xfail(reason="pdfminer.six drops U+00B7 “·” drawn in a non-embedded CID font "
                          "(STSong-Light, UniGB-UCS2-H); pypdf keeps it. Strict: a fixed pdfminer shows up here", strict=True)
def test_reportlab_pdf_keeps_the_middle_dot(rl_pdf):
    _same_plan(rl_pdf)


def test_extractors_on_the_libreoffice_pdf():
    """Why the importer groups pdfminer's characters itself: both stock extract_text calls
    put the quotes of “十四五” in the wrong place; the importer's lines have them right and
    keep the first-line indent as a flag."""
    from pdfminer.high_level import extract_text
    from pypdf import PdfReader

    from cfcity.plans.importer.reader import read_document

    raw = (GENERATED / "reference.pdf").read_bytes()
    miner = extract_text(io.BytesIO(raw)).splitlines()
    pypdf_lines = PdfReader(io.BytesIO(raw)).pages[0].extract_text().splitlines()
    ours = read_document(raw, "reference.pdf").lines
    assert "关于印发桓台县“十四五”时期加快推进" not in miner
    assert "关于印发桓台县“十四五”时期加快推进" not in pypdf_lines
    assert ours[1].text == "关于印发桓台县“十四五”时期加快推进"
    task1 = next(rl for rl in ours if rl.text.startswith("（1）加强儿童友好顶层设计"))
    after = ours[ours.index(task1) + 1]
    assert task1.indented and not after.indented  # the paragraph's first line is indented
