"""The importer is a plain library: importing and using it loads no Django."""
import subprocess
import sys

from importer_checks import REFERENCE, ROOT


def test_importer_runs_without_django():
    code = ("import sys; from cfcity.plans.importer import parse_file; "
            f"p = parse_file({str(REFERENCE)!r}); "
            "assert len(p.tasks()) == 42; "
            "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
