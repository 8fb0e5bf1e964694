"""`cfcity audit verify` as an operator runs it: a real process on a database file, its exit
status and what it prints (0 and the count; 1 and the first bad entry; 2 a usage error)."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]


def cfcity(env, *args):
    return subprocess.run([sys.executable, "-m", "cfcity", *args], env=env, capture_output=True, text=True,
                          timeout=180)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, migrated_sqlite):
    data = tmp_path_factory.mktemp("audit-cli") / "var"
    env = dict(os.environ, CFCITY_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    env.pop("CFCITY_DATABASE_URL", None)
    fresh_database(migrated_sqlite, data)
    office = "淄博市"
    code = ("from cfcity.orgs.models import OrgUnit; from cfcity.audit.services import log_action;"
            f"u = OrgUnit.objects.create(name='{office}', kind='area');"
            "[log_action('orgs.unit.created', obj=u, org_unit=u, data={'i': i}) for i in range(5)]")
    assert cfcity(env, "shell", "-c", code).returncode == 0
    return env, data / "cfcity.sqlite3"


def test_exit_codes(deployment):
    env, db = deployment
    ok = cfcity(env, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "操作记录完整：已核验 5 条记录（#1—#5）" in ok.stdout
    anchor = ok.stdout.strip().splitlines()[-1].split("：")[-1]

    assert cfcity(env, "audit", "verify", "--anchor", "nonsense").returncode == 2

    con = sqlite3.connect(db)
    # the triggers hold in a database file: no delete, no edit
    for statement in ("DELETE FROM audit_auditentry WHERE id = 3", "UPDATE audit_auditentry SET action = 'x'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(statement)
    # an intruder who drops them
    con.executescript("DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;"
                      "UPDATE audit_auditentry SET data = '{\"i\": 9}' WHERE id = 3;")
    con.close()
    bad = cfcity(env, "audit", "verify", "--anchor", anchor)
    assert bad.returncode == 1
    assert "触发器缺失" in bad.stderr and "记录 #3" in bad.stderr and "内容与其哈希不符" in bad.stderr
    assert "Traceback" not in bad.stderr
