"""`cfcity demo` adds supervision: one inspection of each kind, findings in every state, an
overdue rectification among the warnings, rectification deadlines ahead for the calendar."""
import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from cfcity.monitoring.models import Warning
from cfcity.supervision import deadlines
from cfcity.supervision.models import Finding, Inspection


def check_demo(out, plan):
    assert set(Inspection.objects.filter(plan=plan).values_list("kind", flat=True)) == set(Inspection.Kind.values)
    findings = list(Finding.objects.filter(inspection__plan=plan))
    assert {f.status for f in findings} == set(Finding.Status.values)
    # the loop went round at least once, and the answers carry evidence
    assert any(f.status == "closed" and f.events.filter(action="reopened").exists() for f in findings)
    assert Finding.objects.filter(evidence__isnull=False).exists()
    # history is dated by the demo's clock, in order
    for f in findings:
        times = [e.at for e in f.events.all()]
        assert times == sorted(times) and times[-1] <= timezone.now()
    today = timezone.localdate()
    overdue = [f for f in findings if f.is_overdue(today)]
    assert overdue
    warned = set(Warning.objects.filter(plan=plan, kind="rectification", resolved_at__isnull=True)
                 .values_list("key", flat=True))
    assert warned == {f"rectification:finding:{f.pk}" for f in overdue}
    coordinator = User.objects.get(username="fegw_xt")
    ahead = deadlines.rectification_deadlines(coordinator, today, today + datetime.timedelta(days=60))
    assert len(ahead) >= 2 and not any(d["overdue"] for d in ahead)
