"""Child impact assessment: the workflow end to end, what a conclusion requires, scores
checked by their bounds, who may do what, spaces of the same area only, the weighted total by
hand, a concluded result untouched by later checklist edits, the Word report read back."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cfcity.assessments import services
from cfcity.assessments.models import Criterion, ImpactAssessment, Score
from cfcity.audit.models import AuditEntry
from tests.assessments.factory import PDF, TODAY, concluded, consult, ia_world, score_all, stored  # noqa: F401

pytestmark = pytest.mark.django_db
S = ImpactAssessment.State
AssessmentError = services.AssessmentError


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_lead_departments_come_from_the_plan(ia_world):
    w = ia_world
    assert services.lead_unit_ids(w["plan"]) == {w["fgw"].pk, w["office"].pk}
    assert services.can_assess(w["fgw_reporter"], w["plan"]) and services.can_assess(w["coordinator"], w["plan"])
    assert not services.can_assess(w["health_reporter"], w["plan"])
    assert not services.can_assess(w["leader"], w["plan"])  # reads everything, changes nothing
    # the default checklist was seeded with the first assessment
    assert [c.dimension for c in w["criteria"]] == ["安全", "可达", "游戏", "健康", "参与", "公平"]


def test_workflow_end_to_end(ia_world):
    w = ia_world
    a, fgw, health = w["mine"], w["fgw_reporter"], w["health_reporter"]
    assert a.state == S.REGISTERED
    score_all(w, a, 4)
    a.refresh_from_db()
    assert a.state == S.ASSESSING
    consult(w, a)
    services.add_condition(fgw, a, text="门诊楼增设儿童候诊游戏区", unit=w["health"], due_on=TODAY)
    services.conclude(fgw, a, finding="conditional", conclusion="基本有利，需增设儿童候诊游戏区。")
    a.refresh_from_db()
    assert a.state == S.CONCLUDED and a.total_score == Decimal("80.0") and a.concluded_by == fgw
    with pytest.raises(AssessmentError):
        score_all(w, a, 5)  # frozen once concluded
    for who in ("edu_reporter", "fgw_reporter", "leader"):  # the coordinator's and the unit's
        with pytest.raises(PermissionDenied):
            services.respond(w[who], a, decision="accepted", text="同意")
    services.respond(health, a, decision="changed", text="县政府常务会议同意，按整改要求修改方案。")
    a.refresh_from_db()
    assert a.state == S.RESPONDED and a.response.decision == "changed"
    with pytest.raises(AssessmentError):
        services.respond(health, a, decision="accepted", text="再来一次")
    cond = a.conditions.get()
    services.set_condition_met(health, cond, True)
    cond.refresh_from_db()
    assert cond.met and cond.met_on == TODAY
    codes = list(AuditEntry.objects.filter(action__startswith="assessments.").values_list("action", flat=True))
    for code in ("registered", "scored", "concluded", "responded"):
        assert f"assessments.assessment.{code}" in codes
    assert "assessments.consultation.recorded" in codes and "assessments.condition.met" in codes
    # what children said stays out of the audit log; counts only
    consulted = AuditEntry.objects.get(action="assessments.consultation.recorded")
    assert "游戏区" not in str(consulted.data) and consulted.data["after"]["children"] == 12
    # and the pages show it
    page = client(w["leader"]).get(f"/assessments/{a.pk}/").content.decode()
    assert "修改后采纳" in page and "80.0" in page and "孩子们希望有室外游戏区" in page


def test_conclude_needs_every_score_and_the_children_consulted(ia_world):
    w = ia_world
    a, fgw = w["mine"], w["fgw_reporter"]
    score_all(w, a)
    with pytest.raises(AssessmentError, match="还没有征求儿童意见"):
        services.conclude(fgw, a, finding="favourable", conclusion="好")
    consult(w, a)
    Score.objects.filter(assessment=a, criterion=w["criteria"][2]).delete()
    with pytest.raises(AssessmentError, match="1 项评价要点没有评分：游戏"):
        services.conclude(fgw, a, finding="favourable", conclusion="好")
    score_all(w, a)
    with pytest.raises(AssessmentError, match="整改要求"):
        services.conclude(fgw, a, finding="conditional", conclusion="需整改")
    with pytest.raises(AssessmentError):
        services.conclude(fgw, a, finding="great", conclusion="好")
    with pytest.raises(AssessmentError, match="评价结论"):
        services.conclude(fgw, a, finding="favourable", conclusion="   ")
    a.refresh_from_db()
    assert a.state == S.ASSESSING and not a.finding
    # through the page: a clear message, nothing concluded
    r = client(w["coordinator"]).post(f"/assessments/{a.pk}/", {"action": "conclude", "conclude-finding": "conditional",
                                                                 "conclude-conclusion": "需整改"}, follow=True)
    assert "请先列出整改要求" in r.content.decode()
    services.conclude(fgw, a, finding="favourable", conclusion="总体有利")
    a.refresh_from_db()
    assert a.state == S.CONCLUDED


@pytest.mark.parametrize("raw", ["-1", "6", "abc", "9" * 100, "2.5", "１", "", " ", "1e3", "0x3", "<script>"])
def test_scores_out_of_bounds_are_refused_and_nothing_is_written(ia_world, raw):
    w = ia_world
    a, (c1, c2) = w["mine"], w["criteria"][:2]
    entries = [{"criterion": c1, "score": "3"}, {"criterion": c2, "score": raw, "file": ("x.pdf", PDF)}]
    with pytest.raises(AssessmentError, match="得分"):
        services.save_scores(w["fgw_reporter"], a, entries)
    assert not a.scores.exists()
    a.refresh_from_db()
    assert a.state == S.REGISTERED


def test_scores_bounds_and_evidence_files(ia_world):
    w = ia_world
    a, c = w["mine"], w["criteria"][0]
    services.save_scores(w["fgw_reporter"], a, [{"criterion": c, "score": "0"}])
    assert a.scores.get().score == 0
    services.save_scores(w["fgw_reporter"], a, [{"criterion": c, "score": " 5 ", "file": ("方案.pdf", PDF)}])
    row = a.scores.get()
    assert row.score == 5 and row.evidence_type == "application/pdf" and row.evidence_name == "方案.pdf"
    for bad in ((b"", "是空的"), (b"<html><script>alert(1)</script>", "不是可接受的类型")):
        with pytest.raises(AssessmentError, match=bad[1]):
            services.save_scores(w["fgw_reporter"], a, [{"criterion": c, "score": "4", "file": ("a.pdf", bad[0])}])
    assert a.scores.get().score == 5
    # the evidence is downloaded by whoever sees the assessment, and nobody else
    assert client(w["health_reporter"]).get(f"/assessments/evidence/{row.pk}/").status_code == 200
    assert client(w["edu_reporter"]).get(f"/assessments/evidence/{row.pk}/").status_code == 404


def test_consultations_are_checked(ia_world):
    w = ia_world
    a, fgw = w["mine"], w["fgw_reporter"]
    ok = {"date": TODAY, "method": "survey", "children": "30", "summary": "意见"}
    for change, message in (({"children": "0"}, "人数"), ({"children": "-3"}, "人数"), ({"children": "abc"}, "人数"),
                            ({"children": "1000001"}, "人数"), ({"method": "dance"}, "方式"),
                            ({"summary": "  "}, "摘要"), ({"date": TODAY + datetime.timedelta(days=1)}, "晚于今天"),
                            ({"date": "2024-13-01"}, "日期")):
        with pytest.raises(AssessmentError, match=message):
            services.record_consultation(fgw, a, **{**ok, **change})
    row = services.record_consultation(fgw, a, **ok, age_bands=["12-18", "bogus", "6-12"])
    assert row.age_bands == ["6-12", "12-18"] and row.children == 30


def test_other_units_are_refused(ia_world):
    w = ia_world
    a = w["mine"]
    for who in ("health_reporter", "edu_reporter", "town_reporter", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            score_all(w, a, who=who)
        with pytest.raises(PermissionDenied):
            consult(w, a, who=who)
    for who in ("edu_reporter", "town_reporter", "leader"):
        with pytest.raises(PermissionDenied):
            services.withdraw(w[who], a, "不做了")
        with pytest.raises(PermissionDenied):
            services.link_spaces(w[who], a, [w["space"]])
    # a department registers only its own; the lead department and the coordinator any unit of the area
    with pytest.raises(PermissionDenied):
        services.register(w["edu_reporter"], w["plan"], title="x", kind="plan", responsible_unit=w["health"],
                          decision_maker="县政府")
    with pytest.raises(PermissionDenied):
        services.register(w["leader"], w["plan"], title="x", kind="plan", responsible_unit=w["health"],
                          decision_maker="县政府")
    with pytest.raises(PermissionDenied):  # another county's unit
        services.register(w["coordinator"], w["plan"], title="x", kind="plan", responsible_unit=w["other_edu"],
                          decision_maker="县政府")
    b = services.register(w["fgw_reporter"], w["plan"], title="城区控规修编", kind="plan",
                          responsible_unit=w["edu"], decision_maker="县政府")
    # who sees what
    seen = {k: set(services.visible_assessments(w[k], w["plan"]).values_list("pk", flat=True))
            for k in ("coordinator", "leader", "inspector", "evaluator", "fgw_reporter", "health_reporter",
                      "edu_reporter", "town_reporter", "admin")}
    for k in ("coordinator", "leader", "inspector", "evaluator", "fgw_reporter"):
        assert seen[k] == {a.pk, b.pk}
    assert seen["health_reporter"] == {a.pk} and seen["edu_reporter"] == {b.pk}
    assert seen["town_reporter"] == set() and seen["admin"] == set()
    with pytest.raises(PermissionDenied):
        services.save_criterion(w["fgw_reporter"], w["plan"], dimension="安全", question="q", weight=1, max_score=5)


def test_withdraw(ia_world):
    w = ia_world
    a = w["mine"]
    with pytest.raises(AssessmentError, match="撤回原因"):
        services.withdraw(w["health_reporter"], a, "  ")
    services.withdraw(w["health_reporter"], a, "项目取消")
    assert a.state == S.WITHDRAWN
    with pytest.raises(AssessmentError):
        consult(w, a)


def test_only_spaces_of_the_same_area_are_linked(ia_world):
    w = ia_world
    a = w["mine"]
    with pytest.raises(AssessmentError, match="本县"):
        services.link_spaces(w["health_reporter"], a, [w["space"], w["foreign_space"]])
    assert not a.spaces.exists()
    services.link_spaces(w["health_reporter"], a, [w["space"], w["space2"]])
    assert set(a.spaces.all()) == {w["space"], w["space2"]}
    assert services.link_spaces(w["health_reporter"], a, [w["space"]]) == []  # already linked: nothing new
    # through the page: the foreign id is refused with a message
    c = client(w["health_reporter"])
    r = c.post(f"/assessments/{a.pk}/", {"action": "link", "space": [w["foreign_space"].pk]}, follow=True)
    assert "只能关联本县" in r.content.decode()
    r = c.post(f"/assessments/{a.pk}/", {"action": "link", "space": ["99999999"]}, follow=True)
    assert "所选空间不存在" in r.content.decode()
    c.post(f"/assessments/{a.pk}/", {"action": "unlink", "space": w["space"].pk})
    assert set(a.spaces.all()) == {w["space2"]}


def test_weighted_total_by_hand(ia_world):
    # (2·3/5 + 1·4/4 + 3·0/5) / 6 = 2.2 / 6
    assert services.weighted_total([(3, 5, 2), (4, 4, 1), (0, 5, 3)]) == Decimal("36.7")
    assert services.weighted_total([(5, 5, 1)]) == Decimal("100.0")
    assert services.weighted_total([]) is None and services.weighted_total([(3, 5, 0)]) is None
    w = ia_world
    a, cs = w["mine"], w["criteria"]  # weights 3,2,2,2,2,1 (12), each out of 5
    values = [5, 4, 3, 2, 1, 0]
    services.save_scores(w["fgw_reporter"], a, [{"criterion": c, "score": str(v)} for c, v in zip(cs, values)])
    # (3·5 + 2·4 + 2·3 + 2·2 + 2·1 + 1·0) / 5 / 12 × 100 = 35 / 60 × 100 = 58.333…
    assert services.total(a) == Decimal("58.3")


def test_checklist_edits_leave_a_concluded_result_intact(ia_world):
    w = ia_world
    a = concluded(w)
    other = services.register(w["coordinator"], w["plan"], title="儿童医院改造", kind="project",
                              responsible_unit=w["health"], decision_maker="县政府")
    score_all(w, other, 3)
    c = w["criteria"][0]
    before = a.total_score
    assert before == Decimal("80.0")
    services.save_criterion(w["coordinator"], w["plan"], c, dimension="交通安全", question="新的要点",
                            weight="10", max_score="10", order="1", active=True)
    frozen = Score.objects.get(assessment=a, criterion=c)
    assert (frozen.dimension, frozen.weight, frozen.max_score, frozen.score) == ("安全", 3, 5, 4)
    a.refresh_from_db()
    assert a.total_score == before and services.total(a) == before
    live = Score.objects.get(assessment=other, criterion=c)  # the open one takes the new checklist
    assert (live.dimension, live.weight, live.max_score) == ("交通安全", 10, 10)
    # a new row and a deactivated one: the concluded result keeps its six rows
    services.save_criterion(w["coordinator"], w["plan"], dimension="教育", question="对受教育权的影响", weight=2,
                            max_score=5)
    services.save_criterion(w["coordinator"], w["plan"], w["criteria"][5], dimension="公平", question="q",
                            weight=1, max_score=5, order=60, active=False)
    assert len(services.current_scores(a)) == 6
    page = client(w["coordinator"]).get(f"/assessments/{a.pk}/").content.decode()
    assert "新的要点" not in page and "80.0" in page
    # lowering a maximum below an open score is refused
    with pytest.raises(AssessmentError, match="高于新的满分"):
        services.save_criterion(w["coordinator"], w["plan"], w["criteria"][1], dimension="可达", question="q",
                                weight=2, max_score=2)
    for bad in ({"weight": "-1"}, {"max_score": "0"}, {"weight": "abc"}, {"dimension": ""}, {"question": "x" * 301}):
        with pytest.raises(AssessmentError):
            services.save_criterion(w["coordinator"], w["plan"], **{"dimension": "安全", "question": "q",
                                                                    "weight": 1, "max_score": 5, **bad})


def test_pages_register_score_consult_conclude_respond(ia_world):
    w = ia_world
    fgw, health = client(w["fgw_reporter"]), client(w["health_reporter"])
    r = health.post("/assessments/new/", {"title": "<script>alert(1)</script>儿童公园", "kind": "project",
                                          "responsible_unit": w["health"].pk, "decision_maker": "县政府",
                                          "registered_on": TODAY.isoformat()})
    assert r.status_code == 302
    a = ImpactAssessment.objects.get(title__endswith="儿童公园")
    listing = fgw.get("/assessments/").content.decode()
    assert "&lt;script&gt;" in listing and "<script>alert" not in listing
    assert health.post("/assessments/new/", {"title": "x", "kind": "project", "responsible_unit": w["edu"].pk,
                                             "decision_maker": "县政府"}).status_code == 400  # not its unit
    body = {"action": "scores"}
    for c in w["criteria"]:
        body[f"score_{c.pk}"], body[f"evidence_{c.pk}"] = "3", "依据"
    body[f"score_{w['criteria'][0].pk}"] = "7"
    r = fgw.post(f"/assessments/{a.pk}/", body, follow=True)
    assert "得分应在 0–5 之间" in r.content.decode() and not a.scores.exists()
    body[f"score_{w['criteria'][0].pk}"] = "5"
    body[f"file_{w['criteria'][0].pk}"] = io.BytesIO(PDF)
    body[f"file_{w['criteria'][0].pk}"].name = "踏勘记录.pdf"
    assert fgw.post(f"/assessments/{a.pk}/", body).status_code == 302
    assert a.scores.count() == 6 and a.scores.get(criterion=w["criteria"][0]).evidence_name == "踏勘记录.pdf"
    consultation = {"action": "consult", "consult-date": TODAY.isoformat(), "consult-method": "council",
                    "consult-children": "9", "consult-age_bands": ["6-12"], "consult-summary": "希望有树荫"}
    assert fgw.post(f"/assessments/{a.pk}/", consultation).status_code == 302
    assert fgw.post(f"/assessments/{a.pk}/", {"action": "consult", "consult-date": "", "consult-method": "council",
                                              "consult-children": "9", "consult-summary": "x"}).status_code == 400
    assert health.post(f"/assessments/{a.pk}/", {"action": "conclude", "conclude-finding": "favourable",
                                                 "conclude-conclusion": "好"}).status_code == 403
    assert fgw.post(f"/assessments/{a.pk}/", {"action": "conclude", "conclude-finding": "favourable",
                                              "conclude-conclusion": "总体有利。"}).status_code == 302
    assert health.post(f"/assessments/{a.pk}/", {"action": "respond", "respond-decision": "accepted",
                                                 "respond-text": "县政府同意。"}).status_code == 302
    a.refresh_from_db()
    assert a.state == S.RESPONDED and a.total_score == Decimal("70.0")  # (3·5 + 9·3) / 5 / 12
    assert fgw.get(f"/assessments/?state=responded&kind=project&unit={w['health'].pk}").content.decode().count(
        f"/assessments/{a.pk}/") == 1
    assert f"/assessments/{a.pk}/" not in fgw.get("/assessments/?state=assessing").content.decode()
    assert fgw.get("/assessments/?state=bogus&unit=99999999999999999999").status_code == 200


def test_word_report_reads_back(ia_world):
    from docx import Document
    w = ia_world
    a = concluded(w)
    services.link_spaces(w["coordinator"], a, [w["space"]])
    r = client(w["health_reporter"]).get(f"/assessments/{a.pk}/report.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "县妇幼保健院新院区建设" in text and "80.0 分" in text and "12名儿童参与" in text
    assert "果里镇上学路" in text and "有利" in text
    assert "安全" in cells and "4/5" in cells


def test_criteria_page(ia_world):
    w = ia_world
    c = client(w["coordinator"])
    r = c.post("/assessments/criteria/", {"action": "add", "new-dimension": "教育", "new-question": "受教育权",
                                          "new-weight": "2", "new-max_score": "5", "new-order": "70",
                                          "new-active": "on"})
    assert r.status_code == 302 and Criterion.objects.filter(dimension="教育").exists()
    row = w["criteria"][0]
    r = c.post("/assessments/criteria/", {"action": "save", "criterion": row.pk, f"c{row.pk}-dimension": "安全",
                                          f"c{row.pk}-question": "交通安全", f"c{row.pk}-weight": "-4",
                                          f"c{row.pk}-max_score": "5", f"c{row.pk}-order": "1"}, follow=True)
    assert "权重应在 0–100 之间" in r.content.decode()
    assert client(w["fgw_reporter"]).post("/assessments/criteria/", {"action": "defaults"}).status_code == 403
    assert "交通安全" not in client(w["leader"]).get("/assessments/criteria/").content.decode()


def test_deadlines_in_the_calendar(ia_world):
    from cfcity.agenda import registry
    from cfcity.assessments.deadlines import assessment_deadlines
    w = ia_world
    assert assessment_deadlines in registry.PROVIDERS
    a = w["mine"]
    a.due_on = TODAY - datetime.timedelta(days=1)
    a.save()
    services.add_condition(w["fgw_reporter"], a, text="增设母婴室", unit=w["health"], due_on=TODAY)
    concluded(w, a)
    window = (TODAY - datetime.timedelta(days=40), TODAY + datetime.timedelta(days=40))
    mine = assessment_deadlines(w["health_reporter"], *window)
    assert {d["title"][:8] for d in mine} == {"儿童影响评价完成", "评价整改要求：县"}
    assert all(not d["overdue"] for d in mine)  # concluded in time to count as done; the condition is due today
    assert assessment_deadlines(w["edu_reporter"], *window) == []
    assert assessment_deadlines(w["admin"], *window) == []
