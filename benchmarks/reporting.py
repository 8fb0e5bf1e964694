"""Load on the reporting pages: requests per second and latency percentiles of the
data-entry form (GET and POST save) and the review queue, served by gunicorn on loopback.

    .venv/bin/python benchmarks/reporting.py                  # 1 and 8 clients, 20 s each
    .venv/bin/python benchmarks/reporting.py --clients 1 4 8 --seconds 10 --workers 2

It builds its own SQLite database in a temporary folder (the reference plan, yearly
periods, one reporter per lead department, approvers, a coordinator), starts
`cfcity serve`, logs every client in through the real login form, and drives the pages
with plain HTTP. Loopback only; every loop is bounded in time and count.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-口令-2026-long"
MAX_REQUESTS_PER_CLIENT = 20000


def setup_database(data_dir: Path) -> list[tuple[str, str, str]]:
    """Reference plan, periods, users. Returns (username, report url, review url) per client."""
    os.environ["CFCITY_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.data import REFERENCE_PLAN
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import importer, services as plan_services
    from cfcity.reporting import services
    from cfcity.reporting.models import Assignment, Period

    call_command("migrate", verbosity=0)
    plan = plan_services.store_plan(importer.parse_file(REFERENCE_PLAN))
    services.create_periods(plan, "year")
    services.sync_assignments(plan)
    period = Period.objects.get(plan=plan, kind="year", year=plan.period_end)
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=plan.area)

    def user(name, unit, role):
        u = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=u, org_unit=unit, role=role)
        if hasattr(u, "profile"):
            u.profile.must_change_password = False
            u.profile.save()
        return u

    clients = []
    user("coordinator", office, Role.COORDINATOR)
    leads = Assignment.objects.filter(task__plan=plan, role="lead").select_related("org_unit", "task")
    seen = {}
    for a in leads:
        if a.org_unit_id in seen or not a.task.targets.exists():
            continue
        name = f"r{len(seen)}"
        user(name, a.org_unit, Role.DEPT_REPORTER)
        seen[a.org_unit_id] = name
        clients.append((name, f"/reports/{period.pk}/{a.task_id}/{a.org_unit_id}/", "/my/"))
    return clients


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(req, timeout=30) as r:
            r.read()
            return r.status

    def login(self, username: str):
        self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": username, "password": PASSWORD})


def drive(base, client, seconds, results, errors, bar):
    name, report_url, list_url = client
    s = Session(base)
    s.login(name)
    html = s.get(report_url)
    ids = re.findall(r'name="value-(\d+)"', html)
    deadline = time.monotonic() + seconds
    rnd = random.Random(name)
    n = 0
    while time.monotonic() < deadline and n < MAX_REQUESTS_PER_CLIENT:
        n += 1
        kind = rnd.choice(["form", "form", "save", "list"])
        t0 = time.perf_counter()
        try:
            if kind == "form" or kind == "save":
                html = s.get(report_url)
                if kind == "save":
                    version = re.search(r'name="version" value="(\d+)"', html).group(1)
                    t0 = time.perf_counter()
                    s.post(report_url, {"version": version, "narrative": f"第{n}次保存", "stage": "in_progress",
                                        "action": "save", **{f"value-{i}": str(rnd.randint(1, 90)) for i in ids}})
            else:
                s.get(list_url)
            results.setdefault(kind, []).append(time.perf_counter() - t0)
        except Exception as e:  # counted, not hidden
            errors.append(f"{kind}: {e}")
        bar.update(1)


def run(base, clients, n_clients, seconds):
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    chosen = [clients[i % len(clients)] for i in range(n_clients)]
    with tqdm(desc=f"{n_clients} 个客户端", unit="req", leave=False) as bar:
        threads = [threading.Thread(target=drive, args=(base, c, seconds, results, errors, bar)) for c in chosen]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
    return results, errors, elapsed


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "var"
        clients = setup_database(data_dir)
        port = free_port()
        env = dict(os.environ, CFCITY_DATA_DIR=str(data_dir), CFCITY_LOGIN_FAILURE_LIMIT="1000")
        server = subprocess.Popen([sys.executable, "-m", "cfcity", "serve", "--port", str(port),
                                   "--workers", str(args.workers)], cwd=tmp, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            print(f"cfcity reporting benchmark — gunicorn {args.workers} workers, SQLite, "
                  f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.seconds:g} s per run")
            print("| clients | page | requests | req/s | p50 ms | p95 ms | p99 ms |")
            print("|---:|---|---:|---:|---:|---:|---:|")
            totals = {}
            for n in args.clients:
                results, errors, elapsed = run(base, clients, n, args.seconds)
                total = sum(len(v) for v in results.values())
                totals[n] = total / elapsed
                for kind in ("form", "save", "list"):
                    xs = results.get(kind, [])
                    if xs:
                        print(f"| {n} | {kind} | {len(xs)} | {len(xs) / elapsed:.1f} | {pct(xs, 50):.1f} | "
                              f"{pct(xs, 95):.1f} | {pct(xs, 99):.1f} |")
                print(f"| {n} | all | {total} | {total / elapsed:.1f} | | | |  errors: {len(errors)}")
                for e in errors[:3]:
                    print("   error:", e)
            if len(totals) > 1:
                lo, hi = min(totals), max(totals)
                print(f"throughput ratio {hi} clients / {lo} client(s): {totals[hi] / totals[lo]:.2f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
