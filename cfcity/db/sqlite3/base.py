"""Django's SQLite backend, creating the data directory on first connection.

So ``cfcity migrate`` works on a fresh clone, while commands that never touch the
database (``cfcity plan parse``) create no files at all.
"""
from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        name = str(conn_params.get("database", ""))
        if name and not name.startswith("file:") and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
