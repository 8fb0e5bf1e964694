"""A Word document as PDF, through LibreOffice:
``soffice --headless --convert-to pdf --outdir DIR FILE``.

Each conversion gets its own temporary LibreOffice profile (``-env:UserInstallation``), so
conversions running at once (two coordinators, two test workers) never wait on or break each
other's profile lock; it runs in its own process group and is killed whole after ``timeout``
seconds. Without LibreOffice, a ``ReportError`` says how to install it.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from .common import ReportError

COMMANDS = ("soffice", "libreoffice")
DEBIAN_PACKAGE = "libreoffice-writer-nogui"
TIMEOUT = 180  # seconds; a first start with a fresh profile takes a few


def find_soffice() -> str:
    configured = getattr(settings, "SOFFICE", None)
    if configured:
        return configured
    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError(
        "生成 PDF 需要 LibreOffice，本机没有安装（找不到 soffice 命令）。"
        f"请由系统管理员安装：sudo apt-get install -y --no-install-recommends {DEBIAN_PACKAGE}"
        "（或在项目目录下以 root 运行 make libreoffice）；也可以先生成 Word 版本。")


def docx_to_pdf(docx: bytes, *, timeout: int | None = None) -> bytes:
    soffice = find_soffice()
    timeout = timeout or getattr(settings, "SOFFICE_TIMEOUT", TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="cfcity-pdf-") as tmp:
        tmp = Path(tmp)
        source = tmp / "report.docx"
        source.write_bytes(docx)
        out = tmp / "out"
        out.mkdir()
        profile = tmp / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(tmp)}  # nothing written to the service user's home
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp,
                                    start_new_session=True)
        except OSError as e:
            raise ReportError(f"无法启动 LibreOffice（{soffice}）：{e.strerror or e}") from e
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ReportError(f"LibreOffice 转换 PDF 超过 {timeout} 秒仍未完成，已停止。请稍后重试，或先下载 Word 版本。")
        result = out / "report.pdf"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = (stderr or stdout or b"").decode("utf-8", "replace").strip().splitlines()
            raise ReportError("LibreOffice 未能把报告转换为 PDF"
                              + (f"（{detail[-1][:200]}）" if detail else f"（退出码 {proc.returncode}）"))
        return result.read_bytes()


def _kill(proc: subprocess.Popen):
    """soffice starts helpers (oosplash, soffice.bin): stop the whole process group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
