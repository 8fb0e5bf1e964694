"""Bad input: each gives a PlanDocumentError with a Chinese message naming the file (and
the line where it makes sense), or a Plan with warnings where that is the honest result.
Never any other exception.

Binary and damaged files are made here in tmp_path (reportlab draws the “scanned” PDF,
pypdf encrypts one); readable ones live in tests/fixtures/bad/.
"""
from __future__ import annotations

import io
import os
import random
import re
import zipfile

import pytest

from cfcity.plans.importer import Plan, PlanDocumentError, parse_bytes, parse_file

from importer_checks import BAD, GENERATED, REFERENCE, assert_every_line_lands

CJK = re.compile(r"[\u4e00-\u9fff]")


def outcome(path):
    """parse_file's result: a Plan or a PlanDocumentError — anything else fails the test."""
    try:
        return parse_file(str(path))
    except PlanDocumentError as e:
        return e


def assert_clear_error(path, *phrases, line=None):
    result = outcome(path)
    assert isinstance(result, PlanDocumentError), f"expected an error for {path.name}, got a plan"
    msg = str(result)
    assert path.name in msg, f"the message should name the file: {msg}"
    assert CJK.search(result.message), f"the message should be in Chinese: {msg}"
    for p in phrases:
        assert p in msg, f"{p!r} not in {msg!r}"
    if line is not None:
        assert result.line == line and f"第{line}行" in msg
    assert "Traceback" not in msg
    return result


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


# --- empty and binary --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.docx", "empty.pdf", "empty"])
def test_empty_file(tmp_path, name):
    assert_clear_error(write(tmp_path, name, b""), "空")


@pytest.mark.parametrize("content", [" \n\n\t \r\n", "\u3000\u3000\n \n", "\ufeff\n\n"])
def test_whitespace_only(tmp_path, content):
    assert_clear_error(write(tmp_path, "blank.txt", content))


@pytest.mark.parametrize("name", ["noise.txt", "noise.md", "noise.docx", "noise.pdf", "noise"])
def test_random_bytes(tmp_path, name):
    data = random.Random(7).randbytes(4096)
    assert_clear_error(write(tmp_path, name, data))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(200)


@pytest.mark.parametrize("name", ["scan.png", "plan.txt", "plan.docx", "plan.pdf"])
def test_png_image(tmp_path, name):
    assert_clear_error(write(tmp_path, name, PNG))


def test_zip_that_is_not_a_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a word document")
    assert_clear_error(write(tmp_path, "plan.docx", buf.getvalue()), "Word")


