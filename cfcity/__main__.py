"""The ``cfcity`` command: Django's management commands with cfcity's settings.

    cfcity plan parse FILE --json
    cfcity serve
    cfcity migrate
    cfcity check          (what is configured, what is missing, whether the services answer)

In production (CFCITY_PRODUCTION=true) every command but `cfcity check` refuses to run while
the configuration has problems."""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfcity.settings")
    argv = list(sys.argv[1:] if argv is None else argv)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        import django
        django.setup()
        from cfcity.ops.config import enforce
        enforce(argv)
    except ImproperlyConfigured as e:
        sys.stderr.write(f"{e}\n")
        sys.exit(2)
    execute_from_command_line(["cfcity", *argv])


if __name__ == "__main__":
    main()
