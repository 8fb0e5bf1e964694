"""`cfcity serve` as a real process: fresh data dir → migrated, plan loaded, admin printed
once, pages and static files served by gunicorn."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADMIN_LINE = re.compile(r"管理员账号：admin\s+初始密码：(\S+)（只显示这一次，请登录后修改）")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc, log: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"cfcity serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"cfcity serve did not answer within {timeout}s:\n{log.read_text()}")


class Server:
    def __init__(self, data_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = dict(os.environ, CFCITY_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
                   PYTHONUNBUFFERED="1")
        env.pop("CFCITY_DATABASE_URL", None)  # always the embedded database here
        self.out = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cfcity", "serve", "--port", str(self.port), "--workers", "1"],
            stdout=self.out, stderr=subprocess.STDOUT, env=env, cwd=data_dir.parent,
            start_new_session=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.out.close()


@pytest.fixture
def start(tmp_path):
    servers = []

    def _start(name):
        s = Server(tmp_path / "var", tmp_path / f"{name}.log")
        servers.append(s)
        return s

    yield _start
    for s in servers:
        s.stop()


def test_serve_first_and_second_start(start, tmp_path):
    first = start("first")
    html = wait_for(first.url + "/", first.proc, first.log)
    assert "桓台县“十四五”时期加快推进儿童友好城市建设行动方案" in html
    assert "每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）" in html
    css = wait_for(first.url + "/static/cfcity/site.css", first.proc, first.log)
    assert "--red" in css
    # a calendar feed's address carries its secret: gunicorn's access log must not keep it
    token = "Feedtoken-must-not-be-logged-0123"
    try:
        urllib.request.urlopen(f"{first.url}/agenda/{token}.ics", timeout=5)
    except urllib.error.HTTPError as e:
        assert e.code == 404
    first.stop()
    log = first.log.read_text()
    assert "/agenda/" in log and token not in log
    match = ADMIN_LINE.search(log)
    assert match, log
    assert len(match.group(1)) >= 12
    assert "gunicorn" in log.lower()  # served by gunicorn, not the development server
    data = tmp_path / "var"
    assert (data / "cfcity.sqlite3").exists()
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"

    second = start("second")
    html = wait_for(second.url + "/", second.proc, second.log)
    assert html.count('class="task"') == 42  # the plan was not imported twice
    second.stop()
    log = second.log.read_text()
    assert "管理员账号" not in log and match.group(1) not in log
    assert "已导入默认方案" not in log
