"""Each engine's own consistent snapshot and restore — not Django serialisation, which would
read table after table at different moments and be slow and large.

SQLite: the sqlite3 backup API in one step, i.e. one read transaction: a consistent copy,
and in WAL mode writers are not blocked while it runs. Restore copies back through the same
API into the live database, so every connection sees the old content or the new, never a mix.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the migration state and row
counts are read in it and ``pg_dump --snapshot`` dumps exactly that state (pg_dump takes only
ACCESS SHARE locks: writers go on). Restore is ``pg_restore --clean --single-transaction``:
all or nothing.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from . import BackupError

MEMBER = {"sqlite": "database/cfcity.sqlite3", "postgresql": "database/cfcity.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Snapshot:
    engine: str
    path: Path
    migrations: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in MEMBER:
        raise BackupError(f"不支持备份 {vendor} 数据库（支持 SQLite 和 PostgreSQL）")
    return vendor


def snapshot(workdir: Path) -> Snapshot:
    """A consistent copy of the database in ``workdir``, with its migration state and row counts."""
    kind = engine()
    target = workdir / Path(MEMBER[kind]).name
    return _sqlite_snapshot(target) if kind == "sqlite" else _pg_snapshot(target)


# --- migration state ------------------------------------------------------------------------

def _group(rows) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for app, name in rows:
        out.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


def migration_problems(applied: dict[str, list[str]]) -> list[str]:
    """How a database's applied migrations differ from the code's (empty: they agree)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    have = {(app, name) for app, names in applied.items() for name in names}
    known = set(graph.nodes)
    missing = []
    for key in sorted(graph.nodes):
        replaces = set(getattr(graph.nodes[key], "replaces", None) or [])
        known |= replaces
        if key not in have and not (replaces and replaces <= have):
            missing.append(key)
    unknown = sorted(have - known)
    problems = []
    if missing:
        problems.append("备份中缺少本程序的迁移 " + "、".join(f"{a}.{n}" for a, n in missing[:8])
                        + ("……" if len(missing) > 8 else ""))
    if unknown:
        problems.append("备份中有本程序没有的迁移 " + "、".join(f"{a}.{n}" for a, n in unknown[:8])
                        + ("……" if len(unknown) > 8 else ""))
    return problems


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_facts(db: sqlite3.Connection) -> tuple[dict, dict]:
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]
    tables = {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    migrations = _group(db.execute("SELECT app, name FROM django_migrations")) if "django_migrations" in tables else {}
    return migrations, tables


def _sqlite_snapshot(target: Path) -> Snapshot:
    connection.ensure_connection()
    try:
        with closing(sqlite3.connect(target)) as copy:
            # pages=-1: the whole database in one step, one read transaction — consistent
            connection.connection.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            migrations, tables = _sqlite_facts(copy)
    except sqlite3.Error as e:
        raise BackupError(f"复制数据库失败：{e}") from None
    return Snapshot("sqlite", target, migrations, tables)


def _read_only(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def _sqlite_check(path: Path, expected_tables: dict) -> list[str]:
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return [f"备份中的数据库文件损坏（{result}）"]
            _, tables = _sqlite_facts(db)
    except sqlite3.DatabaseError as e:
        return [f"备份中的数据库文件无法打开：{e}"]
    if tables != expected_tables:
        return ["备份中的数据库各表行数与清单不符"]
    return []


def _sqlite_restore(path: Path):
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("恢复不能在数据库事务中进行")
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as src:
            src.backup(connection.connection, pages=-1)  # one step, one transaction: all or nothing
    except sqlite3.Error as e:
        raise BackupError(f"恢复数据库失败，数据库未改动：{e}（网站是否仍在运行？请先停止）") from None


# --- PostgreSQL -----------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"找不到 PostgreSQL 客户端程序 {name}：备份和恢复 PostgreSQL 数据库需要它。请安装与数据库服务器"
            f"同一主版本的客户端（Debian/Ubuntu：sudo apt-get install postgresql-client），并确保它在 PATH 中")
    return path


def _pg_env(settings_dict: dict) -> dict:
    """libpq's variables for the database Django uses (the password never on a command line)."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                     ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for var, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if settings_dict.get("OPTIONS", {}).get(key):
            env[var] = str(settings_dict["OPTIONS"][key])
    return env


def _run(argv: list[str], env: dict, what: str):
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what}失败：{' / '.join(detail[-3:]) or f'退出码 {result.returncode}'}")
    return result


def _pg_snapshot(target: Path) -> Snapshot:
    import psycopg
    from psycopg import sql

    pg_dump = _pg_tool("pg_dump")
    s = connection.settings_dict
    params = {k: v for k, v in {"dbname": s["NAME"], "user": s.get("USER"), "password": s.get("PASSWORD"),
                                "host": s.get("HOST"), "port": s.get("PORT")}.items() if v}
    try:
        conn = psycopg.connect(**params)
    except psycopg.Error as e:
        raise BackupError(f"无法连接 PostgreSQL 数据库：{e}") from None
    with conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            snap = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            names = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
            tables = {n: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(n))).fetchone()[0]
                      for n in names}
            migrations = (_group(conn.execute("SELECT app, name FROM django_migrations"))
                          if "django_migrations" in tables else {})
            # the exported snapshot lives as long as this transaction: dump while it is open
            _run([pg_dump, "--format=custom", "--compress=0", "--no-owner", "--no-privileges",
                  f"--snapshot={snap}", f"--file={target}"], _pg_env(s), "pg_dump 导出数据库")
    return Snapshot("postgresql", target, migrations, tables)


def _pg_check(path: Path) -> list[str]:
    try:
        _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ), "pg_restore 读取备份")
    except BackupError as e:
        return [str(e)]
    return []


def _pg_restore(path: Path):
    pg_restore = _pg_tool("pg_restore")
    s = connection.settings_dict
    connection.close()  # hold nothing that the restore must wait for
    env = _pg_env(s)
    env["PGOPTIONS"] = "-c lock_timeout=60s"  # a site still running: fail rather than hang
    _run([pg_restore, "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
          "--no-privileges", f"--dbname={s['NAME']}", str(path)], env, "pg_restore 恢复数据库")
    connection.close()


def live_tables() -> list[str]:
    return sorted(connection.introspection.table_names())


# --- what the services call -----------------------------------------------------------------

def check(kind: str, path: Path, expected_tables: dict) -> list[str]:
    """Problems with the database file of a backup, found without touching the live database."""
    problems = _sqlite_check(path, expected_tables) if kind == "sqlite" else _pg_check(path)
    if kind == "postgresql":
        extra = sorted(set(live_tables()) - set(expected_tables))
        if extra:  # pg_restore --clean drops only what the dump holds
            problems.append("当前数据库中有备份里没有的表：" + "、".join(extra[:8]) +
                            "。请在空数据库中恢复，或先用与这些表相应版本的程序处理")
    return problems


def restore(kind: str, path: Path):
    _sqlite_restore(path) if kind == "sqlite" else _pg_restore(path)


def row_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        out = {}
        for name in live_tables():
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
            out[name] = cur.fetchone()[0]
    return out
