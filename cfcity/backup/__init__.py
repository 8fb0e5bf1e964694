"""Backups: ``cfcity backup create|verify|restore`` — one encrypted file holding a consistent
snapshot of the database and the uploaded files (see docs/security.md, 备份与恢复).

    stream.py    AES-256-GCM in authenticated chunks over zlib (no Django)
    keys.py      where the key comes from; the default key file <data dir>/backup.key
    database.py  each engine's own snapshot and restore (sqlite3 backup API; pg_dump/pg_restore)
    archive.py   the archive's members and manifest: write, read and verify into a directory
    services.py  create, verify, restore — what the command calls; audit entries
"""


class BackupError(Exception):
    """A problem to tell the operator in one Chinese sentence."""
