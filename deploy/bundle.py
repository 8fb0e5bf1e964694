#!/usr/bin/env python3
"""Build the offline install bundle: everything an intranet machine without internet needs.

    .venv/bin/python deploy/bundle.py [--out dist/]        (or: make bundle)

writes dist/cfcity-<version>-<python>-<platform>.tar.gz holding

    wheels/               the cfcity wheel (code, migrations, templates, static, data) and a wheel
                          of every dependency, at the versions of the build's virtualenv
    static/               the collected static files, front-end packages (ECharts, Leaflet) included:
                          the installed wheel has no node_modules/, so these are what is served
    cfcity.env.example    the sample configuration: every CFCITY_* variable, commented
    install.sh            venv + `pip install --no-index` + static files, then the next steps
    deploy/               systemd units, nginx site, Dockerfile and compose file
    docs/deployment.md    the step-by-step guide
    BUILD-INFO, MANIFEST  what was built from what; sha256 of every file (sha256sum -c MANIFEST)

The network is used while building (pip fills wheels/ from its cache or index); never while
installing. The wheels fit this Python version and platform only: build on the same OS and
Python minor version as the target (docs/deployment.md).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import tomllib
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MANIFEST = "MANIFEST"
# copied into the bundle as they are (source → place in the bundle)
EXAMPLES = [
    ("deploy/systemd", "deploy/systemd"),
    ("deploy/nginx", "deploy/nginx"),
    ("deploy/docker", "deploy/docker"),
    ("deploy/cfcity.env.example", "cfcity.env.example"),
    ("docs/deployment.md", "docs/deployment.md"),
]
# what the wheel must carry besides modules: checked against the source tree after the build
IGNORED_IN_SOURCE = ("__pycache__", ".pyc", ".pyo", ".DS_Store")


class BundleError(Exception):
    """A step failed; the message says which and why."""


# --- pure parts (tests/test_bundle.py) -------------------------------------------------------

def platform_tag() -> str:
    """cp311-linux_x86_64: the Python and platform the wheels are for."""
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"cp{sys.version_info.major}{sys.version_info.minor}-{plat}"


def project_meta(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, list[str]]:
    """(version, dependencies) from pyproject.toml's [project]."""
    with open(pyproject, "rb") as f:
        project = tomllib.load(f)["project"]
    return project["version"], list(project["dependencies"])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def bundle_files(root: Path) -> list[Path]:
    """Every regular file under ``root`` but the manifest, in a stable order."""
    return sorted((p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
                   and p.relative_to(root).as_posix() != MANIFEST),
                  key=lambda p: p.relative_to(root).as_posix())


def write_manifest(root: Path, progress=None) -> Path:
    """``root/MANIFEST``: "<sha256>  <path>" per file, the format `sha256sum -c` reads."""
    lines = []
    for p in bundle_files(root):
        rel = p.relative_to(root).as_posix()
        if "\n" in rel or "\\" in rel:
            raise BundleError(f"file name not allowed in a manifest: {rel!r}")
        lines.append(f"{sha256_file(p)}  {rel}\n")
        if progress is not None:
            progress.update(p.stat().st_size)
    out = root / MANIFEST
    out.write_text("".join(lines), encoding="utf-8")
    return out


def check_manifest(root: Path) -> list[str]:
    """What differs between ``root`` and its MANIFEST (empty: everything matches)."""
    listed = {}
    for line in (root / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    problems = []
    present = {p.relative_to(root).as_posix(): p for p in bundle_files(root)}
    for rel, digest in listed.items():
        if rel not in present:
            problems.append(f"missing: {rel}")
        elif sha256_file(present[rel]) != digest:
            problems.append(f"changed: {rel}")
    problems += [f"not in manifest: {rel}" for rel in present if rel not in listed]
    return problems


def source_data_files(package: Path) -> list[str]:
    """Non-module files of the package (templates, static, data…), relative to its parent."""
    return sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*")
                  if p.is_file() and not p.name.endswith(IGNORED_IN_SOURCE)
                  and "__pycache__" not in p.parts)


def missing_from_wheel(wheel: Path, package: Path) -> list[str]:
    """Files of the source package (modules, migrations, templates, static, data) not in the wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    return [rel for rel in source_data_files(package) if rel not in names]


def constraints_from_freeze(freeze: str) -> str:
    """pip freeze output → a constraints file: the build venv's versions, not cfcity itself."""
    keep = []
    for line in freeze.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-e ", "--")) or " @ " in line:
            continue
        if line.split("==")[0].strip().lower() == "cfcity":
            continue
        keep.append(line)
    return "\n".join(keep) + "\n"


# --- the build -----------------------------------------------------------------------------

