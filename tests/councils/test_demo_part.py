"""The councils part of the demo on the small test county (the whole demo is checked by
tests/councils/demo_checks.py from tests/test_demo_apps.py): it runs through the services at
simulated dates, leaves councils active and not, and judges the milestone from the register."""
import pytest

from cfcity.councils import demo
from cfcity.councils.models import ChildrenCouncil, CouncilMember, Proposal
from cfcity.monitoring.models import Judgement
from cfcity.reporting.demo import Clock, DemoContext

pytestmark = pytest.mark.django_db


def test_extend_on_a_small_county(world, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    clock = Clock()
    ctx = DemoContext(area=world["county"], plan=world["plan"], periods=[], seed=1, create_user=None, clock=clock)
    with clock.running():
        assert demo.extend(ctx) == []
    levels = dict(ChildrenCouncil.objects.values_list("name", "level"))
    assert levels == {"桓台县儿童议事会": "county", "果里镇儿童议事会": "town", "东村儿童议事会": "village",
                      "实验小学红领巾儿童议事会": "school"}
    assert ChildrenCouncil.objects.get(level="county").active
    # only 县住房城乡建设局 of the demo's answering units exists here, and nobody works there
    assert dict(Proposal.objects.values_list("title", "state"))["公园里增加适合大孩子的运动设施"] == "routed"
    assert Proposal.objects.filter(state="submitted").count() == 4
    names = set(CouncilMember.objects.values_list("real_name", flat=True))
    pseudonyms = set(CouncilMember.objects.values_list("pseudonym", flat=True))
    assert names and not names & pseudonyms
    assert Judgement.objects.get().judged_by is None
