"""cfcity plan parse|import|export|list through call_command, and once as a real process."""
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from cfcity.plans import importer, models, services
from cfcity.plans.importer import to_dict, to_json, to_yaml

ROOT = Path(__file__).resolve().parent.parent


def run(*args) -> str:
    out = StringIO()
    call_command("plan", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_parse_json_touches_no_database(reference_path):
    # no django_db mark: any database access would fail this test
    data = json.loads(run("parse", str(reference_path), "--json"))
    assert data["doc_number"] == "桓政办字〔2022〕33号"
    assert len(data["domains"]) == 5
    assert sum(len(a["tasks"]) for d in data["domains"] for a in d["actions"]) == 42


def test_parse_summary_in_chinese(reference_path):
    out = run("parse", str(reference_path))
    assert "领域 5 个，行动 13 项，任务 42 项" in out
    assert "牵头部门 29 个" in out


def test_parse_summary_lists_warnings_with_lines(tmp_path, full_plan):
    f = tmp_path / "plan.json"
    f.write_text(to_json(full_plan), encoding="utf-8")
    out = run("parse", str(f))
    assert "提示 2 条" in out and "第57行：任务（3）的牵头单位未写明" in out


@pytest.mark.django_db
@pytest.mark.parametrize("fmt, suffix", [("yaml", ".yaml"), ("json", ".json")])
def test_import_export_round_trip(tmp_path, full_plan, fmt, suffix):
    src = tmp_path / "plan.json"
    src.write_text(to_json(full_plan), encoding="utf-8")
    out = run("import", str(src))
    assert "已导入方案（编号" in out
    plan = models.Plan.objects.get()

    exported = tmp_path / f"export{suffix}"
    run("export", str(plan.pk), "--format", fmt, "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    assert data == to_dict(full_plan)

    run("import", str(exported), "--replace")
    assert to_dict(services.plan_to_importer(models.Plan.objects.get())) == to_dict(full_plan)


@pytest.mark.django_db
def test_export_to_stdout_by_doc_number(tmp_path, full_plan):
    services.store_plan(full_plan)
    assert run("export", full_plan.doc_number, "--format", "yaml") == to_yaml(full_plan)
    assert json.loads(run("export", full_plan.doc_number, "--format", "json")) == to_dict(full_plan)


@pytest.mark.django_db
def test_reference_document_round_trip(tmp_path, reference_path):
    run("import", str(reference_path))
    exported = tmp_path / "huantai.yaml"
    run("export", "桓政办字〔2022〕33号", "--format", "yaml", "-o", str(exported))
    assert to_dict(importer.parse_file(exported)) == to_dict(importer.parse_file(reference_path))


@pytest.mark.django_db
def test_second_import_needs_replace(tmp_path, full_plan):
    src = tmp_path / "plan.yaml"
    src.write_text(to_yaml(full_plan), encoding="utf-8")
    run("import", str(src))
    with pytest.raises(CommandError, match="--replace") as e:
        run("import", str(src))
    assert e.value.returncode == 2
    run("import", str(src), "--replace")
    assert models.Plan.objects.count() == 1


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="文件不存在") as e:
        run("import", str(tmp_path / "nope.docx"))
    assert e.value.returncode != 0
    assert models.Plan.objects.count() == 0


@pytest.mark.django_db
def test_json_with_a_wrong_field_type_names_the_field(tmp_path, full_plan):
    data = to_dict(full_plan)
    data["domains"][1]["actions"][0]["tasks"][0]["number"] = "第二"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"domains\[1\]\.actions\[0\]\.tasks\[0\]\.number.*整数"):
        run("import", str(f))
    assert models.Plan.objects.count() == 0


@pytest.mark.django_db
def test_broken_json(tmp_path):
    f = tmp_path / "broken.json"
    f.write_text('{"title": "x",', encoding="utf-8")
    with pytest.raises(CommandError, match="JSON 格式错误"):
        run("import", str(f))


@pytest.mark.django_db
def test_export_unknown_plan():
    with pytest.raises(CommandError, match="没有找到方案"):
        run("export", "42", "--format", "json")


@pytest.mark.django_db
def test_list(full_plan):
    assert "还没有导入方案" in run("list")
    plan = services.store_plan(full_plan)
    out = run("list")
    assert f"{plan.pk}\t示政办发〔2023〕7号\t{full_plan.title}\t3" in out


def test_command_line_error_has_no_traceback(tmp_path):
    env = dict(os.environ, CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    env.pop("CFCITY_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "cfcity", "plan", "parse", str(tmp_path / "nope.txt")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "文件不存在" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "var").exists()  # parse creates no files


def test_parse_from_command_line_creates_no_files(tmp_path, reference_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CFCITY_DATA_DIR", None)
    env.pop("CFCITY_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "cfcity", "plan", "parse", str(reference_path), "--json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"]
    assert list(tmp_path.iterdir()) == []


BAD_DOCUMENTS = {
    "empty.txt": (b"", "文件是空的"),
    "binary.txt": (bytes(range(256)) * 40, "二进制"),
    "old-word.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".docx"),
    "not-a-pdf.pdf": (b"hello", "不是 PDF"),
    "news.txt": ("今天天气很好。\n市民纷纷外出。".encode("gb18030"), "编号结构"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_documents_from_the_command_line(tmp_path, name):
    raw, phrase = BAD_DOCUMENTS[name]
    doc = tmp_path / name
    doc.write_bytes(raw)
    env = dict(os.environ, CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    env.pop("CFCITY_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "cfcity", "plan", "parse", str(doc)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stdout
    assert name in proc.stderr and phrase in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_documents_are_not_imported(tmp_path, name):
    raw, phrase = BAD_DOCUMENTS[name]
    doc = tmp_path / name
    doc.write_bytes(raw)
    with pytest.raises(CommandError) as e:
        run("import", str(doc))
    assert phrase in str(e.value) and e.value.returncode == 2
    assert models.Plan.objects.count() == 0 and models.Task.objects.count() == 0


@pytest.mark.django_db
def test_plan_with_warnings_is_imported_and_says_so(tmp_path):
    doc = ROOT / "tests" / "fixtures" / "bad" / "broken_numbering.txt"
    out = run("import", str(doc))
    plan = models.Plan.objects.get()
    assert plan.warnings and any("重复" in w["message"] for w in plan.warnings)
    assert "重复" in out  # the warnings are shown to whoever imported it
