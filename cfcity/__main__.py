"""The ``cfcity`` command: Django's management commands with cfcity's settings.

    cfcity plan parse FILE --json
    cfcity serve
    cfcity migrate
"""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cfcity", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
