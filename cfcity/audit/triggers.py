"""Database triggers that keep the audit log append-only below the application.

UPDATE is refused except the one change Django makes itself: emptying ``actor_id`` or
``org_unit_id`` when that user or unit is deleted (on_delete=SET_NULL; the hashed
``actor_ref``/``org_unit_ref`` keep the ids).

DELETE is refused, with one exception each for the test suite, which empties every table
between transactional tests (pytest-django's flush):
- SQLite flushes with ``DELETE FROM``: allowed only when the database is in memory (tests
  run on ``:memory:``; a deployment's database is always a file);
- PostgreSQL flushes with ``TRUNCATE``, which fires no row triggers: row DELETE is always
  refused; TRUNCATE is refused by a statement trigger unless the database is a Django test
  database (its name starts with ``test_``).

On SQLite, a migration that alters AuditEntry rebuilds the table and drops these triggers:
such a migration must call ``install`` again (``cfcity audit verify`` warns when they are
missing).
"""
from __future__ import annotations

TABLE = "audit_auditentry"
REFUSED = "cfcity: the audit log is append-only"
SQLITE_NAMES = ("audit_append_only_update", "audit_append_only_delete")
PG_NAMES = ("audit_append_only", "audit_no_truncate")
FKS = ("actor_id", "org_unit_id")


def _sqlite_columns(cursor) -> list[str]:
    cursor.execute(f'PRAGMA table_info("{TABLE}")')
    return [row[1] for row in cursor.fetchall()]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            remove(connection)
            same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in _sqlite_columns(cursor) if c not in FKS)
            nulled = " AND ".join(f"(NEW.{fk} IS NULL OR NEW.{fk} IS OLD.{fk})" for fk in FKS)
            cursor.execute(f"""
                CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON {TABLE}
                WHEN NOT ({nulled} AND {same})
                BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""")
            cursor.execute(f"""
                CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON {TABLE}
                WHEN (SELECT file FROM pragma_database_list WHERE name = 'main') <> ''
                BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""")
        elif connection.vendor == "postgresql":
            rest = " - ".join(["to_jsonb({})"] + [f"'{fk}'" for fk in FKS])
            nulled = " AND ".join(f"(NEW.{fk} IS NULL OR NEW.{fk} IS NOT DISTINCT FROM OLD.{fk})" for fk in FKS)
            cursor.execute(f"""
                CREATE OR REPLACE FUNCTION cfcity_audit_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' AND {nulled}
                     AND {rest.format('NEW')} = {rest.format('OLD')} THEN
                    RETURN NEW;
                  END IF;
                  IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\\_%' THEN
                    RETURN NULL;
                  END IF;
                  RAISE EXCEPTION '{REFUSED} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$""")
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}")
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}")
            cursor.execute(f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
                               FOR EACH ROW EXECUTE FUNCTION cfcity_audit_append_only()""")
            cursor.execute(f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
                               FOR EACH STATEMENT EXECUTE FUNCTION cfcity_audit_append_only()""")


def remove(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name in PG_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS cfcity_audit_append_only()")


def installed(connection) -> bool | None:
    """Are the triggers there? ``None`` for a database we have no triggers for."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return set(SQLITE_NAMES) <= {row[0] for row in cursor.fetchall()}
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                           [TABLE])
            return set(PG_NAMES) <= {row[0] for row in cursor.fetchall()}
    return None
