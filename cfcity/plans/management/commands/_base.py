"""What the plan commands share: user errors as plain Chinese messages, no traceback."""
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

EXIT_USER_ERROR = 2


class UserError(Exception):
    pass


def pending_migrations() -> list:
    """The migrations not yet applied to the database (empty: it is up to date)."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    def fail(self, message: str):
        """Stop with ``message`` on stderr and exit code 2; from call_command, a CommandError."""
        if getattr(self, "_called_from_command_line", False):
            self.stderr.write(f"错误：{message}")
            sys.exit(EXIT_USER_ERROR)
        raise CommandError(message, returncode=EXIT_USER_ERROR)

    def require_database(self):
        if pending_migrations():
            raise UserError("数据库尚未初始化或需要升级，请先运行 cfcity migrate（或 cfcity serve）。")
