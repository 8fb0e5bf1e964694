"""The benchmarks at a tiny size, so that they cannot rot silently: what they build and
measure still runs against the current code. Nothing here is timed or compared."""
import datetime
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_monitoring_benchmark_builds_loads_recomputes_and_serves_a_tiny_province():
    """benchmarks/monitoring.py with 2 counties × (2 towns + 4 villages) × 1 year of quarters:
    the clone, the value generator and the loader (COPY with its indexes and keys dropped and
    put back on PostgreSQL, bulk_create on SQLite), the recompute and both dashboards."""
    from django.db import connection

    from cfcity.monitoring.models import Observation, TargetStatus
    from cfcity.plans.models import Plan, Target
    from cfcity.reporting.models import Period, Report

    bench = load_benchmark("monitoring")
    as_of = datetime.date(2021, 12, 31)
    size = bench.Size(counties=2, towns=2, villages=4, years=1)
    world = bench.build(size, bar=False)
    assert Plan.objects.count() == 2
    assert {p.area.parent_id for p in Plan.objects.select_related("area")} == {world.province.pk}
    # each county has its own copy of the plan: same targets, its own ids
    per_plan = [Target.objects.filter(plan=p).count() for p in world.plans]
    assert per_plan[0] == per_plan[1] > 0
    assert Period.objects.filter(plan=world.plans[1], kind="quarter").count() == 4

    constraints_before = _constraints(connection)
    n = bench.load_values(world, as_of=as_of, bar=False)
    numeric = Target.objects.filter(plan=world.plans[0]).exclude(kind="milestone").count()
    assert n == Observation.objects.count() == 2 * size.units * numeric * 4 == bench.expected_rows(world)
    assert _constraints(connection) == constraints_before  # indexes and keys put back as they were
    assert Report.objects.filter(status="accepted").exists()
    values = list(Observation.objects.values_list("value", flat=True)[:500])
    assert all(v >= 0 for v in values) and len(set(values)) > 10

    rec = bench.measure_recompute(as_of=as_of, bar=False)
    assert rec["result"].plans == 2
    assert TargetStatus.objects.count() == rec["result"].statuses > 0
    assert rec["wall"] > 0 and rec["peak_mb"] > 0
    assert set(rec["parts"]) >= {"engine.assess", "warnings.refresh"}

    single = bench.measure_single_pass(runs=1)
    assert single["rows"] == 2 * numeric * 4

    boards = bench.measure_dashboards(world, runs=1)
    assert boards["county"]["status"] == 200 and boards["county"]["queries"] > 0
    assert boards["province"]["status"] == 200
    assert bench.table_counts()["observations"] == n


def _constraints(connection) -> set:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cur:
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = 'monitoring_observation'::regclass")
        found = set(cur.fetchall())
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'monitoring_observation'")
        return found | set(cur.fetchall())


def test_security_load_benchmark_loses_no_write_during_a_key_rotation_and_a_backup(tmp_path):
    """benchmarks/security_load.py at a tiny size, as a real run: gunicorn, clients over HTTP,
    `cfcity keys rotate` and `cfcity backup create` in their own processes meanwhile; it exits
    non-zero if an acknowledged write is missing, a value is left on the old key, or the
    backup does not verify."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "security_load.py"), "--children", "30",
                          "--seconds", "3", "--reporters", "1", "--readers", "1", "--workers", "1"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "lost or unreadable: 0" in run.stdout
    assert "keys rotate: exit 0" in run.stdout and "backup verify: exit 0" in run.stdout
