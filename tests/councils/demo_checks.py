"""The councils part of ``cfcity demo``: councils at every level (some not active), proposals
in every state with one overdue (a warning for its unit), the register's judgement of the
council milestone — and no member's real name in any page or the export."""
import io

from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from cfcity.councils import measures
from cfcity.councils.models import ChildrenCouncil, CouncilMember, Proposal
from cfcity.monitoring.models import Judgement, Warning


def check_demo(out, plan):
    levels = set(ChildrenCouncil.objects.values_list("level", flat=True))
    assert levels == {"county", "town", "village", "school"}
    assert ChildrenCouncil.objects.filter(active=True).exists() and ChildrenCouncil.objects.filter(active=False).exists()
    assert set(Proposal.objects.values_list("state", flat=True)) == {"submitted", "routed", "answered", "closed"}
    overdue = Warning.objects.get(plan=plan, kind="proposal", resolved_at__isnull=True)
    assert "遮阳棚" in overdue.message
    [target] = measures.bound_targets(plan)
    judgement = Judgement.objects.get(target=target)
    assert judgement.judged_by is None and "镇（街道）" in judgement.note
    names = [n for n in CouncilMember.objects.values_list("real_name", flat=True) if n]
    assert len(names) > 20
    coordinator = User.objects.get(username="fegw_xt")
    site = Client()
    site.force_login(coordinator)
    council = ChildrenCouncil.objects.get(level="county")
    pages = ["/councils/", f"/councils/{council.pk}/", "/councils/proposals/", "/public/",
             *(f"/councils/proposals/{p.pk}/" for p in Proposal.objects.all()),
             *(f"/councils/{c.pk}/" for c in ChildrenCouncil.objects.all()[:6])]
    for url in pages:
        r = site.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert not any(n in body for n in names), url
    r = site.get("/councils/export.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    cells = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "小蜜蜂" in cells and not any(n in cells for n in names)
