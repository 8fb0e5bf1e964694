"""Load on the reporting and public pages while a key rotation and a backup run — and proof
that no acknowledged write is lost.

    .venv/bin/python benchmarks/security_load.py                 # 4 reporters, 2 readers, 30 s
    .venv/bin/python benchmarks/security_load.py --children 2000 --seconds 60

It builds a SQLite database in a temporary folder (the reference plan, reporters, a
register of ``--children`` synthetic children encrypted under key k1), then starts
`cfcity serve` with the keyring "k2,k1" (k2 active) and drives, for ``--seconds``:
reporters saving their reports (each save's text is unique and remembered once the server
acknowledged it), anonymous readers of the public plan pages, and a welfare writer
registering children. One second in, `cfcity keys rotate` starts; when it ends,
`cfcity backup create` runs. Afterwards it checks that every report holds its last
acknowledged save, that every child registered is in the register and decrypts, that no
value is left on k1, and that the backup verifies. Loopback only; bounded in time and count.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_reporting", ROOT / "benchmarks" / "reporting.py")
reporting = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = reporting
spec.loader.exec_module(reporting)

K1 = "k1:" + base64.b64encode(b"benchmark-key-one-0123456789abcd").decode()
K2 = "k2:" + base64.b64encode(b"benchmark-key-two-0123456789abcd").decode()
MAX_PER_CLIENT = 20000


def seed_children(n: int):
    """``n`` children under key k1 (this process's settings), and a welfare officer."""
    from django.contrib.auth.models import User

    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.orgs.models import OrgUnit
    from cfcity.welfare import idcard, services

    county = OrgUnit.objects.get(name="桓台县", kind=OrgUnit.Kind.AREA)
    town = OrgUnit.objects.create(name="演示镇", kind=OrgUnit.Kind.TOWN, parent=county)
    villages = [OrgUnit.objects.create(name=f"演示{i}村", kind=OrgUnit.Kind.VILLAGE, parent=town) for i in range(10)]
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=county)
    officer = User.objects.create_user("welfare_bench", password=reporting.PASSWORD)
    Membership.objects.create(user=officer, org_unit=office, role=Role.WELFARE_OFFICER)
    officer = User.objects.get(pk=officer.pk)
    from cfcity.welfare import measures
    measures.publish_soon = lambda: None  # the benchmark measures the register, not the recompute

    def child(seq: int):
        born = datetime.date(2012, 1, 1) + datetime.timedelta(days=seq // 1000)  # unique (born, sequence)
        return services.ChildInput(
            name=f"演示儿童{seq}", id_number=idcard.make("370321", born, seq % 1000), town=town,
            village=villages[seq % len(villages)], categories=["left_behind"], guardian_name=f"演示家长{seq}",
            guardian_consent=True, consent_statistics=True, notice_version="bench", child_assent=True)
    for seq in tqdm(range(n), desc="登记演示儿童", unit="人", leave=False):
        services.register_child(officer, child(seq))
    return officer, child


def drive_reporter(base, client, seconds, lat, errors, acked, bar):
    import random
    import re
    name, report_url, _ = client
    s = reporting.Session(base)
    s.login(name)
    ids = re.findall(r'name="value-(\d+)"', s.get(report_url))
    rnd = random.Random(name)
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and n < MAX_PER_CLIENT:
        n += 1
        try:
            html = s.get(report_url)
            version = re.search(r'name="version" value="(\d+)"', html).group(1)
            text = f"{name}-保存-{n}"
            t0 = time.perf_counter()
            status = s.post(report_url, {"version": version, "narrative": text, "stage": "in_progress",
                                         "action": "save", **{f"value-{i}": str(rnd.randint(1, 90)) for i in ids}})
            lat.setdefault("save", []).append((t0, time.perf_counter() - t0))
            if status == 200:
                acked[report_url] = text
        except Exception as e:  # counted, not hidden
            errors.append(f"save: {e}")
        bar.update(1)


def drive_reader(base, paths, seconds, lat, errors, bar):
    s = reporting.Session(base)
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and n < MAX_PER_CLIENT:
        path = paths[n % len(paths)]
        n += 1
        t0 = time.perf_counter()
        try:
            s.get(path)
            lat.setdefault("public", []).append((t0, time.perf_counter() - t0))
        except Exception as e:
            errors.append(f"public: {e}")
        bar.update(1)


def drive_welfare(officer, make_child, start, seconds, lat, errors, registered, bar):
    from django.db import connection

    from cfcity.welfare import services
    deadline, seq = time.monotonic() + seconds, start
    while time.monotonic() < deadline and seq < start + MAX_PER_CLIENT:
        t0 = time.perf_counter()
        try:
            registered.append(services.register_child(officer, make_child(seq)).pk)
            lat.setdefault("welfare", []).append((t0, time.perf_counter() - t0))
        except Exception as e:
            errors.append(f"welfare: {e}")
        seq += 1
        bar.update(1)
        time.sleep(0.05)
    connection.close()


def run_command(args, env, log, window=None):
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "cfcity", *args], env=env, capture_output=True, text=True)
    t1 = time.perf_counter()
    log.append((" ".join(args[:2]), p.returncode, t1 - t0, (p.stdout + p.stderr)[-300:]))
    if window is not None:
        window.append((t0, t1))


