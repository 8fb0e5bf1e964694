#!/usr/bin/env python3
"""Monitoring at province scale, on PostgreSQL: a synthetic province of county plans with
years of quarterly values for every indicator and unit; the time to recompute every
verdict and roll-up, against one plain SQL pass over the same values; the dashboard's
server time for one county and for the province.

    .venv/bin/python benchmarks/monitoring.py                          # 150 counties
    .venv/bin/python benchmarks/monitoring.py --counties 15 150        # two sizes, and the scaling
    .venv/bin/python benchmarks/monitoring.py --counties 150 --towns 10 --villages 200 --years 5 \\
        --database-url postgres://postgres@127.0.0.1:5432/cfcity_bench [--keep]

For each size it (re)creates the benchmark database (its name must contain "bench"; it is
dropped at the end unless --keep), migrates it, imports the reference plan once through the
real importer and ``store_plan``, and clones it per county with ``bulk_create``: every
county has its own area under one province area, its departments, ``--towns`` towns and
``--villages`` villages, its own plan (domains, actions, tasks, departments, targets). The
set-up of reporting goes through the real services (``create_periods`` with quarters,
``sync_assignments``, ``set_share`` of the 儿童友好街区 target to three towns). Then one
accepted value per numeric target × town or village × quarter is generated county by
county (never all in memory) and loaded with PostgreSQL COPY (the table's foreign keys and
secondary indexes dropped for the load, re-created and checked after); the departments'
reports for every past deadline likewise (most on time, some late, 3 % never sent); then
ANALYZE. Verdicts are as of --as-of (default 2025-06-30, half a year before the plan ends).

Values follow the target's kind: levels and percentages drift from a baseline towards
what the county will reach (somewhere between well short of and beyond the target), with
noise per unit and a few lagging units; counts of things built grow as they are finished;
per-unit and frequency targets are met by more units each quarter. Counties differ, so
the verdicts come out mixed. Same --seed, same data.

Measured: ``services.recompute()`` over every plan, fresh and then again over the stored
verdicts and warnings (wall time, peak RSS of this process while it runs, the time inside
collect, the engine and the warning rules), one grouped SQL pass over the same values through a raw cursor, and the
ratio of the two; the dashboard (``/dashboard/<plan>/`` as the county's coordinator,
``/dashboard/`` as a coordinator of the province) through Django's test client, median of
--runs with its SQL query count — or ``summaries.board`` directly when the page is not
there; row counts and the database size.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import math
import os
import platform
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cfcity_bench"
PROVINCE = "合成省（基准测试）"
STREET_TARGET = "建设儿童友好街区"  # the target broken down to towns (TargetShare)
SHARE_TOWNS = 3
COPY_CHUNK = 1 << 20  # characters per write to COPY
AS_OF = "2025-06-30"  # the reference plan runs 2021–2025: assess half a year before its end


@dataclass(frozen=True)
class Size:
    counties: int = 150
    towns: int = 10
    villages: int = 200  # per county, spread over its towns
    years: int = 5  # of quarterly values, from the plan's first year

    @property
    def units(self) -> int:
        return self.towns + self.villages


@dataclass
class County:
    """What the value generator needs about one county: plain ids and numbers."""
    plan_id: int
    area_id: int
    town_ids: list[int]
    village_ids: list[int]
    targets: list[tuple]  # (id, kind, comparator, value, value_max, direction, year, shared town ids)
    periods: list[tuple[int, datetime.date, datetime.date, str]]  # (id, ends, deadline, accepted_at text)
    start_year: int
    assignments: list[tuple[int, int]]  # (task, unit): who owes reports


@dataclass
class World:
    plans: list = field(default_factory=list)
    province: object = None
    counties: list[County] = field(default_factory=list)
    county_coordinator: object = None
    province_coordinator: object = None
    timings: dict[str, float] = field(default_factory=dict)
    observations: int = 0
    reports: int = 0


# --- the database -------------------------------------------------------------------------

def admin_url(url: str) -> tuple[dict, str]:
    """Connection arguments for the maintenance database, and the benchmark database's name."""
    u = urlsplit(url)
    name = u.path.lstrip("/")
    return dict(host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username,
                password=u.password, dbname="postgres"), name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    kwargs, name = admin_url(url)
    if "bench" not in name:  # never drop a database that is not ours
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["CFCITY_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
    os.environ.setdefault("CFCITY_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()


# --- building the province ----------------------------------------------------------------

def _clone(obj, **changes):
    """An unsaved copy of a model instance with some fields changed."""
    data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    data.update(changes)
    return type(obj)(**data)


def build(size: Size, *, seed: int = 1, bar: bool = True, years: list[int] | None = None) -> World:
    """The province: reference plan imported once, cloned per county, reporting set up,
    towns and villages, and the users who look at the dashboards. Values: ``load_values``."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from tqdm import tqdm

    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.data import REFERENCE_PLAN
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import importer
    from cfcity.plans import models as pm
    from cfcity.plans import services as plan_services
    from cfcity.reporting import services as reporting
    from cfcity.reporting.models import Period

    world = World()
    t0 = time.perf_counter()
    template = plan_services.store_plan(importer.parse_file(REFERENCE_PLAN))
    world.timings["import reference plan"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with transaction.atomic():
        province = OrgUnit.objects.create(name=PROVINCE, kind=OrgUnit.Kind.AREA)
        area0 = template.area
        area0.parent, area0.name, area0.order = province, county_name(1), 1
        area0.save()
        template.title = template.title.replace("桓台县", area0.name)
        template.issuer = f"{area0.name}人民政府办公室"
        template.save(update_fields=["title", "issuer"])
        areas = [area0] + OrgUnit.objects.bulk_create(
            OrgUnit(name=county_name(i), kind=OrgUnit.Kind.AREA, parent=province, order=i)
            for i in range(2, size.counties + 1))
        depts = list(OrgUnit.objects.filter(parent=area0, kind=OrgUnit.Kind.DEPARTMENT).order_by("pk"))
        dept_map: dict[tuple[int, int], int] = {(0, d.pk): d.pk for d in depts}
        clones = OrgUnit.objects.bulk_create(_clone(d, parent_id=a.pk) for a in areas[1:] for d in depts)
        for i, a in enumerate(areas[1:], start=1):
            for j, d in enumerate(depts):
                dept_map[(i, d.pk)] = clones[(i - 1) * len(depts) + j].pk

        plans = [template] + pm.Plan.objects.bulk_create(
            _clone(template, area_id=a.pk, title=template.title.replace("桓台县", a.name),
                   issuer=f"{a.name}人民政府办公室", doc_number=f"合成政办字〔2022〕{i}号",
                   source={**template.source, "synthetic": True})
            for i, a in enumerate(areas[1:], start=2))
        _clone_structure(template, plans, dept_map)

        towns = OrgUnit.objects.bulk_create(
            OrgUnit(name=f"第{t + 1:02d}镇", kind=OrgUnit.Kind.TOWN, parent_id=a.pk, order=t)
            for a in areas for t in range(size.towns))
        villages = OrgUnit.objects.bulk_create(
            OrgUnit(name=f"第{v + 1:03d}村", kind=OrgUnit.Kind.VILLAGE, order=v,
                    parent_id=towns[c * size.towns + v % size.towns].pk)
            for c in range(len(areas)) for v in range(size.villages))
    world.timings["clone plans, units"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    start = template.period_start
    years = years or list(range(start, start + size.years))
    street = {t.plan_id: t for t in pm.Target.objects.filter(plan__in=plans, indicator=STREET_TARGET)}
    for c, plan in enumerate(tqdm(plans, desc="periods, assignments", unit="plan", disable=not bar,
                                  file=sys.stderr)):
        reporting.create_periods(plan, Period.Kind.QUARTER, years)
        reporting.sync_assignments(plan)
        if plan.pk in street:
            for town in towns[c * size.towns:(c * size.towns) + min(SHARE_TOWNS, size.towns)]:
                reporting.set_share(street[plan.pk], town, 1)
    world.timings["periods, assignments, shares"] = time.perf_counter() - t0

    User = get_user_model()
    office = OrgUnit.objects.get(parent=area0, name="县妇儿工委办公室")
    world.county_coordinator = User.objects.create_user("bench-county", password=None)
    Membership.objects.create(user=world.county_coordinator, org_unit=office, role=Role.COORDINATOR)
    world.province_coordinator = User.objects.create_user("bench-province", password=None)
    Membership.objects.create(user=world.province_coordinator, org_unit=province, role=Role.COORDINATOR)

    world.plans, world.province = plans, province
    world.counties = counties(plans, towns, villages, size)
    return world


def county_name(i: int) -> str:
    return f"合成{i:03d}县"


def _clone_structure(template, plans, dept_map) -> None:
    """Sections, domains, actions, tasks, their departments and targets of ``template``
    copied to each of ``plans[1:]``, in bulk (ids come back from bulk_create in order)."""
    from cfcity.plans import models as pm

    others = plans[1:]
    if not others:
        return
    sections = list(pm.PlanSection.objects.filter(plan=template).order_by("pk"))
    domains = list(pm.Domain.objects.filter(plan=template).order_by("pk"))
    actions = list(pm.Action.objects.filter(domain__plan=template).order_by("pk"))
    tasks = list(pm.Task.objects.filter(plan=template).order_by("pk"))
    links = list(pm.TaskDepartment.objects.filter(task__plan=template).order_by("pk"))
    targets = list(pm.Target.objects.filter(plan=template).order_by("pk"))

    pm.PlanSection.objects.bulk_create(_clone(s, plan_id=p.pk) for p in others for s in sections)
    new_domains = pm.Domain.objects.bulk_create(_clone(d, plan_id=p.pk) for p in others for d in domains)
    dom = {(i, d.pk): new_domains[i * len(domains) + j].pk for i in range(len(others))
           for j, d in enumerate(domains)}
    new_actions = pm.Action.objects.bulk_create(
        _clone(a, domain_id=dom[(i, a.domain_id)]) for i in range(len(others)) for a in actions)
    act = {(i, a.pk): new_actions[i * len(actions) + j].pk for i in range(len(others))
           for j, a in enumerate(actions)}
    new_tasks = pm.Task.objects.bulk_create(
        _clone(t, plan_id=p.pk, action_id=act[(i, t.action_id)]) for i, p in enumerate(others) for t in tasks)
    tsk = {(i, t.pk): new_tasks[i * len(tasks) + j].pk for i in range(len(others))
           for j, t in enumerate(tasks)}
    pm.TaskDepartment.objects.bulk_create(
        _clone(link, task_id=tsk[(i, link.task_id)], org_unit_id=dept_map[(i + 1, link.org_unit_id)])
        for i in range(len(others)) for link in links)
    pm.Target.objects.bulk_create(
        _clone(g, plan_id=p.pk, task_id=tsk[(i, g.task_id)] if g.task_id else None)
        for i, p in enumerate(others) for g in targets)


def counties(plans, towns, villages, size: Size) -> list[County]:
    """Plain data for the value generator: ids, target specs, periods with their dates."""
    from cfcity.plans import models as pm
    from cfcity.reporting.models import Assignment, Period, TargetShare

    shared: dict[int, list[int]] = {}
    for target_id, unit_id in TargetShare.objects.filter(target__plan__in=plans).values_list(
            "target_id", "org_unit_id").order_by("pk"):
        shared.setdefault(target_id, []).append(unit_id)
    by_plan: dict[int, list[tuple]] = {}
    for t in (pm.Target.objects.filter(plan__in=plans).exclude(kind=pm.Target.Kind.MILESTONE)
              .select_related("plan").order_by("plan_id", "pk")):
        by_plan.setdefault(t.plan_id, []).append(
            (t.pk, t.kind, t.comparator, _f(t.value), _f(t.value_max), t.direction, t.year or t.plan.period_end,
             shared.get(t.pk, [])))
    periods: dict[int, list] = {}
    for pid, plan_id, ends, deadline in Period.objects.filter(plan__in=plans).order_by(
            "plan_id", "starts").values_list("pk", "plan_id", "ends", "deadline"):
        periods.setdefault(plan_id, []).append((pid, ends, deadline, f"{deadline.isoformat()} 10:00:00+08"))
    assigned: dict[int, list[tuple[int, int]]] = {}
    for plan_id, task_id, unit_id in Assignment.objects.filter(task__plan__in=plans).order_by(
            "pk").values_list("task__plan_id", "task_id", "org_unit_id"):
        assigned.setdefault(plan_id, []).append((task_id, unit_id))
    out = []
    for c, plan in enumerate(plans):
        vill = villages[c * size.villages:(c + 1) * size.villages]
        out.append(County(plan.pk, plan.area_id, [t.pk for t in towns[c * size.towns:(c + 1) * size.towns]],
                          [v.pk for v in vill], by_plan.get(plan.pk, []), periods.get(plan.pk, []),
                          plan.period_start, assigned.get(plan.pk, [])))
    return out


def _f(v):
    return None if v is None else float(v)


# --- the values ---------------------------------------------------------------------------

def _fmt(v: float) -> str:
    return f"{v:.2f}"


def county_lines(county: County, seed: int):
    """The observation rows of one county as COPY text lines (tab-separated:
    target, unit, period, value, accepted_at), target by target, unit by unit."""
    rnd = random.Random(seed * 1_000_003 + county.plan_id)
    units = county.town_ids + county.village_ids
    lagging = {u for u in units if rnd.random() < 0.06}  # a few units far behind the rest
    for (tid, kind, comparator, value, value_max, direction, year, shared) in county.targets:
        span = max(1.0, year - county.start_year + 1.0)
        # how far along the plan each period is, for this target's deadline (0 → 1, then beyond)
        steps = [((ends.year - county.start_year) + ends.month / 12.0) / span for _, ends, _, _ in county.periods]
        heads = [f"\t{pid}\t" for pid, _, _, _ in county.periods]
        tails = [f"\t{acc}\n" for _, _, _, acc in county.periods]
        reach = rnd.uniform(0.55, 1.25)  # what this county will make of the target (1 = exactly)
        target = value if value is not None else 1.0
        pct = comparator is not None and target <= 100 and kind in ("level", "coverage") and target > 5
        prefix_t = f"{tid}\t"
        if kind == "cumulative":
            yield from _cumulative(rnd, prefix_t, units, shared, county, steps, heads, tails, target, reach)
            continue
        if kind in ("per_unit", "frequency"):
            yield from _threshold(rnd, prefix_t, units, lagging, heads, tails, steps, target, reach)
            continue
        if kind == "annual_change":  # a rate that should fall (or rise) by ``target`` points a year
            sign = -1.0 if direction == "decrease" else 1.0
            base = rnd.uniform(45.0, 60.0)
            per_year = target * reach
            for u in units:
                b = base + rnd.gauss(0, 2.0)
                slow = 0.3 if u in lagging else 1.0
                p = f"{prefix_t}{u}"
                for h, tl, s in zip(heads, tails, steps):
                    v = b + sign * per_year * slow * s * span + rnd.gauss(0, 0.4)
                    yield f"{p}{h}{_fmt(max(0.0, min(100.0, v)))}{tl}"
            continue
        # level, coverage: from a baseline towards target × reach (down for an upper bound)
        down = comparator in ("<=", "<")
        if down:
            base = target * rnd.uniform(1.2, 1.5)
            final = base - (base - target) * reach
        else:
            base = target * (rnd.uniform(0.5, 0.85) if kind == "coverage" else rnd.uniform(0.6, 0.9))
            final = base + (target - base) * reach
        noise = 0.03 * target
        top = 100.0 if pct else math.inf
        for u in units:
            slow = 0.4 if u in lagging else 1.0
            off = rnd.gauss(0, noise)
            p = f"{prefix_t}{u}"
            for h, tl, s in zip(heads, tails, steps):
                v = base + (final - base) * min(1.0, s) * slow + off + rnd.gauss(0, noise / 3)
                yield f"{p}{h}{_fmt(max(0.0, min(top, v)))}{tl}"


def _cumulative(rnd, prefix_t, units, shared, county, steps, heads, tails, target, reach):
    """Things built (schools, streets, parks): each finished in some quarter by some unit —
    the shared towns first, then towns, now and then a village; a unit reports how many of
    its own are finished."""
    built = max(0, round(target * reach))
    towns = shared or county.town_ids or units
    finished: dict[int, list[float]] = {}
    for k in range(built):
        u = towns[k % len(towns)] if rnd.random() < 0.85 else rnd.choice(units)
        finished.setdefault(u, []).append(rnd.uniform(0.1, 1.0))
    for u in units:
        mine = sorted(finished.get(u, []))
        p = f"{prefix_t}{u}"
        for h, tl, s in zip(heads, tails, steps):
            yield f"{p}{h}{sum(1 for x in mine if x <= s)}{tl}"


def _threshold(rnd, prefix_t, units, lagging, heads, tails, steps, target, reach):
    """Per-unit and frequency targets: each unit meets the target from some point on (a
    share ``reach`` of them by the deadline); before that it reports less than asked."""
    share = min(1.0, reach)
    for u in units:
        when = rnd.uniform(0.0, 1.0) / share if u not in lagging else math.inf
        low, high = target * rnd.uniform(0.3, 0.9), target * rnd.uniform(1.0, 1.6)
        p = f"{prefix_t}{u}"
        for h, tl, s in zip(heads, tails, steps):
            v = high if s >= when else low
            yield f"{p}{h}{_fmt(v)}{tl}"


def expected_rows(world: World) -> int:
    return sum(len(c.targets) * (len(c.town_ids) + len(c.village_ids)) * len(c.periods) for c in world.counties)


def county_reports(county: County, seed: int, as_of: datetime.date):
    """The departments' (and sharing towns') reports as COPY lines: one accepted report per
    assignment and period whose deadline is past — most on time, some late, a few never
    sent (those become 逾期未报 warnings). Columns: ``REPORT_COLUMNS``."""
    rnd = random.Random(seed * 7_000_003 + county.plan_id)
    due = [(pid, deadline) for pid, _, deadline, _ in county.periods if deadline < as_of]
    for task_id, unit_id in county.assignments:
        for pid, deadline in due:
            r = rnd.random()
            if r < 0.03:
                continue
            days = rnd.randint(1, 40) if r > 0.93 else -rnd.randint(0, 20)
            sent = f"{(deadline + datetime.timedelta(days=days)).isoformat()} 16:30:00+08"
            stage = "done" if rnd.random() < 0.3 else "in_progress"
            yield f"{task_id}\t{unit_id}\t{pid}\t1\t\taccepted\t{stage}\t\t1\t{sent}\t{sent}\n"


OBSERVATION_COLUMNS = ["target_id", "org_unit_id", "period_id", "value", "accepted_at"]
REPORT_COLUMNS = ["task_id", "org_unit_id", "period_id", "revision", "correction_reason", "status", "stage",
                  "narrative", "version", "updated_at", "submitted_at"]


def load_values(world: World, *, as_of: datetime.date, seed: int = 1, bar: bool = True) -> int:
    """Generate the observations (and the departments' reports) county by county and load
    them: COPY on PostgreSQL, ``bulk_create`` elsewhere (the smoke test). ANALYZE after.
    Returns the number of observations."""
    from django.db import connection, transaction

    from cfcity.monitoring.models import Observation
    from cfcity.reporting.models import Report

    t0 = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # check what is pending now, not with the COPY
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        n = _load(Observation, OBSERVATION_COLUMNS, (line for c in world.counties for line in county_lines(c, seed)),
                  total=expected_rows(world), label="observations", bar=bar, timings=world.timings, bulk=True)
        world.timings["generate + load observations"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        world.reports = _load(Report, REPORT_COLUMNS,
                              (line for c in world.counties for line in county_reports(c, seed, as_of)),
                              total=None, label="reports", bar=bar, timings={}, bulk=False)
        world.timings["generate + load reports"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    world.timings["ANALYZE"] = time.perf_counter() - t0
    world.observations = n
    return n


def _load(model, columns: list[str], lines, *, total, label: str, bar: bool, timings: dict, bulk: bool) -> int:
    """Stream ``lines`` (COPY text format) into ``model``'s table; with ``bulk``, its foreign
    keys and secondary indexes are dropped first and re-created (and checked) after."""
    from django.db import connection
    from tqdm import tqdm

    n = 0
    with tqdm(total=total, desc=f"{label} (generate + load)", unit="row", unit_scale=True, disable=not bar,
              file=sys.stderr, mininterval=1.0) as progress, connection.cursor() as cur:
        if connection.vendor != "postgresql":
            fields = [model._meta.get_field(c) for c in columns]
            batch = []
            for line in lines:
                values = line.rstrip("\n").split("\t")
                batch.append(model(**{f.attname: None if v == r"\N" else f.to_python(v)
                                      for f, v in zip(fields, values)}))
                if len(batch) >= 2000:
                    model.objects.bulk_create(batch)
                    n += len(batch)
                    progress.update(len(batch))
                    batch = []
            model.objects.bulk_create(batch)
            progress.update(len(batch))
            return n + len(batch)
        table = model._meta.db_table
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        restore = _drop_constraints(cur, table) if bulk else []
        t0 = time.perf_counter()
        with cur.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            buf, size = [], 0
            for line in lines:
                buf.append(line)
                size += len(line)
                if size >= COPY_CHUNK:
                    copy.write("".join(buf))
                    progress.update(len(buf))
                    n += len(buf)
                    buf, size = [], 0
            copy.write("".join(buf))
            progress.update(len(buf))
            n += len(buf)
        timings[f"generate + COPY {label}"] = time.perf_counter() - t0
    if restore:
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            for statement in tqdm(restore, desc=f"{label}: indexes, keys", unit="step", disable=not bar,
                                  file=sys.stderr):
                cur.execute(statement)
        timings[f"{label}: indexes and foreign keys re-created (and checked)"] = time.perf_counter() - t0
    return n


def _drop_constraints(cur, table: str) -> list[str]:
    """Drop the table's foreign keys, unique constraints and secondary indexes before a
    bulk load, as pg_restore does (one index build and one checking join each afterwards,
    instead of row-by-row index maintenance and a deferred check per row and key). The
    primary key stays. Returns the statements that put them back exactly as they were
    (their definitions as the catalogue gives them)."""
    cur.execute("""SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = %s::regclass AND contype <> 'p' ORDER BY contype <> 'f', conname""", [table])
    constraints = cur.fetchall()
    cur.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
                   AND tablename = %s AND indexname NOT IN (
                       SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)""", [table, table])
    indexes = cur.fetchall()
    quoted = '"%s"' % table
    for name, _, _ in constraints:  # foreign keys first
        cur.execute(f'ALTER TABLE {quoted} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    # back: unique constraints, plain indexes, then the foreign keys (checked now, in one pass each)
    return ([f'ALTER TABLE {quoted} ADD CONSTRAINT "{n}" {d}' for n, k, d in constraints if k != "f"]
            + [d for _, d in indexes]
            + [f'ALTER TABLE {quoted} ADD CONSTRAINT "{n}" {d}' for n, k, d in constraints if k == "f"])


# --- measuring ----------------------------------------------------------------------------

def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_reset() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0), so VmHWM measures from here on."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _vm(field_name: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class _Stopwatch:
    """Time spent inside some functions during a run, by patching the module attributes the
    callers look up (collect.area_inputs, engine.assess, …); undone on exit."""

    def __init__(self, targets: dict[str, tuple[object, str]]):
        self.targets, self.spent, self.saved = targets, dict.fromkeys(targets, 0.0), []

    def __enter__(self):
        for name, (module, attr) in self.targets.items():
            original = getattr(module, attr)
            self.saved.append((module, attr, original))
            setattr(module, attr, self._timed(name, original))
        return self

    def _timed(self, name, fn):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.spent[name] += time.perf_counter() - t0
        return wrapper

    def __exit__(self, *exc):
        for module, attr, original in reversed(self.saved):
            setattr(module, attr, original)


def measure_recompute(*, as_of=None, bar: bool = True) -> dict:
    from tqdm import tqdm

    from cfcity.monitoring import collect, engine, services
    from cfcity.monitoring import warnings as warning_rules
    from cfcity.monitoring.models import TargetStatus

    gc.collect()
    before_max, before_now = rss_mb(), _vm("VmRSS")
    reset = _hwm_reset()
    with tqdm(desc="recompute", unit="plan", disable=not bar, file=sys.stderr) as progress:
        def step(done, total):
            progress.total = total
            progress.n = done
            progress.refresh()
        watch = _Stopwatch({"collect: area inputs (grouped SQL + Python)": (collect, "area_inputs"),
                            "collect: share inputs": (collect, "share_inputs"),
                            "engine.assess": (engine, "assess"),
                            "warnings.refresh": (warning_rules, "refresh")})
        with watch:
            t0 = time.perf_counter()
            result = services.recompute(as_of=as_of, progress=step)
            wall = time.perf_counter() - t0
    peak = _vm("VmHWM") if reset else rss_mb()
    counts = dict(sorted(_status_counts(TargetStatus).items()))
    parts = dict(watch.spent)
    parts["the rest: saving verdicts, stale check, plan lists"] = wall - sum(parts.values())
    return {"wall": wall, "result": result, "peak_mb": peak, "parts": parts, "rss_before_mb": before_now or before_max,
            "statuses": counts, "ru_maxrss_mb": rss_mb()}


def _status_counts(model) -> dict[str, int]:
    from django.db.models import Count
    return {r["status"]: r["n"] for r in model.objects.values("status").annotate(n=Count("id"))}


SINGLE_PASS = ("SELECT target_id, period_id, count(*), sum(value), avg(value) "
               "FROM monitoring_observation GROUP BY 1, 2")


def measure_single_pass(runs: int = 3) -> dict:
    from django.db import connection

    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(SINGLE_PASS)
            rows = len(cur.fetchall())
        times.append(time.perf_counter() - t0)
    return {"median": statistics.median(times), "first": times[0], "rows": rows, "runs": runs}


def measure_page(user, path: str, fallback, runs: int) -> dict:
    """Median server time of GET ``path`` as ``user`` through Django's test client, with the
    number of SQL queries; ``fallback()`` (timed the same way) when no view answers it."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
        missing = False
    except Resolver404:
        missing = True
    client = Client()
    client.force_login(user)
    times, queries, status, how = [], 0, None, path
    for i in range(runs + 1):  # the first run warms caches and is not counted
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            if missing:
                fallback()
                status = "n/a"
            else:
                response = client.get(path)
                status = response.status_code
            dt = time.perf_counter() - t0
        if i:
            times.append(dt)
        queries = len(ctx.captured_queries)
    if missing:
        how = f"{fallback.__doc__ or 'summaries.board'} (no view at {path})"
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "queries": queries,
            "status": status, "how": how}


def measure_dashboards(world: World, runs: int) -> dict:
    from cfcity.monitoring import summaries

    plan = world.plans[0]

    def county_board():
        """summaries.board(plan)"""
        summaries.board(plan)

    def province_board():
        """summaries.board for every plan of the province"""
        for p in world.plans:
            summaries.board(p)

    return {"county": measure_page(world.county_coordinator, f"/dashboard/{plan.pk}/", county_board, runs),
            "province": measure_page(world.province_coordinator, "/dashboard/", province_board, runs)}


def table_counts() -> dict:
    from django.db import connection

    from cfcity.monitoring.models import Observation, TargetStatus, Warning
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import models as pm
    from cfcity.reporting.models import Assignment, Period, Report

    out = {"plans": pm.Plan.objects.count(), "targets": pm.Target.objects.count(),
           "org units": OrgUnit.objects.count(), "periods": Period.objects.count(),
           "assignments": Assignment.objects.count(), "reports": Report.objects.count(),
           "observations": Observation.objects.count(), "target statuses": TargetStatus.objects.count(),
           "active warnings": Warning.objects.filter(resolved_at__isnull=True).count()}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database()), "
                        "pg_total_relation_size('monitoring_observation'), "
                        "pg_relation_size('monitoring_observation')")
            db, obs_total, obs_heap = cur.fetchone()
        out.update({"database MB": db / 2**20, "observation table+indexes MB": obs_total / 2**20,
                    "observation heap MB": obs_heap / 2**20})
    return out


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "?")
    mem = next((int(ln.split()[1]) / 2**20 for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0)
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return (f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GB RAM, Linux {platform.release()}, "
            f"Python {sys.version.split()[0]}, PostgreSQL {pg}")


# --- one size, end to end -----------------------------------------------------------------

def as_of_date(text: str | None) -> datetime.date:
    from django.utils import timezone
    return timezone.localdate() if text in (None, "", "today") else datetime.date.fromisoformat(text)


def run_size(size: Size, args) -> dict:
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    recreate_database(args.database_url)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - t0
    print(f"\n== {size.counties} counties × ({size.towns} towns + {size.villages} villages), "
          f"{size.years} years of quarters ==", file=sys.stderr)
    world = build(size, seed=args.seed)
    world.timings = {"migrate": migrate, **world.timings}
    as_of = as_of_date(args.as_of)
    load_values(world, as_of=as_of, seed=args.seed)
    rec = measure_recompute(as_of=as_of)
    again = None if args.once else measure_recompute(as_of=as_of)
    single = measure_single_pass(args.runs)
    boards = measure_dashboards(world, args.runs)
    counts = table_counts()
    return {"size": size, "world": world, "recompute": rec, "again": again, "single": single,
            "boards": boards, "counts": counts}


def report(r: dict) -> None:
    size, rec, single, boards, counts = r["size"], r["recompute"], r["single"], r["boards"], r["counts"]
    res = rec["result"]
    print(f"\n### {size.counties} counties × {size.units} units × {len(r['world'].counties[0].targets)} "
          f"numeric targets × {len(r['world'].counties[0].periods)} quarters\n")
    print("| step | seconds |")
    print("|---|---:|")
    for k, v in r["world"].timings.items():
        print(f"| {k} | {v:.1f} |")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| observations | {counts['observations']:,} |")
    print(f"| full recompute ({res.plans} plans → {res.statuses:,} verdicts) | {rec['wall']:.2f} s |")
    if r["again"]:
        print(f"| recompute again (verdicts and warnings updated in place) | {r['again']['wall']:.2f} s |")
    print(f"| peak RSS during recompute (RSS before: {rec['rss_before_mb']:.0f} MB) | {rec['peak_mb']:.0f} MB |")
    print(f"| single SQL pass ({single['rows']:,} groups; median of {single['runs']}; first {single['first']:.2f} s) "
          f"| {single['median']:.2f} s |")
    for name, b in boards.items():
        print(f"| dashboard, {name}: {b['how']} (status {b['status']}, {b['queries']} queries) "
              f"| {b['median'] * 1000:.0f} ms |")
    for k, v in counts.items():
        if k != "observations":
            print(f"| {k} | {v:,.0f} |")
    again = r["again"]
    print("\n| recompute: where the time goes | first run s | share | again s |")
    print("|---|---:|---:|---:|")
    for k, v in rec["parts"].items():
        print(f"| {k} | {v:.2f} | {100 * v / rec['wall']:.0f}% | "
              f"{again['parts'][k] if again else float('nan'):.2f} |")
    print(f"| total | {rec['wall']:.2f} | 100% | {again['wall'] if again else float('nan'):.2f} |")
    print(f"\nverdicts: {', '.join(f'{k} {v}' for k, v in rec['statuses'].items())}; "
          f"active warnings {counts['active warnings']:,}")
    print(f"ratio: full recompute / single SQL pass = {rec['wall']:.2f} s / {single['median']:.2f} s "
          f"= {rec['wall'] / single['median']:.1f}×"
          + (f" (again: {again['wall'] / single['median']:.1f}×)" if again else ""))
    sys.stdout.flush()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", type=int, nargs="+", default=[150],
                    help="one or more sizes, run one after the other in a fresh database")
    ap.add_argument("--towns", type=int, default=10)
    ap.add_argument("--villages", type=int, default=200, help="per county, spread over its towns")
    ap.add_argument("--years", type=int, default=5, help="years of quarterly values from the plan's start")
    ap.add_argument("--database-url", default=DEFAULT_URL)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database of the last size")
    ap.add_argument("--runs", type=int, default=5, help="runs of each dashboard and of the SQL pass")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default=AS_OF,
                    help=f"assess as of this date, or 'today' (default {AS_OF}: half a year before the plan ends)")
    ap.add_argument("--once", action="store_true",
                    help="recompute once (default: twice — fresh, then again over the stored verdicts and warnings)")
    args = ap.parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        ap.error("--database-url must be a PostgreSQL URL")
    setup_django(args.database_url)
    results = []
    try:
        for n in args.counties:
            r = run_size(Size(n, args.towns, args.villages, args.years), args)
            results.append(r)
            print(f"\nMonitoring benchmark, {datetime.date.today().isoformat()} — {machine()}; "
                  f"as of {as_of_date(args.as_of).isoformat()}")
            report(r)
    finally:
        from django.db import connections
        connections.close_all()
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)
    if len(results) > 1:
        a, b = results[0], results[-1]
        k = b["counts"]["observations"] / a["counts"]["observations"]
        print(f"\nscaling {a['size'].counties} → {b['size'].counties} counties ({k:.1f}× the values): "
              f"recompute {b['recompute']['wall'] / a['recompute']['wall']:.1f}×, "
              f"single pass {b['single']['median'] / a['single']['median']:.1f}×, "
              f"county dashboard {b['boards']['county']['median'] / a['boards']['county']['median']:.2f}×, "
              f"province dashboard {b['boards']['province']['median'] / a['boards']['province']['median']:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