def test_truncated_docx(tmp_path):
    raw = (GENERATED / "reference.docx").read_bytes()
    assert_clear_error(write(tmp_path, "cut.docx", raw[: len(raw) // 2]))


def test_docx_with_broken_xml(tmp_path):
    src = zipfile.ZipFile(GENERATED / "reference.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 3]
            z.writestr(item, data)
    assert_clear_error(write(tmp_path, "broken.docx", buf.getvalue()))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # old .doc, or a password-protected .docx


@pytest.mark.parametrize("name", ["protected.docx", "old.doc"])
def test_ole_file_old_or_encrypted_word(tmp_path, name):
    assert_clear_error(write(tmp_path, name, OLE))


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(GENERATED / "reference.pdf")).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert_clear_error(write(tmp_path, "locked.pdf", buf.getvalue()), "加密")


def test_truncated_pdf(tmp_path):
    raw = (GENERATED / "reference.pdf").read_bytes()
    result = outcome(write(tmp_path, "cut.pdf", raw[:5000]))
    assert isinstance(result, PlanDocumentError)
    assert "cut.pdf" in str(result)


def _scanned_pdf() -> bytes:
    """A PDF as a scanner makes it: an image and shapes, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    # a tiny grey bitmap as the “scan” (PPM, which reportlab reads without Pillow)
    # fall back to shapes only when images need Pillow
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(2):
        c.setFillGray(0.9)
        c.rect(60, 60, 470, 720, fill=1, stroke=0)
        c.setFillGray(0.2)
        for i in range(30):  # “lines of text” as black bars
            c.rect(90, 740 - i * 22, 400 - (i % 4) * 40, 9, fill=1, stroke=0)
        try:
            img = _grey_image()
            if img is not None:
                c.drawImage(ImageReader(img), 400, 80, width=100, height=100)
        except Exception:  # noqa: BLE001 — the image is decoration; the PDF has no text either way
            pass
        c.showPage()
    c.save()
    return buf.getvalue()


def _grey_image():
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image.new("L", (64, 64), 128)


def test_scanned_pdf_without_text_layer(tmp_path):
    assert_clear_error(write(tmp_path, "scan.pdf", _scanned_pdf()), "文字")


# --- not a plan ------------------------------------------------------------------------------

def test_news_article_has_no_plan_structure():
    assert_clear_error(BAD / "news_article.txt")


def test_plain_prose_in_docx_has_no_plan_structure(tmp_path):
    import docx

    d = docx.Document()
    for line in (BAD / "news_article.txt").read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(str(tmp_path / "news.docx"))
    assert_clear_error(tmp_path / "news.docx")


# --- honest plans with warnings ----------------------------------------------------------------

def test_broken_numbering_gives_a_plan_with_warnings_on_the_right_lines():
    path = BAD / "broken_numbering.txt"
    plan = outcome(path)
    assert isinstance(plan, Plan), str(plan)
    assert [t.number for t in plan.tasks()] == [1, 2, 3, 4, 6, 7, 7, 8]
    lines = path.read_text(encoding="utf-8").splitlines()
    skipped_line = lines.index("（6）到2025年，每千人口3岁以下婴幼儿托位数达到4.5个。（牵头部门：县卫生健康局）") + 1
    repeated_line = lines.index("（7）新建普惠性托育机构3所。（牵头部门：县卫生健康局）") + 1
    by_line = {}
    for w in plan.warnings:
        by_line.setdefault(w.line, []).append(w.message)
    assert any("5" in m and ("跳" in m or "缺" in m) for m in by_line.get(skipped_line, [])), plan.warnings
    assert any("7" in m and "重复" in m for m in by_line.get(repeated_line, [])), plan.warnings
    # nothing else is wrong with it, and nothing was dropped
    assert len(plan.warnings) == 2, plan.warnings
    assert_every_line_lands(lines, plan)


def test_unclosed_department_note_gives_a_plan_with_a_warning_on_its_line():
    path = BAD / "unclosed_note.txt"
    plan = outcome(path)
    assert isinstance(plan, Plan), str(plan)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, s in enumerate(lines, 1) if s.startswith("（2）"))
    assert [(w.line, "括号" in w.message) for w in plan.warnings] == [(line, True)], plan.warnings
    t = plan.task(2)
    assert t.lead_departments == ["县民政局", "县财政局"]
    assert t.text == "提高困境儿童保障水平，孤儿基本生活保障标准稳步提高。"
    # the unclosed note does not swallow the next task
    assert plan.task(3).lead_departments == ["县残联"]
    assert [t.number for t in plan.tasks()] == [1, 2, 3, 4]
    assert_every_line_lands(lines, plan)


# --- size, names, types, encodings -----------------------------------------------------------

def test_huge_text_file_is_refused_or_read_in_reasonable_time(tmp_path):
    """20 MB of text (an unstructured dump): a clear error — quickly — not a hang."""
    rnd = random.Random(3)
    words = ["儿童", "友好", "城市", "建设", "推进", "工作", "社区", "学校", "服务", "保障", "，", "。"]
    line = "".join(rnd.choice(words) for _ in range(60)) + "\n"
    p = tmp_path / "huge.txt"
    with p.open("w", encoding="utf-8") as f:
        size = 0
        while size < 20 * 1024 * 1024:
            f.write(line * 1000)
            size += len(line.encode("utf-8")) * 1000
    result = outcome(p)  # its time is measured in docs/benchmarks.md, not asserted here
    assert isinstance(result, PlanDocumentError)
    assert "huge.txt" in str(result)


def test_too_large_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "enormous.txt"
    with p.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: 60 MB of zero bytes
    err = assert_clear_error(p)
    assert "过大" in str(err)


def test_huge_plan_of_real_structure_parses(tmp_path):
    """A real plan's text repeated into a 2 MB file: the first copy is the plan, the rest
    (after its 抄送 line) is kept as text and reported, not silently taken or dropped."""
    text = REFERENCE.read_text(encoding="utf-8")
    p = write(tmp_path, "repeated.txt", text * 120)
    result = outcome(p)
    assert isinstance(result, Plan) and len(result.tasks()) == 42
    assert any("带编号的内容" in w.message for w in result.warnings)


HOSTILE_NAMES = [
    "../../etc/passwd; rm -rf ~ $(whoami) `id` 方案.txt",
    "方案\n第99行：伪造的消息.txt",
    "<script>alert(1)</script>&amp;.txt",
    "%s%s%n{0}{name}.txt",
    "a" * 200 + ".txt",
    " 带空格 的 方案 .txt",
    "-rf.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_file_names(tmp_path, name):
    safe = name.replace("/", "／")  # a file name cannot hold a slash; parse_bytes can
    p = tmp_path / safe
    p.write_bytes(b"")
    err = outcome(p)
    assert isinstance(err, PlanDocumentError) and safe in str(err)
    # the same name with a good document: read normally, nothing touched outside
    p.write_bytes(REFERENCE.read_bytes())
    plan = outcome(p)
    assert isinstance(plan, Plan) and len(plan.tasks()) == 42
    # a name given to parse_bytes is only a label: no file is opened or created
    before = set(os.listdir(tmp_path))
    plan = parse_bytes(REFERENCE.read_bytes(), name)
    assert len(plan.tasks()) == 42
    with pytest.raises(PlanDocumentError) as e:
        parse_bytes(b"", name)
    assert name in str(e.value)
    assert set(os.listdir(tmp_path)) == before


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return buf.getvalue()


@pytest.mark.parametrize("name,data", [
    ("plan.xlsx", _xlsx()),
    ("plan.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(400)),
    ("plan.zip", _xlsx()),
    ("plan.doc", "一、总体要求\n".encode("utf-8")),
    ("plan.xlsx", "一、总体要求\n（一）\n".encode("utf-8")),
])
def test_wrong_type_or_extension(tmp_path, name, data):
    assert_clear_error(write(tmp_path, name, data))


def test_docx_content_with_txt_extension_is_read_as_docx(tmp_path):
    """The type comes from the content, not the name."""
    p = write(tmp_path, "plan.txt", (GENERATED / "reference.docx").read_bytes())
    result = outcome(p)
    assert isinstance(result, Plan) and len(result.tasks()) == 42


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "gbk", "gb18030"])
def test_other_encodings_give_the_same_plan(tmp_path, encoding):
    text = REFERENCE.read_text(encoding="utf-8").replace("[bookmark: _GoBack]", "")
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    plan = outcome(write(tmp_path, "plan.txt", data))
    assert isinstance(plan, Plan), str(plan)
    assert len(plan.tasks()) == 42 and plan.doc_number == "桓政办字〔2022〕33号"
    assert plan.warnings == []


def test_utf16_without_bom_is_refused_clearly(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    assert_clear_error(write(tmp_path, "plan.txt", text.encode("utf-16-le")))


def test_mixed_encoding_file(tmp_path):
    """Half UTF-8, half GBK: either read (GB18030 decodes anything) or a clear error."""
    text = REFERENCE.read_text(encoding="utf-8").splitlines()
    data = "\n".join(text[:40]).encode("utf-8") + b"\n" + "\n".join(text[40:]).encode("gbk")
    result = outcome(write(tmp_path, "mixed.txt", data))
    assert isinstance(result, (Plan, PlanDocumentError))


def test_missing_file_and_directory(tmp_path):
    missing = tmp_path / "nope.docx"
    err = outcome(missing)
    assert isinstance(err, PlanDocumentError) and "nope.docx" in str(err)
    err = outcome(tmp_path)
    assert isinstance(err, PlanDocumentError)


@pytest.mark.parametrize("name,data,line", [
    ("plan.json", '{\n  "title": "x",\n  "domains": [\n}', 4),
    ("plan.yaml", "title: x\ndomains:\n  - number: [\n", None),
    ("plan.json", '{"title": "x", "domains": [{"number": "一", "title": "t"}]}', None),
])
def test_bad_structured_files(tmp_path, name, data, line):
    result = outcome(write(tmp_path, name, data))
    assert isinstance(result, PlanDocumentError)
    assert name in str(result)
    if line is not None:
        assert result.line == line
