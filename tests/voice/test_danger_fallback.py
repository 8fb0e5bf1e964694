"""Danger rules when the table is empty (a database flushed and not migrated again): the
built-in words apply; rules the coordinator switched off stay off."""
import pytest

from cfcity.voice import danger
from cfcity.voice.models import DangerRule

pytestmark = pytest.mark.django_db


def test_with_no_rule_at_all_the_defaults_flag_a_child_in_danger():
    DangerRule.objects.all().delete()
    assert danger.match("爸爸喝了酒就打我，我不想活了") == ["abuse", "self_harm"]
    assert danger.match("学校门口想要一个斑马线") == []


def test_rules_switched_off_are_respected():
    DangerRule.objects.create(category="abuse", words="打我", active=False)
    DangerRule.objects.update(active=False)
    assert danger.match("爸爸喝了酒就打我") == []
