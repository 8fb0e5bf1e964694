"""Child processes of one cluster run: each in its own session (so its own process group),
registered, and ended together — on a normal exit, an exception or SIGINT/SIGTERM.

``leftovers`` is the proof that nothing outlived the run: every process on the machine
whose environment carries the run's marker, whose command line names the run directory, or
whose session is one this run created."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "CFCITY_CLUSTER_RUN"  # environment variable every child carries (value: the run id)


@dataclass
class Child:
    name: str
    argv: list[str]
    popen: subprocess.Popen
    log: Path
    started: float = field(default_factory=time.time)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None


class Processes:
    def __init__(self, run_id: str, run_dir: Path, logs: Path):
        self.run_id, self.run_dir, self.logs = run_id, run_dir, logs
        self.children: dict[str, Child] = {}
        self.sessions: set[int] = set()  # session ids (= pgids) of every child ever started

    def start(self, name: str, argv: list[str], env: dict[str, str], *, cwd: Path | None = None) -> Child:
        if name in self.children and self.children[name].alive():
            raise RuntimeError(f"{name} is already running")
        log = self.logs / f"{name}.log"
        env = {**env, MARKER: self.run_id}
        with open(log, "ab") as out:
            out.write(f"\n=== {time.strftime('%H:%M:%S')} start: {' '.join(argv)}\n".encode())
            out.flush()
            popen = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.sessions.add(popen.pid)
        child = Child(name, argv, popen, log)
        self.children[name] = child
        return child

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the child's whole process group (gunicorn's workers, celery's pool too)."""
        child = self.children[name]
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            child.popen.wait()
            _wait_group_gone(child.pid, 5)

    def stop(self, name: str, grace: float = 10) -> None:
        child = self.children.get(name)
        if child is None:
            return
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            child.popen.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        if not _wait_group_gone(child.pid, 2):
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if child.popen.poll() is None:
            child.popen.wait(5)

    def stop_all(self, grace: float = 10) -> None:
        """SIGTERM every group, wait up to ``grace`` seconds, then SIGKILL what is left."""
        for child in self.children.values():
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + grace
        for child in self.children.values():
            try:
                child.popen.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
        for sid in self.sessions:
            if not _wait_group_gone(sid, max(0.1, deadline - time.time())):
                try:
                    os.killpg(sid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for child in self.children.values():
            if child.popen.poll() is None:
                try:
                    child.popen.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        for sid in self.sessions:
            _wait_group_gone(sid, 5)

    def leftovers(self) -> list[str]:
        """Processes of this run still on the machine (each as "pid cmdline")."""
        found = []
        me = os.getpid()
        needle_env = f"{MARKER}={self.run_id}".encode()
        needle_dir = str(self.run_dir).encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            pid = int(entry)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                stat = Path(f"/proc/{pid}/stat").read_text()
                try:
                    environ = Path(f"/proc/{pid}/environ").read_bytes()
                except PermissionError:
                    environ = b""
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            # field 6 of stat is the session id (after the parenthesised command name)
            fields = stat.rsplit(")", 1)[-1].split()
            session = int(fields[3]) if len(fields) > 3 else -1
            state = fields[0] if fields else "?"
            if state == "Z":  # a zombie of ours would show in our own children, reaped by wait()
                continue
            if (needle_env in environ.split(b"\0") or needle_dir in cmdline or session in self.sessions):
                shown = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
                found.append(f"{pid} {shown}")
        return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a group of zombies only (waiting for us to reap) counts as gone
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not _group_alive(pgid):
            return True
        time.sleep(0.05)
    return not _group_alive(pgid)