def offline_env(extra: dict | None = None) -> dict:
    """The environment of a pip that must not look anywhere but --find-links."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_INDEX_URL="http://127.0.0.1:9/unreachable/")
    env.update(extra or {})
    return env


def clean_env(**cfcity) -> dict:
    """This environment without any CFCITY_* (a developer's settings must not leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    env.update({f"CFCITY_{k}": str(v) for k, v in cfcity.items()})
    return env


def run(cmd: list[str], log: Path, **kw) -> None:
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n")
        out.flush()
        r = subprocess.run([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, **kw)
    if r.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise BundleError(f"{' '.join(map(str, cmd[:4]))} … failed (exit {r.returncode}); "
                          f"last lines of {log}:\n" + "\n".join(tail))


def build_cfcity_wheel(wheels: Path, work: Path, log: Path) -> Path:
    """The cfcity wheel, built from a copy of the source (nothing written into the checkout)."""
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "cfcity", src / "cfcity",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels, "--progress-bar", "off"]
    try:  # the venv's setuptools builds it without fetching a fresh one (faster, and offline)
        import setuptools
        import wheel  # noqa: F401  (setuptools < 70.1 needs it for bdist_wheel)
        if int(setuptools.__version__.split(".")[0]) >= 64:
            cmd.append("--no-build-isolation")
    except ImportError:
        pass
    run(cmd + [src], log)
    found = sorted(wheels.glob("cfcity-*.whl"))
    if len(found) != 1:
        raise BundleError(f"expected one cfcity wheel in {wheels}, found {[p.name for p in found]}")
    missing = missing_from_wheel(found[0], src / "cfcity")
    if missing:
        raise BundleError("the cfcity wheel lacks files of the package (add their patterns to "
                          "[tool.setuptools.package-data] in pyproject.toml):\n  " + "\n  ".join(missing[:30]))
    return found[0]


def build_dependency_wheels(deps: list[str], wheels: Path, work: Path, log: Path) -> None:
    """A wheel of every dependency (and theirs), pinned to the build venv's versions."""
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    constraints = work / "constraints.txt"
    constraints.write_text(constraints_from_freeze(freeze), encoding="utf-8")
    requirements = work / "requirements.txt"
    requirements.write_text("\n".join(deps) + "\n", encoding="utf-8")
    # pip's cache and its configured index/find-links are used (network allowed at build time)
    run([sys.executable, "-m", "pip", "wheel", "--wheel-dir", wheels, "--progress-bar", "off",
         "--constraint", constraints, "--requirement", requirements], log)


def check_offline_install(wheels: Path, log: Path) -> None:
    """pip can resolve `cfcity` from wheels/ alone, with every index switched off."""
    run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-index",
         "--find-links", wheels, "cfcity"], log, env=offline_env())


def collect_static(static: Path, work: Path, log: Path) -> None:
    """`cfcity collectstatic` from this checkout (node_modules/ present) into the bundle."""
    run([sys.executable, "-m", "cfcity", "collectstatic", "--noinput", "--verbosity", "1"], log, cwd=ROOT,
        env=clean_env(DATA_DIR=work / "data", STATIC_ROOT=static))
    for needed in ("vendor/echarts/echarts.min.js", "vendor/leaflet/leaflet.js", "cfcity"):
        if not (static / needed).exists():
            raise BundleError(f"collectstatic did not produce static/{needed} (is node_modules/ installed? "
                              "run `make venv`)")


def copy_examples(stage: Path) -> None:
    for src, dest in EXAMPLES:
        s, d = ROOT / src, stage / dest
        if not s.exists():
            raise BundleError(f"{src} is missing")
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*~"))
        else:
            shutil.copy2(s, d)


def write_install_sh(stage: Path, name: str, tag: str) -> None:
    py_tag = tag.split("-", 1)[0]
    text = INSTALL_SH.replace("@NAME@", name).replace("@PYTAG@", py_tag)
    path = stage / "install.sh"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def write_build_info(stage: Path, version: str, tag: str, wheels: Path) -> None:
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    lines = [f"cfcity {version}",
             f"built: {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC on {platform.node()}",
             f"python: {platform.python_version()} ({tag}); {platform.platform()}",
             f"commit: {commit.stdout.strip() or 'unknown'}{' (with local changes)' if dirty.stdout.strip() else ''}",
             "wheels:"]
    lines += [f"  {p.name}" for p in sorted(wheels.glob("*.whl"))]
    (stage / "BUILD-INFO").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_tarball(stage: Path, out: Path, progress=None) -> None:
    """A gzip tar with one top directory; files owned by root, modes kept (install.sh executable)."""
    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    tmp = out.with_name(out.name + ".part")
    # wheels are zip files already: a light level is as small within a few per cent, and much faster
    with tarfile.open(tmp, "w:gz", compresslevel=3) as tar:
        tar.add(stage, arcname=stage.name, recursive=False, filter=owner)
        for p in sorted(stage.rglob("*"), key=lambda p: p.relative_to(stage).as_posix()):
            tar.add(p, arcname=f"{stage.name}/{p.relative_to(stage).as_posix()}", recursive=False, filter=owner)
            if progress is not None and p.is_file():
                progress.update(p.stat().st_size)
    tmp.replace(out)


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in bundle_files(root))


