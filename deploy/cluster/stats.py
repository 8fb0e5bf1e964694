"""Figures of a cluster run from its own records: requests.jsonl (every request locust made,
with start time, status and latency), the run's events (kills, restarts) and nginx's access
log (which requests nginx passed on to the other instance)."""
from __future__ import annotations

import json
import math
import platform
import os
import time
from collections import Counter, defaultdict

# the events that open a phase, and the phase they open
PHASES = {"load started": "steady", "web instance killed": "web instance down",
          "web instance back": "after web restart", "worker killed": "worker down",
          "worker back": "after worker restart"}


def pct(sorted_ms: list[float], p: float) -> float | None:
    if not sorted_ms:
        return None
    return sorted_ms[min(len(sorted_ms) - 1, max(0, math.ceil(p / 100 * len(sorted_ms)) - 1))]


def figures(rows: list[dict], seconds: float) -> dict:
    ms = sorted(r["ms"] for r in rows)
    errors = [r for r in rows if not r["ok"]]
    return {"requests": len(rows), "errors": len(errors), "seconds": round(seconds, 1),
            "rps": round(len(rows) / seconds, 1) if seconds > 0 else None,
            "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99)}


def _error_kind(r: dict) -> str:
    text = r.get("error") or ""
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        text = "connection closed"
    return f"{r['name']}: {r['status'] or ''} {text}".strip()[:140]


def nginx_retries(path, t0: float, t1: float) -> dict:
    """How many requests each instance answered, and those nginx sent to a second instance
    (its $upstream_addr lists two) or answered itself with a 502/503/504."""
    out = Counter()
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except FileNotFoundError:
        return {}
    for line in lines:
        parts = line.split('"')
        if len(parts) < 5:
            continue
        try:
            t = float(parts[0].split()[0])
        except ValueError:
            continue
        if not (t0 <= t <= t1 + 5):
            continue
        out[f"answered by {parts[1].split(',')[-1].strip()}"] += 1
        if "," in parts[1]:
            out[f"{parts[4].split()[0]} → {parts[3]}"] += 1  # method → upstream statuses
        if parts[0].split()[1] in ("502", "503", "504"):
            out[f"answered {parts[0].split()[1]} by nginx"] += 1
    return dict(out)


def summarise(cluster, checked: dict) -> dict:
    rows = []
    path = cluster.dir / "requests.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    rows.sort(key=lambda r: r["t"] + r["ms"] / 1000)
    events = cluster.events
    start = next((e["t"] for e in events if e["event"] == "load started"), rows[0]["t"] if rows else time.time())
    end = max([r["t"] + r["ms"] / 1000 for r in rows] or [start])
    bounds = [(e["t"], PHASES[e["event"]]) for e in events if e["event"] in PHASES]
    bounds.sort()
    phases = []
    for i, (t, name) in enumerate(bounds):
        t_next = bounds[i + 1][0] if i + 1 < len(bounds) else end + 0.001
        # by when the answer came: a request in flight when an instance died fails at the kill
        inside = [r for r in rows if t <= r["t"] + r["ms"] / 1000 < t_next]
        f = figures(inside, t_next - t)
        f["phase"] = name
        f["error_kinds"] = dict(Counter(_error_kind(r) for r in inside if not r["ok"]).most_common(8))
        phases.append(f)
    by_name = {}
    grouped = defaultdict(list)
    for r in rows:
        grouped[r["name"]].append(r)
    for name, rs in sorted(grouped.items()):
        by_name[name] = figures(rs, end - start)
    overall = figures(rows, end - start)
    session_lost = sum(1 for r in rows if (r.get("error") or "").startswith("session not recognised"))

    failures = []
    if not checked:
        failures.append("the database check did not run")
    elif not checked.get("ok"):
        failures.append(f"{len(checked.get('problems', []))} acknowledged writes missing or wrong")
    if cluster.job and cluster.job.get("status") != "done":
        failures.append(f"annual report job ended {cluster.job.get('status')}: {cluster.job.get('error')}")
    if cluster.job and cluster.job.get("download", [0])[0] != 200:
        failures.append(f"annual report download: {cluster.job.get('download')}")
    if session_lost:
        failures.append(f"{session_lost} requests of a logged-in user were sent to the login page")
    steady = next((p for p in phases if p["phase"] == "steady"), None)
    if steady and steady["errors"]:
        failures.append(f"{steady['errors']} errors before anything was killed: {steady['error_kinds']}")
    if not rows:
        failures.append("no requests were made")
    acked = checked.get("acknowledged", {}) if checked else {}
    if checked and not acked.get("save"):
        failures.append("no write was acknowledged: the load did not write")

    p = cluster.profile
    job = dict(cluster.job)
    if job.get("finished"):
        job["seconds"] = round(job["finished"] - job["started"], 1)
    for k in ("started", "finished"):
        job.pop(k, None)
    kills = {}
    for e in events:
        if e["event"] in ("web instance killed", "web instance back", "worker killed", "worker back"):
            kills[e["event"]] = round(e["t"] - start, 1)
    return {
        "mode": cluster.mode, "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                    # the machine may be shared: what else ran shows here (1, 5, 15 minutes)
                    "load_average_at_end": [round(x, 1) for x in os.getloadavg()]},
        "setup": {"instances": len(cluster.instances), "gunicorn_workers_per_instance": p["workers"],
                  "job_runner": cluster.runner, "users": p["users"], "leaders": p["leaders"], "coordinators": 1,
                  "reporters": p["users"] - p["leaders"] - 1, "think_time_s": p["wait"], "seconds": p["seconds"],
                  "broker_visibility_timeout_s": p["visibility"]},
        "overall": overall, "phases": phases, "by_request": by_name,
        "timeline_s": kills,
        "nginx": nginx_retries(cluster.logs / "nginx-access.log", start, end),
        "acknowledged_writes": acked, "write_attempts": checked.get("attempts") if checked else None,
        "lost_writes": len(checked.get("problems", [])) if checked else None,
        "report_job": job, "session_lost": session_lost, "failures": failures,
    }


