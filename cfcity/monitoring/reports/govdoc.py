"""A Word document laid out like a Chinese government report (after GB/T 9704 党政机关公文格式):
A4 paper, 37 mm top and 28 mm left margins, the title centred in 宋体 bold 二号, first-level
headings 一、 in 黑体 三号, second-level （一） in 楷体 三号, body text in 仿宋 三号 with a
two-character first-line indent on a fixed 28-point line, page numbers “— 1 —” at the foot.

python-docx's ``font.name`` writes only ``w:ascii`` and ``w:hAnsi``; Chinese text is drawn
with the ``w:eastAsia`` typeface of ``w:rFonts`` (python-openxml/python-docx#154, #346), so
``set_font`` writes all four slots and drops the theme references, in the document defaults,
in every style used and in runs with their own face. The faces are the ones every Chinese
Windows has (宋体 SimSun, 黑体 SimHei, 楷体 KaiTi, 仿宋 FangSong); LibreOffice substitutes
an installed CJK font for them when it makes the PDF.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SONG, HEI, KAI, FANGSONG = "宋体", "黑体", "楷体", "仿宋"
LATIN = "Times New Roman"
SIZE_2 = Pt(22)   # 二号: the title
SIZE_3 = Pt(16)   # 三号: headings and body
SIZE_4 = Pt(14)   # 四号: page numbers, captions
SIZE_5 = Pt(10.5)  # 五号: tables
LINE = Pt(28)     # fixed line pitch of the body (22 lines a page)
BLACK = RGBColor(0, 0, 0)
TEXT_WIDTH = Cm(15.6)  # 210 mm − 28 mm − 26 mm


def set_font(element_owner, east_asia: str, latin: str = LATIN):
    """Give a style or a run ``east_asia`` for Chinese characters and ``latin`` for the rest."""
    element = element_owner.element if hasattr(element_owner, "element") else element_owner
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def east_asian_font(run) -> str | None:
    """The ``w:eastAsia`` face of a run, or of its paragraph style (for tests and checks)."""
    for element in (run._r, run._parent.style.element if hasattr(run._parent, "style") else None):
        if element is None:
            continue
        rpr = element.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
    return None


def _style(doc, name, *, face, size, bold=False, before=0, after=0, line=LINE, indent=None,
           align=None, outline=None):
    style = doc.styles[name]
    set_font(style, face)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = BLACK
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    pf.first_line_indent = indent
    if align is not None:
        pf.alignment = align
    pf.widow_control = True
    return style


class GovDocument:
    """A python-docx Document with the layout above and the few kinds of paragraph a report has."""

    def __init__(self, *, title: str, author: str = "儿童友好城市建设管理平台"):
        self.doc = doc = Document()
        self.figures = 0
        self.tables = 0
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.5)

        # document defaults: no theme fonts, Chinese language for line breaking
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_font(rpr, FANGSONG)
        lang = rpr.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:val"), "zh-CN")
            lang.set(qn("w:eastAsia"), "zh-CN")

        _style(doc, "Normal", face=FANGSONG, size=SIZE_3, indent=Pt(32), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _style(doc, "Title", face=SONG, size=SIZE_2, bold=True, line=Pt(36), after=12,
               align=WD_ALIGN_PARAGRAPH.CENTER)
        title_ppr = doc.styles["Title"].element.get_or_add_pPr()
        border = title_ppr.find(qn("w:pBdr"))
        if border is not None:  # the default template underlines titles in blue
            title_ppr.remove(border)
        _style(doc, "Subtitle", face=KAI, size=SIZE_3, line=LINE, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        _style(doc, "Heading 1", face=HEI, size=SIZE_3, indent=Pt(32), align=WD_ALIGN_PARAGRAPH.LEFT)
        _style(doc, "Heading 2", face=KAI, size=SIZE_3, indent=Pt(32), align=WD_ALIGN_PARAGRAPH.LEFT)
        _style(doc, "Caption", face=HEI, size=SIZE_5, line=None, before=3, after=9,
               align=WD_ALIGN_PARAGRAPH.CENTER)
        for name in ("Heading 1", "Heading 2"):
            doc.styles[name].element.get_or_add_rPr()
            doc.styles[name].font.bold = False  # 黑体 and 楷体 carry their own weight
        self._page_numbers()

        props = doc.core_properties
        props.title = title
        props.author = author
        props.language = "zh-CN"

    # --- page furniture -------------------------------------------------------------------
    def _page_numbers(self):
        """“— 1 —” centred at the foot of each page (a PAGE field Word and LibreOffice fill in)."""
        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = None
        self._footer_run(p, "— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        inner = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        field.append(inner)
        p._p.append(field)
        self._footer_run(p, " —")

    @staticmethod
    def _footer_run(p, text):
        run = p.add_run(text)
        run.font.size = SIZE_4
        set_font(run, SONG)
        return run

    # --- paragraphs -------------------------------------------------------------------------
    def title(self, text: str):
        return self.doc.add_paragraph(text, style="Title")

    def subtitle(self, text: str):
        return self.doc.add_paragraph(text, style="Subtitle")

    def heading(self, text: str, level: int = 1):
        """``level`` 1: “一、总体进展” (黑体); 2: “（一）社会政策友好” (楷体)."""
        return self.doc.add_paragraph(text, style="Heading 1" if level == 1 else "Heading 2")

    def para(self, text: str = "", *, lead: str | None = None, indent: bool = True,
             align=None):
        """A body paragraph; ``lead`` is a run-in lead phrase in bold (“1.托育服务。”)."""
        p = self.doc.add_paragraph(style="Normal")
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if align is not None:
            p.alignment = align
        if lead:
            p.add_run(lead).bold = True
        if text:
            p.add_run(text)
        return p

    def signature(self, lines: list[str]):
        """The issuing office and the date, right-aligned under the text."""
        for line in lines:
            p = self.para(line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(32)

    def picture(self, png: bytes, caption: str, width=None):
        """A chart centred on its own line (single line spacing, or a fixed pitch would clip
        it), captioned “图N 说明” underneath."""
        self.figures += 1
        p = self.doc.add_paragraph(style="Normal")
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=width or TEXT_WIDTH)
        self.doc.add_paragraph(f"图{self.figures}  {caption}", style="Caption")

    def table(self, caption: str, headers: list[str], rows: list[list[str]], widths_cm: list[float],
              *, align: list[str] | None = None):
        """A captioned grid (“表N 说明” above), header row bold and repeated on every page,
        cells in 仿宋 五号 on single spacing. ``align``: "l", "c" or "r" per column."""
        self.tables += 1
        cap = self.doc.add_paragraph(f"表{self.tables}  {caption}", style="Caption")
        cap.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        align = align or ["l"] * len(headers)
        where = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}

        def fill(row, values, header=False):
            for i, (cell, value) in enumerate(zip(row.cells, values)):
                cell.width = Cm(widths_cm[i])
                p = cell.paragraphs[0]
                fmt = p.paragraph_format
                fmt.first_line_indent = Pt(0)
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.space_before = fmt.space_after = Pt(1)
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else where[align[i]]
                run = p.add_run("" if value is None else str(value))
                run.font.size = SIZE_5
                if header:
                    set_font(run, HEI)

        for i, width in enumerate(widths_cm):  # the grid LibreOffice lays the table out by
            table.columns[i].width = Cm(width)
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        header = table.rows[0]
        fill(header, headers, header=True)
        trpr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row again at the top of every page
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for values in rows:
            fill(table.add_row(), values)
        # a little air after the table
        spacer = self.doc.add_paragraph(style="Normal")
        spacer.paragraph_format.line_spacing = Pt(12)
        return table

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