def build(out_dir: Path, keep: bool = False) -> Path:
    from tqdm import tqdm

    version, deps = project_meta()
    tag = platform_tag()
    name = f"cfcity-{version}-{tag}"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cfcity-bundle-"))
    log = work / "build.log"
    stage = work / name
    wheels, static = stage / "wheels", stage / "static"
    wheels.mkdir(parents=True)
    steps = [
        ("cfcity wheel", lambda: build_cfcity_wheel(wheels, work, log)),
        (f"{len(deps)} dependencies' wheels", lambda: build_dependency_wheels(deps, wheels, work, log)),
        ("offline install check", lambda: check_offline_install(wheels, log)),
        ("static files", lambda: collect_static(static, work, log)),
        ("examples and install.sh", lambda: (copy_examples(stage), write_install_sh(stage, name, tag),
                                             write_build_info(stage, version, tag, wheels))),
    ]
    started = time.monotonic()
    try:
        # bars on a terminal only; the step lines (tqdm.write) always
        with tqdm(total=len(steps) + 2, desc=name, unit="step", file=sys.stderr, disable=None) as bar:
            for what, step in steps:
                bar.set_postfix_str(what)
                t = time.monotonic()
                step()
                tqdm.write(f"  {what}: {time.monotonic() - t:.1f} s", file=sys.stderr)
                bar.update()
            size = tree_size(stage)
            bar.set_postfix_str("MANIFEST")
            with tqdm(total=size, desc="sha256", unit="B", unit_scale=True, leave=False, file=sys.stderr,
                      disable=None) as b:
                write_manifest(stage, b)
            bar.update()
            bar.set_postfix_str("archive")
            target = out_dir / f"{name}.tar.gz"
            with tqdm(total=size, desc="tar.gz", unit="B", unit_scale=True, leave=False, file=sys.stderr,
                      disable=None) as b:
                make_tarball(stage, target, b)
            bar.update()
    except BundleError:
        sys.stderr.write(f"(build log and staging directory kept in {work})\n")
        raise
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    n_wheels = len(list(wheels.glob("*.whl"))) if keep else None
    print(f"{target}  ({target.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.0f} s"
          f"{f', {n_wheels} wheels' if n_wheels else ''})")
    print(f"sha256: {sha256_file(target)}")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline install bundle (docs/deployment.md).")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="directory the .tar.gz is written to (dist/)")
    parser.add_argument("--keep", action="store_true", help="keep the staging directory and the build log")
    args = parser.parse_args(argv)
    try:
        build(Path(args.out).resolve(), keep=args.keep)
    except BundleError as e:
        sys.stderr.write(f"bundle: {e}\n")
        return 1
    return 0


