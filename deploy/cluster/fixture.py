"""The load test's data, inside Django with the cluster's environment:

    python deploy/cluster/fixture.py prepare OUT.json   after `cfcity demo`: quarterly periods
        for 2025 (fresh reports to write), an API token for each reporter whose unit has no
        approver of its own (a submitted report goes straight to the coordinator), passwords
        for the coordinator and the leader, the dashboard pages to open
    python deploy/cluster/fixture.py check RUN_DIR      after the load: every write a client was
        told succeeded is in the database (reads RUN_DIR/attempts.jsonl and acks.jsonl)

Nothing here is part of the product: it sets the stage and reads the result."""
from __future__ import annotations

import json
import os
import secrets
import sys
from collections import defaultdict
from pathlib import Path

LOAD_YEAR = 2025  # quarterly periods of this year: no report exists for them after the demo


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
    import django
    django.setup()


def prepare(out: Path) -> None:
    _django()
    from django.contrib.auth import get_user_model

    from cfcity.accounts import tokens
    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.plans import models as pm
    from cfcity.reporting import services
    from cfcity.reporting.models import Assignment, Period, Report

    User = get_user_model()
    plan = pm.Plan.objects.order_by("-pk").first()
    coordinator = User.objects.get(username="fegw_xt")
    services.set_up_periods(plan, Period.Kind.QUARTER, [LOAD_YEAR], actor=coordinator)
    periods = list(Period.objects.filter(plan=plan, kind=Period.Kind.QUARTER, year=LOAD_YEAR).order_by("index"))
    assert periods and not Report.objects.filter(period__in=periods).exists(), "load periods must be fresh"

    with_approver = set(Membership.objects.filter(role=Role.DEPT_APPROVER, user__is_active=True)
                        .values_list("org_unit_id", flat=True))
    reporters = []
    members = (Membership.objects.filter(role__in=[Role.DEPT_REPORTER, Role.TOWN_REPORTER], user__is_active=True)
               .exclude(org_unit_id__in=with_approver).select_related("user", "org_unit").order_by("user__username"))
    for m in members:
        items = []
        for a in (Assignment.objects.filter(org_unit=m.org_unit, task__plan=plan)
                  .select_related("task").order_by("task__number")):
            targets = []
            for t in a.task.targets.order_by("order"):
                if t.kind == "milestone":
                    continue
                # the unit's last accepted value: never an outlier against its own history
                last = (t.values.filter(report__org_unit=m.org_unit, report__status="accepted",
                                        value__isnull=False)
                        .order_by("-report__period__starts").values_list("value", flat=True).first())
                targets.append({"id": t.pk, "value": format(last.normalize(), "f") if last is not None else "1"})
            for p in periods:
                items.append({"period_id": p.pk, "task_id": a.task_id, "unit_id": m.org_unit_id,
                              "targets": targets})
        if not items:
            continue
        _, token = tokens.create_token(m.user, name="负载测试")
        reporters.append({"username": m.user.username, "unit_id": m.org_unit_id, "token": token,
                          "items": items})

    passwords = {}
    for username in ("fegw_xt", "lingdao"):
        u = User.objects.get(username=username)
        passwords[username] = secrets.token_urlsafe(12)
        u.set_password(passwords[username])
        u.save(update_fields=["password"])

    domains = list(pm.Domain.objects.filter(plan=plan).values_list("pk", flat=True))
    actions = list(pm.Action.objects.filter(domain__plan=plan).values_list("pk", flat=True))
    tasks = list(pm.Task.objects.filter(plan=plan).values_list("pk", flat=True))
    data = {
        "plan_id": plan.pk, "periods": [p.pk for p in periods], "annual_year": LOAD_YEAR,
        "reporters": reporters,
        "coordinator": {"username": "fegw_xt", "password": passwords["fegw_xt"]},
        "leader": {"username": "lingdao", "password": passwords["lingdao"]},
        "dashboard": {"domains": domains, "actions": actions, "tasks": tasks},
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(f"prepared: {len(reporters)} reporters, {sum(len(r['items']) for r in reporters)} reports to write, "
          f"{len(periods)} periods")


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line:
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass  # a line cut off by a killed writer was never an acknowledgement
    return rows


def check(run_dir: Path) -> int:
    """Every acknowledged write is in the database; the final state of each report is one a
    client could have left it in. Prints a summary, writes RUN_DIR/check.json, returns 0/1."""
    _django()
    from cfcity.monitoring.models import Job
    from cfcity.reporting.models import Report, ReportEvent

    attempts, acks = _lines(run_dir / "attempts.jsonl"), _lines(run_dir / "acks.jsonl")
    problems: list[str] = []
    counts = defaultdict(int)

    saves = [a for a in acks if a["kind"] == "save"]
    report_ids = {a["report"] for a in saves} | {a["report"] for a in acks if a["kind"] == "submit"}
    events = defaultdict(list)
    for e in ReportEvent.objects.filter(report_id__in=report_ids).values("report_id", "action", "changes"):
        events[e["report_id"]].append(e)
    saved_texts = {(rid, e["changes"]["narrative"][1]) for rid, es in events.items() for e in es
                   if e["action"] == "saved" and "narrative" in (e["changes"] or {})}
    for a in saves:
        counts["save"] += 1
        if (a["report"], a["narrative"]) not in saved_texts:
            problems.append(f"acknowledged save missing: report {a['report']} “{a['narrative']}”")

    submits = defaultdict(int)
    for a in acks:
        if a["kind"] == "submit":
            counts["submit"] += 1
            submits[a["report"]] += 1
    for rid, n in submits.items():
        have = sum(1 for e in events[rid] if e["action"] == "submitted")
        if have < n:
            problems.append(f"report {rid}: {n} acknowledged submissions, {have} in the history")

    # the coordinator's steps are identified by their comment, unique per attempt
    reviews = [a for a in acks if a["kind"] in ("accepted", "returned")]
    found = set(ReportEvent.objects.filter(comment__in=[a["comment"] for a in reviews])
                .values_list("action", "comment", "report__period_id", "report__task_id", "report__org_unit_id"))
    for a in reviews:
        counts[a["kind"]] += 1
        if (a["kind"], a["comment"], a["period"], a["task"], a["unit"]) not in found:
            problems.append(f"acknowledged {a['kind']} missing: “{a['comment']}”")

    # the final text of each report: its last acknowledged save, or a save tried after it
    # whose answer the client never saw (it may or may not have been written)
    tried = defaultdict(list)
    for a in attempts:
        if a["kind"] == "save":
            tried[a["report"]].append(a["narrative"])
    last_ack = {}
    for a in saves:
        last_ack[a["report"]] = a["narrative"]
    finals = dict(Report.objects.filter(pk__in=last_ack).values_list("pk", "narrative"))
    for rid, text in last_ack.items():
        later = tried[rid][tried[rid].index(text) + 1:] if text in tried[rid] else []
        if finals.get(rid) != text and finals.get(rid) not in later:
            problems.append(f"report {rid} reads “{finals.get(rid)}”; last acknowledged “{text}”")
        counts["reports_final_checked"] += 1

    jobs = [{"id": j.pk, "status": j.status, "file": bool(j.file), "error": j.error}
            for j in Job.objects.filter(pk__in=[a["job"] for a in acks if a["kind"] == "job"])]
    for j in jobs:
        if j["status"] != Job.Status.DONE or not j["file"]:
            problems.append(f"report job {j['id']} is {j['status']} {j['error']}")

    result = {"acknowledged": dict(counts), "attempts": len(attempts), "problems": problems, "jobs": jobs,
              "ok": not problems}
    (run_dir / "check.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "problems"}, ensure_ascii=False))
    for p in problems[:50]:
        print("LOST:", p)
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "check"):
        sys.exit("usage: fixture.py prepare OUT.json | check RUN_DIR")
    if sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    else:
        sys.exit(check(Path(sys.argv[2])))
