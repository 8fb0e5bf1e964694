"""The council register: who may create and manage councils, the active rule and the register
figures, the proposal loop (submit → route → answer → close) with its overdue warning, and the
privacy promise: a member's real name is encrypted at rest, absent from every page and the
export, readable only by the council's own unit with a reason (audited, the name not in it)."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from cfcity.audit.models import AuditEntry
from cfcity.councils import measures, rules, services
from cfcity.councils.models import ChildrenCouncil, CouncilMember, Proposal
from cfcity.monitoring import judgements
from cfcity.monitoring.models import Judgement, Warning
from cfcity.monitoring.services import recompute

from .factory import FOUNDED, NAMES, PDF, TODAY, cw, stored  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_who_may_create_councils(cw):
    town, town2, village, school = cw["town"], cw["town2"], cw["village"], cw["school"]
    assert services.can_create_at(cw["town_reporter"], village)
    assert not services.can_create_at(cw["town_reporter"], town2)  # another town
    assert not services.can_create_at(cw["health_reporter"], town)
    assert services.can_create_at(cw["lead_reporter"], town2)  # lead department: the whole county
    assert services.can_create_at(cw["coordinator"], town2)
    assert not services.can_create_at(cw["leader"], town2)  # read-only
    assert not services.can_create_at(cw["coordinator"], cw["health"])  # a department has no council
    with pytest.raises(PermissionDenied):
        services.create_council(cw["town_reporter"], org_unit=town2, name="索镇儿童议事会", founded_on=FOUNDED)
    with pytest.raises(services.CouncilError):
        services.create_council(cw["town_reporter"], org_unit=town, name="果里镇儿童议事会", founded_on=FOUNDED)
    c = services.create_council(cw["coordinator"], org_unit=town2, name="索镇儿童议事会", founded_on=FOUNDED)
    assert c.level == "town" and c.area == cw["county"]
    assert cw["school_council"].level == "school" and cw["county_council"].level == "county"
    # the lead department sees every council of the county; a town only its own and its villages'
    assert services.visible_councils(cw["lead_reporter"]).count() == 5
    assert set(services.visible_councils(cw["town_reporter"])) == {cw["town_council"], cw["village_council"]}
    assert not services.visible_councils(cw["health_reporter"]).exists()


def test_active_rule_and_register_figures(cw):
    county, town_c, village_c = cw["county_council"], cw["town_council"], cw["village_council"]
    assert measures.is_active(county, TODAY) and measures.is_active(town_c, TODAY)
    assert not measures.is_active(village_c, TODAY)  # 4 members
    services.add_member(cw["town_reporter"], village_c, pseudonym="无同意", age_band="6-8", guardian_consent=False,
                        joined_on=FOUNDED)
    assert not measures.is_active(village_c, TODAY)  # without consent a member does not count
    services.add_member(cw["town_reporter"], village_c, pseudonym="新成员", age_band="6-8", guardian_consent=True,
                        consent_on=FOUNDED, consent_form="electronic", joined_on=FOUNDED)
    assert measures.is_active(village_c, TODAY)
    f = measures.figures(cw["county"].pk, TODAY)
    assert f.county_active and (f.towns_active, f.towns) == (1, 2) and (f.villages_active, f.villages) == (1, 1)
    assert (f.schools_active, f.schools) == (0, 1) and f.inactive_towns == ["索镇"]
    # a year on without a meeting: nobody active; a member who left is not current
    later = TODAY + datetime.timedelta(days=400)
    assert not measures.is_active(county, later)
    m = county.members.first()
    services.update_member(cw["lead_reporter"], m, age_band="12-14", guardian_consent=True, consent_on=FOUNDED,
                           consent_form="written", left_on=TODAY)
    assert not measures.is_active(county, TODAY + datetime.timedelta(days=1))
    services.refresh_active(day=TODAY)
    assert set(ChildrenCouncil.objects.filter(active=True)) == {town_c, village_c}


def test_proposal_loop_warning_and_audit(cw):
    p, health = cw["proposal"], cw["health"]
    assert p.state == "routed"
    with pytest.raises(PermissionDenied):
        services.answer(cw["edu_reporter"], p, text="不是我们的")
    with pytest.raises(PermissionDenied):
        services.route(cw["health_reporter"], p, to=cw["edu"], due_on=TODAY)
    # the routed unit sees it although the council is not in its scope
    assert services.visible_proposals(cw["health_reporter"]).filter(pk=p.pk).exists()
    assert not services.visible_proposals(cw["edu_reporter"]).filter(pk=p.pk).exists()
    # overdue: a warning for the routed unit, naming the council and the title only
    Proposal.objects.filter(pk=p.pk).update(due_on=TODAY - datetime.timedelta(days=3))
    found = rules.proposal_rules(cw["plan"], TODAY)
    assert len(found) == 1 and found[0].org_unit_id == health.pk and "公园增设饮水机" in found[0].message
    assert found[0].task_id is not None and found[0].kind == Warning.Kind.PROPOSAL
    recompute([cw["plan"]], as_of=TODAY)
    w = Warning.objects.get(kind="proposal")
    assert w.org_unit == health and w.resolved_at is None
    p.refresh_from_db()
    with pytest.raises(services.CouncilError):
        services.close(cw["town_reporter"], p, outcome="adopted")  # not answered yet
    services.answer(cw["health_approver"], p, text="已在公园安装两台直饮水机。")
    assert rules.proposal_rules(cw["plan"], TODAY) == []
    recompute([cw["plan"]], as_of=TODAY)
    assert Warning.objects.get(kind="proposal").resolved_at is not None
    with pytest.raises(PermissionDenied):
        services.close(cw["health_reporter"], p, outcome="adopted")
    services.close(cw["town_reporter"], p, outcome="adopted", note="已落实")
    assert [s.step for s in p.steps.all()] == ["submitted", "routed", "answered", "closed"]
    actions = list(AuditEntry.objects.filter(action__startswith="councils.proposal").order_by("pk").values_list("action", flat=True))
    assert actions == ["councils.proposal.submitted", "councils.proposal.routed", "councils.proposal.answered",
                       "councils.proposal.closed"]
    text = str(list(AuditEntry.objects.values_list("data", flat=True)))
    assert "夏天在公园玩" not in text and not any(n in text for n in NAMES)


def test_real_names_encrypted_and_never_shown(cw):
    with connection.cursor() as cur:
        cur.execute("SELECT real_name FROM councils_councilmember")
        raw = " ".join(r[0] for r in cur.fetchall())
    assert not any(n in raw for n in NAMES)
    assert CouncilMember.objects.get(pk=cw["member"].pk).real_name == NAMES[0]
    coordinator, town = client(cw["coordinator"]), client(cw["town_reporter"])
    pages = ["/councils/", f"/councils/{cw['town_council'].pk}/", f"/councils/{cw['county_council'].pk}/",
             f"/councils/proposals/{cw['proposal'].pk}/", f"/councils/members/{cw['member'].pk}/"]
    for c in (coordinator, town, client(cw["lead_reporter"])):
        for url in pages:
            body = c.get(url).content.decode()
            assert not any(n in body for n in NAMES), url
    # the export: pseudonyms only
    r = coordinator.get("/councils/export.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    cells = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "星0号" in cells and not any(n in cells for n in NAMES)
    # reading a name: the council's own unit, with a reason; audited without the name
    url = f"/councils/members/{cw['member'].pk}/"
    r = coordinator.post(url, {"action": "reveal", "reason": "核对"})
    assert r.status_code == 403
    assert town.post(url, {"action": "reveal", "reason": ""}).status_code == 400
    r = town.post(url, {"action": "reveal", "reason": "核对监护人同意书"})
    assert r.status_code == 200 and NAMES[0] in r.content.decode() and r["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="councils.member.name_read")
    assert entry.data["reason"] == "核对监护人同意书" and NAMES[0] not in str(entry.data)
    assert services.can_reveal(cw["lead_reporter"], cw["county_council"])
    assert not services.can_reveal(cw["lead_reporter"], cw["town_council"])
    assert not services.can_reveal(cw["health_reporter"], cw["town_council"])


def test_hostile_input(cw):
    tr, c = cw["town_reporter"], cw["town_council"]
    for kw, message in ((dict(pseudonym=""), "化名"), (dict(pseudonym="小雪", real_name="欧阳小雪"), "化名"),
                        (dict(pseudonym="x" * 21), "20"), (dict(pseudonym="星0号"), "已有"),
                        (dict(guardian_consent=True, consent_form=""), "同意的方式")):
        base = dict(pseudonym="新", age_band="9-11", real_name="", guardian_consent=False, joined_on=FOUNDED)
        with pytest.raises(services.CouncilError, match=message):
            services.add_member(tr, c, **{**base, **kw})
    with pytest.raises(services.CouncilError, match="不是可接受的类型"):
        services.record_meeting(tr, c, date=TODAY, topic="议题", file_name="纪要.pdf", file_data=b"<script>x</script>")
    with pytest.raises(services.CouncilError, match="空的"):
        services.record_meeting(tr, c, date=TODAY, topic="议题", file_name="纪要.pdf", file_data=b"")
    with pytest.raises(services.CouncilError, match="早于"):
        services.record_meeting(tr, c, date=FOUNDED - datetime.timedelta(days=1), topic="议题")
    before = c.meetings.count()
    services.record_meeting(tr, c, date=TODAY, topic="有纪要", file_name="../../纪要\x00.pdf", file_data=PDF)
    m = c.meetings.get(topic="有纪要")
    assert c.meetings.count() == before + 1 and m.original_name == "纪要.pdf" and m.content_type == "application/pdf"
    r = client(tr).get(f"/councils/meetings/{m.pk}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    with pytest.raises(services.CouncilError):
        services.submit_proposal(tr, c, title="t" * 201, text="x", submitted_on=TODAY)
    p = services.submit_proposal(tr, c, title="<script>alert(1)</script>", text="=HYPERLINK(\"x\")",
                                 submitted_on=TODAY)
    body = client(tr).get(f"/councils/proposals/{p.pk}/").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    with pytest.raises(services.CouncilError, match="部门或镇"):
        services.route(tr, p, to=cw["other_edu"], due_on=TODAY)  # another county's department
    with pytest.raises(services.CouncilError, match="早于"):
        services.route(tr, p, to=cw["health"], due_on=TODAY - datetime.timedelta(days=1))
    # pages refuse bad posts with 400, nothing half-written
    r = client(tr).post(f"/councils/{c.pk}/", {"action": "member", "member-pseudonym": "",
                                                 "member-age_band": "99", "member-joined_on": "x"})
    assert r.status_code == 400 and c.members.count() == 5
    r = client(tr).post(f"/councils/{c.pk}/", {"action": "nonsense"})
    assert r.status_code == 400


def test_pages_do_the_loop(cw):
    tr, hr = client(cw["town_reporter"]), client(cw["health_reporter"])
    c = cw["town_council"]
    r = tr.post(f"/councils/{c.pk}/", {"action": "proposal", "proposal-title": "操场开放", "proposal-text": "周末开放操场",
                                        "proposal-submitted_on": TODAY.isoformat()})
    p = Proposal.objects.get(title="操场开放")
    assert r.status_code == 302 and r["Location"] == f"/councils/proposals/{p.pk}/"
    r = tr.post(r["Location"], {"action": "route", "to": cw["health"].pk,
                                "due_on": (TODAY + datetime.timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    assert "操场开放" in hr.get("/councils/proposals/").content.decode()
    assert hr.post(f"/councils/proposals/{p.pk}/", {"action": "close", "outcome": "adopted"}).status_code == 403
    assert hr.post(f"/councils/proposals/{p.pk}/", {"action": "answer", "text": "同意"}).status_code == 302
    assert tr.post(f"/councils/proposals/{p.pk}/", {"action": "close", "outcome": "partly"}).status_code == 302
    p.refresh_from_db()
    assert p.state == "closed" and p.outcome == "partly"
    # the register on the index
    body = client(cw["coordinator"]).get("/councils/").content.decode()
    assert "镇（街道）：1/2" in body and "按名册更新节点任务判断" in body


def test_register_judgement_never_overrides_the_coordinator(cw):
    plan = cw["plan"]
    target = measures.bound_targets(plan)[0]
    assert target.task.number == 1 and measures.lead_unit_ids(cw["county"].pk) == {cw["office"].pk, cw["mzj"].pk}
    [j] = measures.record_register_judgement(plan, as_of=TODAY)
    assert j.judged_by is None and "镇（街道）：1/2" in j.note
    # the plan's milestone year (2024) has passed with only one town of two: off track
    assert j.status == "off_track"
    judgements.set_judgement(target, status="on_track", note="实地核查", user=cw["coordinator"])
    assert measures.record_register_judgement(plan, as_of=TODAY) == []
    j = Judgement.objects.get(target=target)
    assert j.status == "on_track" and j.judged_by == cw["coordinator"]
    r = client(cw["leader"]).post("/councils/judgement/")
    assert r.status_code == 403


def test_verdict_against_the_expected_share(cw):
    target = measures.bound_targets(cw["plan"])[0]
    target.year = 2030
    f = measures.Figures(as_of=datetime.date(2026, 1, 1), county_active=True, towns=10, towns_active=6,
                         villages=10, villages_active=4)
    status, expected = measures.verdict(target, f)
    assert status == "on_track" and 35 < expected < 40  # 2023-01-01 → 2030-12-31: 3 of 8 years
    f.villages_active = 2
    assert measures.verdict(target, f)[0] == "at_risk"
    f.towns_active, f.villages_active = 10, 8
    assert measures.verdict(target, f)[0] == "achieved"  # 80 % of villages
    f.county_active = False
    assert measures.verdict(target, f)[0] == "at_risk"


def test_answer_dates_in_the_calendar(cw):
    from cfcity.agenda.registry import deadlines_for
    start, end = TODAY, TODAY + datetime.timedelta(days=60)
    mine = [d for d in deadlines_for(cw["health_reporter"], start, end) if d.kind == "proposal"]
    assert len(mine) == 1 and "公园增设饮水机" in mine[0].title and not mine[0].done
    assert not [d for d in deadlines_for(cw["edu_reporter"], start, end) if d.kind == "proposal"]