INSTALL_SH = r"""#!/bin/sh
# Install cfcity (@NAME@) from this bundle, without any network access.
#
#   sudo ./install.sh [--prefix /opt/cfcity] [--python python3] [--no-switch]
#
# Makes PREFIX/releases/@NAME@/ (a virtualenv in venv/, the static files in static/),
# points PREFIX/current at it (unless --no-switch), and writes PREFIX/bin/cfcity, which runs
# the `cfcity` command with the settings of /etc/cfcity/cfcity.env (CFCITY_ENV_FILE).
# Nothing is started and no database is touched: docs/deployment.md says what comes next.
set -eu

NAME=@NAME@
PYTAG=@PYTAG@
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=/opt/cfcity
PYTHON=python3
SWITCH=1

say() { printf '%s\n' "$*"; }
die() { printf '安装失败：%s\nInstall failed: %s\n' "$1" "$2" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=$2; shift 2 ;;
        --prefix=*) PREFIX=${1#*=}; shift ;;
        --python) PYTHON=$2; shift 2 ;;
        --python=*) PYTHON=${1#*=}; shift ;;
        --no-switch) SWITCH=0; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) die "未知参数 $1" "unknown argument $1" ;;
    esac
done

cd "$HERE"
if command -v sha256sum >/dev/null 2>&1; then
    sha256sum --check --quiet --strict MANIFEST || die "安装包文件损坏或被改动（sha256 与 MANIFEST 不符）" \
        "the bundle's files do not match MANIFEST (damaged or altered)"
fi

command -v "$PYTHON" >/dev/null 2>&1 || die "找不到 $PYTHON（需要 Python 3.11）" "$PYTHON not found (Python 3.11 needed)"
have=$("$PYTHON" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
[ "$have" = "$PYTAG" ] || die "本安装包适用于 $PYTAG，而 $PYTHON 是 $have：请用相同版本的 Python 构建安装包" \
    "this bundle is for $PYTAG but $PYTHON is $have: build the bundle with the target's Python version"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "缺少 venv 模块：请安装 python3-venv（apt-get install python3-venv）" \
    "the venv module is missing: install python3-venv"

RELEASE="$PREFIX/releases/$NAME"
if [ -e "$RELEASE" ]; then
    die "$RELEASE 已存在（同一版本已安装；如需重装请先删除该目录）" "$RELEASE exists (this version is installed; remove it to reinstall)"
fi
mkdir -p "$PREFIX/releases" "$PREFIX/bin"
trap 'rm -rf "$RELEASE"' EXIT  # a half-made release is removed
say "== 创建虚拟环境 / virtualenv: $RELEASE/venv"
"$PYTHON" -m venv "$RELEASE/venv"
say "== 安装 cfcity 及其依赖（离线）/ installing cfcity and its dependencies (offline)"
# only the wheels shipped here: no index, no configured find-links or mirrors
PIP_CONFIG_FILE=/dev/null "$RELEASE/venv/bin/python" -m pip install --quiet --no-index \
    --disable-pip-version-check --no-cache-dir --find-links "$HERE/wheels" cfcity
say "== 复制静态文件 / static files: $RELEASE/static"
cp -R "$HERE/static" "$RELEASE/static"
mkdir -p "$RELEASE/share"
cp -R "$HERE/deploy" "$HERE/docs" "$HERE/cfcity.env.example" "$HERE/BUILD-INFO" "$RELEASE/share/"
trap - EXIT

cat > "$PREFIX/bin/cfcity" <<EOF
#!/bin/sh
# The cfcity command of the current release, with the settings of \${CFCITY_ENV_FILE:-/etc/cfcity/cfcity.env}.
# Lines are NAME=value (the systemd EnvironmentFile format, no quotes); comments start with #.
ENV_FILE=\${CFCITY_ENV_FILE:-/etc/cfcity/cfcity.env}
if [ -r "\$ENV_FILE" ]; then
    while IFS= read -r line || [ -n "\$line" ]; do
        case "\$line" in
            [A-Za-z_]*=*) export "\$line" ;;
        esac
    done < "\$ENV_FILE"
elif [ -e "\$ENV_FILE" ]; then
    echo "无法读取配置文件 \$ENV_FILE（权限不足？请用 sudo -u cfcity 运行）" >&2; exit 1
fi
# CFCITY_RELEASE: another installed release (e.g. to see its migrations before switching)
exec "\${CFCITY_RELEASE:-$PREFIX/current}/venv/bin/cfcity" "\$@"
EOF
chmod 0755 "$PREFIX/bin/cfcity"

if [ "$SWITCH" = 1 ]; then
    previous=$(readlink "$PREFIX/current" 2>/dev/null || true)
    ln -sfn "releases/$NAME" "$PREFIX/current.new" && mv -T "$PREFIX/current.new" "$PREFIX/current"
    say "== 当前版本 / current release: $PREFIX/current -> releases/$NAME${previous:+ （原为 / was $previous）}"
fi

cat <<EOF

安装完成 / Installed: $RELEASE
下一步（详见 docs/deployment.md）/ Next steps (docs/deployment.md):
  1. 配置 / configure:   install -m 0640 -o root -g cfcity cfcity.env.example /etc/cfcity/cfcity.env
                         然后编辑其中每一项 / then edit every value in it
  2. 数据库 / database:  sudo -u cfcity $PREFIX/bin/cfcity migrate
  3. 检查 / check:       sudo -u cfcity $PREFIX/bin/cfcity check
  4. 服务 / services:    cp deploy/systemd/*.service /etc/systemd/system/ && systemctl daemon-reload
                         systemctl enable --now cfcity-web@8001 cfcity-web@8002 cfcity-worker cfcity-beat
                         （升级时 / on upgrade: systemctl restart 'cfcity-web@*' cfcity-worker cfcity-beat）
  5. nginx:              cp deploy/nginx/cfcity.conf /etc/nginx/sites-available/ （静态文件 / static: $PREFIX/current/static）
EOF
"""

if __name__ == "__main__":
    sys.exit(main())
