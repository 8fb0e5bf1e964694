"""Fixtures of the spaces tests: ``places`` — the ``world`` (tests/conftest.py) with spaces:
one in 果里镇 built by 县教育体育局 (``space``, with a photo), one in 索镇 (``other``), one in the
other county (``far``)."""
import datetime
import io

import pytest
from PIL import Image

from cfcity.spaces import services
from cfcity.spaces.models import SpaceKind


def png(colour=(60, 140, 90), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def pt(lon=118.05, lat=36.95):
    return {"type": "Point", "coordinates": [lon, lat]}


def kind(code):
    if not SpaceKind.objects.exists():  # flushed by a transactional test before this one
        from cfcity.spaces.kinds import seed_checklists, seed_kinds
        from cfcity.spaces.models import ChecklistItem
        seed_kinds(SpaceKind)
        seed_checklists(SpaceKind, ChecklistItem)
    return SpaceKind.objects.get(code=code)


@pytest.fixture
def stored(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    return tmp_path


@pytest.fixture
def places(world, stored, django_capture_on_commit_callbacks):
    w = dict(world)
    c = w["coordinator"]
    w["space"] = services.create_space(c, area=w["county"], org_unit=w["town"], lead_unit=w["edu"],
                                       kind=kind("sports"), name="果里镇运动场", geometry=pt(),
                                       status="open", started_on=datetime.date(2023, 3, 1),
                                       opened_on=datetime.date(2023, 9, 1))
    w["photo"] = services.add_photo(c, w["space"], name="场地.png", data=png(), caption="运动场全景")
    w["other"] = services.create_space(c, area=w["county"], org_unit=w["town2"], kind=kind("street"),
                                       name="索镇街区", geometry=pt(118.1, 36.9), status="planned")
    w["far"] = services.create_space(_superuser(), area=w["other_county"],
                                     org_unit=_town(w["other_county"]), kind=kind("park"), name="临淄公园",
                                     geometry=pt(118.3, 36.8), status="planned")
    return w


def _superuser():
    from django.contrib.auth.models import User
    return User.objects.get_or_create(username="root", defaults={"is_superuser": True, "is_staff": True})[0]


def _town(area):
    from cfcity.orgs.models import OrgUnit
    return OrgUnit.objects.get_or_create(name="辛店街道", kind=OrgUnit.Kind.TOWN, parent=area)[0]