def split(xs, windows):
    """(latencies of requests that overlapped a maintenance command, the others)"""
    inside = [d for t, d in xs if any(t < b and t + d > a for a, b in windows)]
    outside = [d for t, d in xs if not any(t < b and t + d > a for a, b in windows)]
    return inside, outside


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reporters", type=int, default=4)
    ap.add_argument("--readers", type=int, default=2)
    ap.add_argument("--children", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "var"
        os.environ["CFCITY_ENCRYPTION_KEYS"] = K1
        clients = reporting.setup_database(data_dir)
        from django.conf import settings
        from django.db import connection

        from cfcity.plans.models import Plan
        officer, make_child = seed_children(args.children)
        settings.ENCRYPTION_KEYS = f"{K2}\n{K1}"  # from now on this process writes with k2, like the server
        plan = Plan.objects.get()
        connection.close()
        env = dict(os.environ, CFCITY_DATA_DIR=str(data_dir), CFCITY_LOGIN_FAILURE_LIMIT="1000",
                   CFCITY_ENCRYPTION_KEYS=f"{K2}\n{K1}")
        port = reporting.free_port()
        server = subprocess.Popen([sys.executable, "-m", "cfcity", "serve", "--port", str(port),
                                   "--workers", str(args.workers)], cwd=tmp, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        lat: dict[str, list[float]] = {}
        errors: list[str] = []
        acked: dict[str, str] = {}
        registered: list[int] = []
        commands: list[tuple] = []
        windows: list[tuple[float, float]] = []
        backup = Path(tmp) / "load.cfbackup"
        try:
            for _ in range(300):
                try:
                    reporting.urllib.request.urlopen(base + "/accounts/login/", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)

            def maintenance():
                time.sleep(1)
                run_command(["keys", "rotate"], env, commands, windows)
                run_command(["backup", "create", str(backup), "--quiet"], env, commands, windows)

            chosen = [clients[i % len(clients)] for i in range(args.reporters)]
            with tqdm(desc="负载", unit="req", leave=False) as bar:
                threads = [threading.Thread(target=drive_reporter, args=(base, c, args.seconds, lat, errors, acked, bar))
                           for c in chosen]
                threads += [threading.Thread(target=drive_reader, args=(base, ["/", f"/plans/{plan.pk}/",
                                                                                f"/plans/{plan.pk}/targets/"],
                                                                         args.seconds, lat, errors, bar))
                            for _ in range(args.readers)]
                threads.append(threading.Thread(target=drive_welfare, args=(officer, make_child, args.children + 1,
                                                                             args.seconds, lat, errors, registered, bar)))
                side = threading.Thread(target=maintenance)
                t0 = time.monotonic()
                for t in threads:
                    t.start()
                side.start()
                for t in threads:
                    t.join()
                elapsed = time.monotonic() - t0
                side.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
        verify = []
        run_command(["backup", "verify", str(backup), "--quiet"], env, verify)
        lost = check(acked, registered)
        print(f"cfcity security load — gunicorn {args.workers} workers, SQLite, {os.cpu_count()} CPUs, "
              f"{args.reporters} reporters + {args.readers} readers + 1 register writer, {args.seconds:g} s, "
              f"{args.children} children to rotate")
        print("| requests | count | req/s | p50 ms | p95 ms | p99 ms | p95 during rotation/backup | p95 otherwise | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for kind in ("save", "public", "welfare"):
            xs = [d for _, d in lat.get(kind, [])]
            if xs:
                inside, outside = split(lat[kind], windows)
                during = f"{reporting.pct(inside, 95):.1f} ({len(inside)})" if inside else "—"
                other = f"{reporting.pct(outside, 95):.1f}" if outside else "—"
                ratio = f"{reporting.pct(inside, 95) / reporting.pct(outside, 95):.2f}" if inside and outside else "—"
                print(f"| {kind} | {len(xs)} | {len(xs) / elapsed:.1f} | {reporting.pct(xs, 50):.1f} | "
                      f"{reporting.pct(xs, 95):.1f} | {reporting.pct(xs, 99):.1f} | {during} | {other} | {ratio} |")
        for name, rc, secs, tail in commands + verify:
            print(f"{name}: exit {rc} in {secs:.1f} s" + ("" if rc == 0 else f"\n{tail}"))
        print(f"errors during load: {len(errors)}" + "".join(f"\n   {e}" for e in errors[:5]))
        print(f"acknowledged report saves checked: {len(acked)} reports; children registered under load: "
              f"{len(registered)}; lost or unreadable: {len(lost)}" + "".join(f"\n   {x}" for x in lost[:5]))
        if lost or any(rc for _, rc, _, _ in commands + verify):
            sys.exit(1)


def check(acked: dict[str, str], registered: list[int]) -> list[str]:
    """What an acknowledged write left in the database: nothing may be missing."""
    import re

    from django.db import connection

    from cfcity.reporting.models import Report
    from cfcity.welfare import crypto
    from cfcity.welfare.models import Child
    connection.close()
    lost = []
    for url, text in acked.items():
        period, task, unit = map(int, re.findall(r"\d+", url))
        stored = Report.objects.filter(period_id=period, task_id=task, org_unit_id=unit).values_list("narrative", flat=True)
        if text not in list(stored):
            lost.append(f"{url}: last acknowledged save {text!r} not stored")
    found = set(Child.objects.filter(pk__in=registered).values_list("pk", flat=True))
    lost += [f"child {pk} registered but missing" for pk in registered if pk not in found]
    for c in Child.objects.all().iterator():
        if not c.name.startswith("演示儿童"):
            lost.append(f"child {c.pk} does not decrypt to its name")
    with connection.cursor() as cur:
        cur.execute("SELECT id, name, id_number FROM welfare_child")
        for pk, *values in cur.fetchall():
            if any(crypto.token_key(v)[1] != "k2" for v in values):
                lost.append(f"child {pk} still has a value under k1")
    return lost


if __name__ == "__main__":
    main()
