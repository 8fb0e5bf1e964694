"""Helpers shared by the welfare tests of exports, rotation, retention, measures and
statistics: people with a role in a unit, and children registered through the services."""
import datetime
import itertools

from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.welfare import idcard, services

_seq = itertools.count(101)


def person(unit, username, role):
    u = User.objects.create_user(username, password="x")
    Membership.objects.create(user=u, org_unit=unit, role=role)
    return User.objects.get(pk=u.pk)  # fresh, as a request would load it


def number(born=datetime.date(2015, 3, 8), seq=None):
    return idcard.make("370321", born, next(_seq) if seq is None else seq)


def child(officer, town, village, *, name="张小明", categories=("orphan",), stats=True, **kw):
    base = dict(name=name, id_number=kw.pop("id_number", None) or number(), town=town, village=village,
                categories=list(categories), guardian_name="张大山", guardian_phone="13812345678",
                guardian_relation="父亲", address="桓台县果里镇东村幸福路 8 号", guardian_consent=True,
                consent_statistics=stats, notice_version="2024-1", child_assent=True,
                registered_on=datetime.date(2024, 1, 15))  # before the periods the tests publish
    base.update(kw)
    return services.register_child(officer, services.ChildInput(**base))
