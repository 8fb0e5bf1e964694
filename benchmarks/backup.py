"""Backup and restore of the demo database: time, archive size, peak memory, and how long a
writer waits while the backup runs.

    .venv/bin/python benchmarks/backup.py                 # SQLite demo + 50 MB of extra files
    .venv/bin/python benchmarks/backup.py --media-mb 200  # memory should not grow with it

It makes a fresh data directory in a temporary folder, runs `cfcity demo` (about 20 s), adds
one random (incompressible) file of --media-mb MB to the media directory, then runs
`cfcity backup create`, `verify` and `restore --yes` as separate processes and reports each
one's wall time and peak RSS. During the backup a thread of this process writes two rows in
one transaction every 10 ms through its own SQLite connection (WAL, as the site does) and
records how long each commit took: the backup holds only a read transaction, so writers
should not wait on it; after the restore the table must hold whole pairs only.
"""
from __future__ import annotations

import argparse
import base64
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CFCITY = str(ROOT / ".venv" / "bin" / "cfcity")


def run(args: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one cfcity command in its own process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([CFCITY, *args], env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            sys.exit(f"cfcity {' '.join(args)} failed:\n{err.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


class Writer(threading.Thread):
    """Small write transactions every 10 ms; the latency of each."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.stop, self.latencies = db, threading.Event(), []

    def run(self):
        con = sqlite3.connect(self.db, timeout=20, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE IF NOT EXISTS bench_writes (id INTEGER PRIMARY KEY, at REAL)")
        while not self.stop.is_set() and len(self.latencies) < 100_000:
            t = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO bench_writes (at) VALUES (?)", (time.time(),))
            con.execute("INSERT INTO bench_writes (at) VALUES (?)", (-time.time(),))  # a pair
            con.execute("COMMIT")
            self.latencies.append((time.perf_counter() - t) * 1000)
            time.sleep(0.01)
        con.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media-mb", type=int, default=50, help="extra random file in media/, MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfcity-bench-backup-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "CFCITY_DATA_DIR": str(data),
               "CFCITY_BACKUP_KEY": base64.b64encode(os.urandom(32)).decode()}
        env.pop("CFCITY_DATABASE_URL", None)
        env.pop("CFCITY_BACKUP_KEY_FILE", None)
        print("building the demo database (cfcity demo) …", file=sys.stderr)
        run(["demo"], env)
        media = data / "media"
        media.mkdir(exist_ok=True)
        extra = media / "bench-extra.bin"
        with open(extra, "wb") as f:
            for _ in range(args.media_mb):
                f.write(os.urandom(1024 * 1024))
        db = data / "cfcity.sqlite3"
        files = [p for p in media.rglob("*") if p.is_file()]
        print(f"database {db.stat().st_size / 2**20:.1f} MB; media {len(files)} files, "
              f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MB (incl. {args.media_mb} MB random)")

        idle = Writer(db)
        idle.start()
        time.sleep(2)
        idle.stop.set()
        idle.join()

        archive = Path(tmp) / "demo.cfbak"
        writer = Writer(db)
        writer.start()
        time.sleep(0.3)
        t_create, m_create = run(["backup", "create", "--quiet", str(archive)], env)
        writer.stop.set()
        writer.join()
        t_verify, m_verify = run(["backup", "verify", "--quiet", str(archive)], env)
        t_restore, m_restore = run(["backup", "restore", "--yes", "--quiet", str(archive)], env)

        with sqlite3.connect(db) as con:  # now the restored snapshot: whole transactions only
            rows = con.execute("SELECT count(*) FROM bench_writes").fetchone()[0]
        print(f"archive {archive.stat().st_size / 2**20:.1f} MB; the restored snapshot holds {rows} writer "
              f"rows — {'whole transactions (pairs)' if rows % 2 == 0 else 'HALF A TRANSACTION: NOT CONSISTENT'}")
        print(f"{'step':<8} {'seconds':>8} {'peak RSS MB':>12}")
        for name, t, m in (("create", t_create, m_create), ("verify", t_verify, m_verify),
                           ("restore", t_restore, m_restore)):
            print(f"{name:<8} {t:>8.2f} {m:>12.0f}")

        def describe(lat):
            lat = sorted(lat)
            return (f"{len(lat)} writes, median {statistics.median(lat):.2f} ms, "
                    f"p99 {lat[int(len(lat) * 0.99) - 1]:.2f} ms, max {lat[-1]:.2f} ms")
        print(f"writer idle:          {describe(idle.latencies)}")
        print(f"writer during backup: {describe(writer.latencies)}")


if __name__ == "__main__":
    main()
