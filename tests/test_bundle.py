"""The quick, pure parts of the offline bundle (deploy/bundle.py) and the deployment examples.

The full build and offline install is deploy/check-bundle.sh (CI runs it once)."""
import configparser
import importlib.util
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "cfcity.env.example"

_spec = importlib.util.spec_from_file_location("cfcity_bundle", DEPLOY / "bundle.py")
bundle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle)

# what the production contract requires, set (uncommented) in the sample
REQUIRED = {"PRODUCTION", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "BROKER_URL", "ALLOWED_HOSTS",
            "ENCRYPTION_KEYS"}
READ = re.compile(r'\b(?:envstr|envbool|envint|envlist|_positive)\(\s*"([A-Z0-9_]+)"'
                  r'|os\.environ\.get\(\s*"CFCITY_([A-Z0-9_]+)"')
ASSIGNMENT = re.compile(r"^(#\s*)?CFCITY_([A-Z0-9_]+)=(.*)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def variables_read_by_code() -> set[str]:
    found = set()
    for path in (ROOT / "cfcity").rglob("*.py"):
        for m in READ.finditer(path.read_text(encoding="utf-8")):
            found.add(m.group(1) or m.group(2))
    return found


def example_lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def example_variables() -> dict[str, bool]:
    """NAME (without CFCITY_ and _FILE) → set uncommented."""
    out: dict[str, bool] = {}
    for line in example_lines():
        m = ASSIGNMENT.match(line)
        if m:
            name = m.group(2).removesuffix("_FILE")
            out[name] = out.get(name, False) or not m.group(1)
    return out


# --- the sample configuration ---------------------------------------------------------------

def test_the_sample_names_every_variable_the_code_reads():
    read = variables_read_by_code()
    assert {"DATABASE_URL", "SECRET_KEY", "WELFARE_SUPPRESS_BELOW"} <= read  # the scan works
    missing = sorted(read - set(example_variables()))
    assert not missing, f"add to deploy/cfcity.env.example (with a Chinese and an English comment): {missing}"


def test_the_sample_sets_what_production_requires():
    example = example_variables()
    assert {name for name in REQUIRED if not example.get(name)} == set()


def test_the_sample_reads_the_same_in_systemd_compose_and_the_wrapper():
    """NAME=value lines only: no quotes (systemd and compose strip them, sh would not), no export."""
    for n, line in enumerate(example_lines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        assert re.match(r"^[A-Z][A-Z0-9_]*=[^\"'\s]*$", line), f"line {n}: {line!r}"


def test_every_variable_in_the_sample_has_a_chinese_and_an_english_comment():
    lines = example_lines()
    for i, line in enumerate(lines):
        if not ASSIGNMENT.match(line):
            continue
        j = i - 1
        while j >= 0 and ASSIGNMENT.match(lines[j]):  # a group of variables under one comment
            j -= 1
        comment = []
        while j >= 0 and lines[j].startswith("#") and not ASSIGNMENT.match(lines[j]):
            comment.append(lines[j])
            j -= 1
        text = " ".join(comment)
        assert CJK.search(text) and re.search(r"[A-Za-z]{3,}", text), f"no bilingual comment above {line!r}"


# --- the manifest and the build's pure helpers -----------------------------------------------

def test_manifest_lists_every_file_and_sha256sum_accepts_it(tmp_path):
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"wheel")
    (tmp_path / "static" / "vendor").mkdir(parents=True)
    (tmp_path / "static" / "vendor" / "x y.js").write_text("1;", encoding="utf-8")
    (tmp_path / "install.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    manifest = bundle.write_manifest(tmp_path)
    lines = manifest.read_text(encoding="utf-8").splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == ["install.sh", "static/vendor/x y.js",
                                                          "wheels/a-1.0-py3-none-any.whl"]
    assert bundle.check_manifest(tmp_path) == []
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--quiet", "--strict", "MANIFEST"], cwd=tmp_path, check=True)
    (tmp_path / "install.sh").write_text("#!/bin/sh\nrm -rf /\n", encoding="utf-8")
    (tmp_path / "extra.txt").write_text("?", encoding="utf-8")
    (tmp_path / "wheels" / "a-1.0-py3-none-any.whl").unlink()
    assert sorted(bundle.check_manifest(tmp_path)) == [
        "changed: install.sh", "missing: wheels/a-1.0-py3-none-any.whl", "not in manifest: extra.txt"]


def test_a_file_of_the_package_missing_from_the_wheel_is_named(tmp_path):
    pkg = tmp_path / "cfcity"
    (pkg / "plans" / "migrations").mkdir(parents=True)
    (pkg / "templates").mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "plans" / "migrations" / "0001_initial.py").write_text("", encoding="utf-8")
    (pkg / "templates" / "base.html").write_text("", encoding="utf-8")
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    wheel = tmp_path / "cfcity-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("cfcity/__init__.py", "")
        z.writestr("cfcity/plans/migrations/0001_initial.py", "")
    assert bundle.missing_from_wheel(wheel, pkg) == ["cfcity/templates/base.html"]


def test_package_data_covers_templates_static_and_data():
    import tomllib
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["cfcity"]
    kinds = {p.split("/")[0] for p in patterns}
    non_python = {Path(p).parts[1] for p in bundle.source_data_files(ROOT / "cfcity") if not p.endswith(".py")}
    assert non_python <= kinds, f"package-data lacks {non_python - kinds}"


def test_constraints_keep_pinned_versions_but_not_cfcity_or_editables():
    freeze = ("Django==5.2.19\n-e /work/main\n# Editable install with no version control (cfcity==0.1.0)\n"
              "cfcity==0.1.0\nfoo @ file:///tmp/foo.whl\ntqdm==4.70.1\n")
    assert bundle.constraints_from_freeze(freeze) == "Django==5.2.19\ntqdm==4.70.1\n"


def test_bundle_name_parts():
    version, deps = bundle.project_meta()
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", version)
    assert any(d.startswith("Django==") for d in deps)
    assert re.fullmatch(r"cp3\d+-[a-z0-9_]+", bundle.platform_tag())


def test_the_offline_environment_has_no_index_and_no_config():
    env = bundle.offline_env()
    assert env["PIP_NO_INDEX"] == "1" and env["PIP_CONFIG_FILE"] == "/dev/null"
    assert not {k for k in env if k.startswith("PIP_")} - {
        "PIP_NO_INDEX", "PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_DISABLE_PIP_VERSION_CHECK"}


def test_install_script_is_valid_sh(tmp_path):
    script = tmp_path / "install.sh"
    script.write_text(bundle.INSTALL_SH.replace("@NAME@", "cfcity-0-cp311-x").replace("@PYTAG@", "cp311"),
                      encoding="utf-8")
    subprocess.run(["sh", "-n", str(script)], check=True)


# --- the examples: nginx, systemd, compose ------------------------------------------------------

NGINX = [DEPLOY / "nginx" / "cfcity.conf", DEPLOY / "docker" / "nginx.conf"]


def megabytes(value: str) -> int:
    n, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(n) * {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / 1024 / 1024}[unit]


@pytest.mark.parametrize("conf", NGINX, ids=lambda p: p.parent.name)
def test_nginx_site(conf):
    from cfcity.campaigns.files import DEFAULT_MAX
    from cfcity.lifecircle import network
    from cfcity.plans.importer import reader
    from cfcity.reporting import workflow

    text = conf.read_text(encoding="utf-8")
    largest = max(*DEFAULT_MAX.values(), network.MAX_BYTES, reader.MAX_BYTES, workflow.MAX_EVIDENCE_BYTES)
    limit = re.search(r"client_max_body_size\s+(\w+);", text).group(1)
    assert megabytes(limit) * 1024 * 1024 > largest
    assert "proxy_set_header X-Request-ID $request_id;" in text
    assert re.search(r"location = /metrics\s*{\s*return 404;", text)
    assert re.search(r"location = /readyz\s*{\s*return 404;", text)
    directives = "\n".join(line.split("#")[0] for line in text.splitlines())
    assert "ip_hash" not in directives and "sticky" not in directives and "hash " not in directives
    assert len(re.findall(r"^\s*server\s+\S+:\d+", text, re.M)) == 2  # two web instances upstream


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_systemd_units_run_the_contract_commands():
    web = unit("cfcity-web@.service")["Service"]
    assert "gunicorn cfcity.wsgi:application -c python:cfcity.gunicorn_conf --bind 127.0.0.1:%i" in web["ExecStart"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/cfcity-web-%i" in web["Environment"]
    assert unit("cfcity-worker.service")["Service"]["ExecStart"].split()[1:4] == ["-A", "cfcity", "worker"]
    beat = unit("cfcity-beat.service")["Service"]["ExecStart"]
    assert "beat" in beat and "--schedule ${CFCITY_DATA_DIR}/celerybeat-schedule" in beat
    for name in ("cfcity-web@.service", "cfcity-worker.service", "cfcity-beat.service"):
        service = unit(name)["Service"]
        assert service["EnvironmentFile"] == "/etc/cfcity/cfcity.env" and service["User"] == "cfcity"


def test_compose_file():
    compose = yaml.safe_load((DEPLOY / "docker" / "compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "web1", "web2", "worker", "beat", "nginx"} <= set(services)
    assert services["web1"]["command"] == services["web2"]["command"]
    assert "ports" in services["nginx"] and not any("ports" in s for n, s in services.items() if n != "nginx")
    for name in ("web1", "web2", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["CFCITY_PRODUCTION"] == "true" and env["CFCITY_BROKER_URL"].startswith("redis://redis:")
        assert set(services[name]["secrets"]) <= set(compose["secrets"])
