"""Every page of the site is in a permission table: a route of the URL resolver (cfcity.urls)
that no ``tests/test_permissions_*.py`` module lists is a page nobody has shown to refuse the
wrong role and the wrong unit.

A module lists a route with a path template in its ``PAGES`` dict ({path: {persona:
status}}), or — for a POST-only address — in ``POSTS`` (paths, or tuples starting with the
path). Templates are resolved through Django itself, placeholders ``{plan}`` … filled with 1,
so ``/plans/{plan}/periods/`` covers ``plans/<int:plan_id>/periods/``. Modules are found by
glob, so a new table (test_permissions_audit.py, test_permissions_welfare.py …) counts as
soon as it exists. /admin/ (Django's own, staff only), /static/ and /api/ (its own
completeness test in test_permissions_api.py) are left out.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import URLPattern, URLResolver

HERE = Path(__file__).resolve().parent
EXCLUDED = ("admin/", "static/", "api/", "^api/")


def routes(patterns=None, prefix: str = "") -> set[str]:
    """The full route of every endpoint, as Django's ResolverMatch.route spells it."""
    out: set[str] = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern).removeprefix("^") if prefix else str(p.pattern)
        if isinstance(p, URLResolver):
            out |= routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            out.add(route)
    return out


def page_routes() -> set[str]:
    return {r for r in routes() if not r.startswith(EXCLUDED)}


def tables() -> dict[str, list[str]]:
    """module name → the path templates in its PAGES and POSTS."""
    found = {}
    for path in sorted(HERE.glob("test_permissions_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        templates = list(getattr(module, "PAGES", {}))
        for item in getattr(module, "POSTS", ()):
            templates.append(item if isinstance(item, str) else item[0])
        found[path.stem] = templates
    return found


def route_of(template: str) -> str | None:
    path = re.sub(r"\{\w+\}", "1", template.split("?", 1)[0])
    try:
        return resolve(path).route
    except Resolver404:
        return None


def test_the_tables_are_found():
    found = tables()
    assert "test_permissions_pages" in found and len(found["test_permissions_pages"]) >= 10


def test_every_template_in_a_table_is_a_real_page():
    """A row for an address that resolves to nothing protects nothing (a typo, a removed page)."""
    stale = [(m, t) for m, ts in tables().items() for t in ts if route_of(t) is None]
    assert not stale, f"rows for addresses that are no page: {stale}"


def test_every_page_is_in_a_permission_table():
    covered = {route_of(t) for ts in tables().values() for t in ts}
    missing = sorted(page_routes() - covered)
    assert not missing, ("these pages are in no tests/test_permissions_*.py PAGES (or POSTS) table — add a row "
                         "showing the wrong role and the wrong unit refused:\n  /" + "\n  /".join(missing))


def test_the_walk_sees_every_kind_of_page():
    """The walk itself: nested includes, the root, converters; the exclusions hold."""
    found = page_routes()
    assert {"", "plans/<int:pk>/", "reports/<int:period_id>/<int:task_id>/<int:unit_id>/",
            "monitoring/reports/jobs/<int:job_id>/download", "accounts/login/"} <= found
    assert not [r for r in found if r.startswith(("admin", "api", "static"))]
