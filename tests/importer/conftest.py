"""Fixtures for the importer's tests: plain pytest, no Django.

Run them alone, without Django and without the project's top-level conftest, with

    .venv/bin/pytest tests/importer -p no:django --confcutdir tests/importer
"""
import pytest

from importer_checks import FIXTURES, load_module


@pytest.fixture(scope="session")
def builders():
    """tests/fixtures/build_fixtures.py: makes the .docx/.txt fixtures with python-docx."""
    return load_module(FIXTURES / "build_fixtures.py", "_cfcity_build_fixtures")
