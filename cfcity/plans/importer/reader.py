"""From bytes to numbered text lines: file type, encoding, .docx paragraphs and tables,
PDF text layers.  Nothing here knows what a plan is.

A line is ``(number, text, indented)``: ``number`` is the 1-based line of the text as
read (for .docx the paragraph, for PDF the line of the text layer); ``indented`` says the
line starts with a first-line indent, which in PDFs marks a new paragraph.
Table rows come out as one line with cells joined by TAB.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cfcity import zipguard

from .errors import PlanDocumentError

MAX_BYTES = 50 * 1024 * 1024  # a plan is a few hundred KB; refuse what cannot be one
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a .docx with its pictures, unpacked

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
DOC_SUFFIXES = {".docx", ".pdf"} | TEXT_SUFFIXES


@dataclass
class RawLine:
    number: int
    text: str
    indented: bool = False


@dataclass
class Document:
    lines: list[RawLine]
    format: str  # txt, md, docx, pdf
    encoding: str | None = None


def sniff_format(raw: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if raw.startswith(b"%PDF"):
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".pptx", ".zip", ".odt"):
            raise PlanDocumentError(f"不支持的文件类型“{suffix}”，请提供 .docx、.pdf、.txt 或 .md 文件", file=name)
        return "docx"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise PlanDocumentError(
            "这是旧版 Word（.doc）文件或已加密的 Word 文件，无法读取。请用 Word 或 WPS 另存为未加密的 .docx 后再导入",
            file=name)
    if suffix == ".docx":
        raise PlanDocumentError("文件扩展名是 .docx，但内容不是 Word 文档（可能已损坏）", file=name)
    if suffix == ".pdf":
        raise PlanDocumentError("文件扩展名是 .pdf，但内容不是 PDF 文件（可能已损坏）", file=name)
    if suffix not in TEXT_SUFFIXES:
        raise PlanDocumentError(f"不支持的文件类型“{suffix}”，请提供 .docx、.pdf、.txt 或 .md 文件", file=name)
    return "md" if suffix in (".md", ".markdown") else "txt"


def _plausible(text: str) -> bool:
    """Text, not binary: few control characters."""
    if not text:
        return True
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad / len(text) < 0.01


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    if b"\x00" in raw[:4096] and candidates != ["utf-16"]:
        raise PlanDocumentError("文件含有二进制内容，不是文本文件", file=name)
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, enc
    raise PlanDocumentError("无法识别文件编码（支持 UTF-8 和 GB18030/GBK），或文件不是文本文件", file=name)


def _text_lines(text: str) -> list[RawLine]:
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        indented = bool(re.match(r"^(\u3000|\s{2,})\S", line))
        out.append(RawLine(i, line, indented))
    return out


def _markdown_lines(text: str) -> list[RawLine]:
    """Markdown: drop heading hashes, emphasis and list bullets; tables become TAB rows."""
    out = []
    for rl in _text_lines(text):
        s = rl.text.strip()
        if re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", s):
            s = ""  # table separator row
        elif s.startswith("|") and s.endswith("|"):
            s = "\t".join(c.strip() for c in s.strip("|").split("|"))
        else:
            s = re.sub(r"^#{1,6}\s*", "", s)
            s = re.sub(r"^>\s?", "", s)
            s = re.sub(r"^[-*+]\s+", "", s)
            s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
        out.append(RawLine(rl.number, s, rl.indented))
    return out


def _docx_lines(raw: bytes, name: str) -> list[RawLine]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        # declared sizes checked first: python-docx loads every part into memory
        names = {i.filename for i in zipguard.check_zip(raw, max_unpacked=MAX_UNPACKED_BYTES, what="Word 文档")}
        if "word/document.xml" not in names:
            raise PlanDocumentError("文件不是 Word 文档（缺少 word/document.xml），可能已损坏或是其他类型的压缩包", file=name)
        document = docx.Document(io.BytesIO(raw))
    except PlanDocumentError:
        raise
    except zipguard.ZipDamaged:
        raise PlanDocumentError("Word 文档已损坏，无法打开（BadZipFile）", file=name) from None
    except zipguard.ZipRefused as e:
        raise PlanDocumentError(str(e), file=name) from None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as e:
        raise PlanDocumentError(f"Word 文档已损坏，无法打开（{type(e).__name__}）", file=name)
    except Exception as e:  # lxml errors and the like: still the user's file, not our bug
        raise PlanDocumentError(f"Word 文档无法解析（{type(e).__name__}）", file=name)

    out: list[RawLine] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            text = p.text.replace("\n", "").replace("\v", "")
            fmt = p.paragraph_format
            indented = bool(fmt.first_line_indent and fmt.first_line_indent > 0)
            out.append(RawLine(len(out) + 1, text, indented))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                # merged cells repeat their text, which keeps columns aligned with the header
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                out.append(RawLine(len(out) + 1, "\t".join(cells), False))
            out.append(RawLine(len(out) + 1, "", False))
    return out


def _page_chars(layout):
    from pdfminer.layout import LTChar

    stack = [layout]
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            yield obj
        elif hasattr(obj, "__iter__"):
            stack.extend(obj)


def _pdf_page_lines(layout) -> list[tuple[float, str]]:
    """Group a page's characters into lines by position, not by content-stream order:
    generators often write punctuation such as “ ” in a separate run after the text."""
    chars = [c for c in _page_chars(layout) if c.get_text().strip()]
    if not chars:
        return []
    chars.sort(key=lambda c: (-(c.y0 + c.y1) / 2, c.x0))
    rows: list[list] = []
    for c in chars:
        mid, h = (c.y0 + c.y1) / 2, max(c.height, 1.0)
        if rows:
            r = rows[-1]
            if abs(r[0] - mid) <= 0.45 * max(r[1], h):
                r[2].append(c)
                continue
        rows.append([mid, h, [c]])
    out = []
    for _mid, h, cs in rows:
        cs.sort(key=lambda c: c.x0)
        text, prev = [], None
        for c in cs:
            if prev is not None and c.x0 - prev.x1 > 0.8 * max(h, 1.0):
                text.append(" ")
            text.append(c.get_text())
            prev = c
        out.append((cs[0].x0, h, "".join(text)))
    return out


def _pdf_lines(raw: bytes, name: str) -> list[RawLine]:
    """Text lines of a PDF's text layer, with first-line indents detected from positions."""
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    out: list[RawLine] = []
    try:
        for page in extract_pages(io.BytesIO(raw)):
            lines = _pdf_page_lines(page)
            if not lines:
                continue
            xs = sorted(x for x, _, _ in lines)
            margin = xs[len(xs) // 10]  # robust left margin of the page
            for x0, h, t in lines:
                indent = x0 - margin
                out.append(RawLine(len(out) + 1, t, 1.2 * h < indent < 6 * h))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise PlanDocumentError("PDF 文件已加密，无法读取文字。请提供未加密的文件", file=name)
    except PDFSyntaxError as e:
        raise PlanDocumentError(f"PDF 文件已损坏，无法解析（{e}）", file=name)
    except PlanDocumentError:
        raise
    except Exception as e:
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise PlanDocumentError("PDF 文件已加密，无法读取文字。请提供未加密的文件", file=name)
        raise PlanDocumentError(f"PDF 文件无法解析（{type(e).__name__}）", file=name)
    if not any(rl.text.strip() for rl in out):
        raise PlanDocumentError(
            "PDF 文件没有文字层（可能是扫描件），无法识别内容。请提供原始 Word 文件，或先做文字识别（OCR）",
            file=name)
    return out


def read_document(raw: bytes, name: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise PlanDocumentError(f"文件过大（{len(raw) // (1024 * 1024)} MB），行动方案文件不应超过 {MAX_BYTES // (1024 * 1024)} MB", file=name)
    if not raw.strip():
        raise PlanDocumentError("文件是空的", file=name)
    fmt = sniff_format(raw, name)
    if fmt == "pdf":
        return Document(_pdf_lines(raw, name), "pdf")
    if fmt == "docx":
        return Document(_docx_lines(raw, name), "docx")
    text, enc = decode_text(raw, name)
    lines = _markdown_lines(text) if fmt == "md" else _text_lines(text)
    return Document(lines, fmt, enc)
