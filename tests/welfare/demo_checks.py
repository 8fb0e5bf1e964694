"""`cfcity demo` also fills the register of children in difficulty (cfcity.welfare.demo):
invented children with categories, support, visits; a roster with gaps that show as warnings;
figures for the plan's welfare targets; three users for the welfare roles."""

from django.db import connection

from cfcity.audit.models import AuditEntry
from cfcity.monitoring.models import Observation, Warning
from cfcity.plans import models as pm
from cfcity.welfare import crypto, idcard, services
from cfcity.welfare.models import Category, Child, Support, SupportKind, Training, Visit, Worker


def check_demo(out, plan):
    text = out
    for username, role in (("mzj_tz", "民政台账管理员"), ("glz_dd", "儿童督导员"), ("glz_glc_zr", "儿童主任")):
        line = next(ln for ln in text.splitlines() if ln.startswith(username + " "))
        assert role in line

    children = list(Child.objects.all())
    assert len(children) == 60
    assert len({c.town_id for c in children}) == 9 and len({c.village_id for c in children}) >= 35
    for c in children:  # every number valid, under an address code no real county holds
        parsed = idcard.parse(c.id_number, for_minor=True)
        assert parsed.region == "379999" and c.birth_date == parsed.birth_date.isoformat()
    assert len(set(Child.objects.values_list("categories__category", flat=True))) >= 6
    assert Child.objects.filter(categories__category=Category.LEFT_BEHIND).count() >= 10
    kinds = set(Support.objects.values_list("kind", flat=True))
    assert {SupportKind.CP_REHAB, SupportKind.HOPE_HOUSE, SupportKind.BENEFIT} <= kinds
    assert Child.objects.filter(cp_indicated=True).exists() and Child.objects.filter(hope_house_eligible=True).exists()
    assert Visit.objects.count() >= 30 and Training.objects.exists()
    assert Child.objects.filter(status=Child.Status.CLOSED).count() == 3
    assert services.due_for_anonymisation().count() == 1
    assert 0 < Child.objects.filter(consent_statistics=False).count() < 15

    # the roster: most towns and villages have their person, some do not
    assert Worker.objects.filter(kind=Worker.Kind.SUPERVISOR).count() == 7
    assert 25 <= Worker.objects.filter(kind=Worker.Kind.DIRECTOR).count() <= 35
    assert Worker.objects.filter(user__username="glz_glc_zr", org_unit__name="果里村").exists()
    plan = pm.Plan.objects.get()
    gaps = Warning.objects.filter(plan=plan, kind=Warning.Kind.ROSTER_GAP, resolved_at__isnull=True)
    assert {w.message[:3] for w in gaps} >= {"新城镇", "荆家镇"} and gaps.count() == 2 + 6

    # the plan's welfare targets are measured from the register, in the last demo year
    for number in (19, 22, 23):
        for target in pm.Target.objects.filter(task__plan=plan, task__number=number):
            assert Observation.objects.filter(target=target, report=None, period__year=2025).exists(), target

    # encrypted in the database, nothing personal in the audit log
    with connection.cursor() as cur:
        cur.execute("SELECT name, id_number FROM welfare_child")
        assert all(crypto.is_token(a) and crypto.is_token(b) for a, b in cur.fetchall())
    audit = " ".join(str(e.data) + e.object_repr for e in AuditEntry.objects.filter(action__startswith="welfare."))
    assert not any(c.name in audit or c.id_number in audit for c in children)