def _ms(v) -> str:
    return "—" if v is None else f"{v:.0f}"


def render(s: dict) -> str:
    o = s["overall"]
    lines = [
        "",
        f"== cluster run ({s['mode']}): {s['setup']['instances']} web instance(s) × "
        f"{s['setup']['gunicorn_workers_per_instance']} workers, job runner {s['setup']['job_runner']}, "
        f"{s['setup']['users']} users for {s['setup']['seconds']} s ==",
        f"requests {o['requests']}  throughput {o['rps']} req/s  p50 {_ms(o['p50_ms'])} ms  "
        f"p95 {_ms(o['p95_ms'])} ms  p99 {_ms(o['p99_ms'])} ms  errors {o['errors']}",
        "",
        f"{'phase':<22}{'from s':>7}{'requests':>10}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>8}",
    ]
    for ph in s["phases"]:
        lines.append(f"{ph['phase']:<22}{'':>7}{ph['requests']:>10}{ph['rps'] or 0:>8}{_ms(ph['p50_ms']):>7}"
                     f"{_ms(ph['p95_ms']):>7}{_ms(ph['p99_ms']):>7}{ph['errors']:>8}")
        for kind, n in ph["error_kinds"].items():
            lines.append(f"    {n:>4} × {kind}")
    lines += ["", f"{'request':<34}{'count':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>8}"]
    for name, f in s["by_request"].items():
        lines.append(f"{name:<34}{f['requests']:>8}{_ms(f['p50_ms']):>7}{_ms(f['p95_ms']):>7}{_ms(f['p99_ms']):>7}"
                     f"{f['errors']:>8}")
    lines += ["", f"timeline (s from start of load): {s['timeline_s']}",
              f"nginx: {s['nginx']}",
              f"acknowledged writes: {s['acknowledged_writes']} of {s['write_attempts']} attempts; "
              f"missing or wrong in the database: {s['lost_writes']}",
              f"annual report job: {s['report_job']}",
              f"failures: {s['failures'] or 'none'}", ""]
    return "\n".join(lines)
