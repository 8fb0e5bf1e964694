"""Moderation, the safeguarding team, referrals, quotes, erasing, the export and the warning:
unmoderated messages are the coordinator's alone; a child's name never leaves the encrypted
original except for the team."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfcity.audit.models import AuditEntry
from cfcity.voice import services
from cfcity.voice.models import DangerRule, Message, Referral

from .factory import NAME, PHONE, hours_ago, receive, signed_in, voice  # noqa: F401

pytestmark = pytest.mark.django_db


def page(user, path):
    r = signed_in(user).get(path)
    return r.status_code, r.content.decode() if r.status_code == 200 else ""


def test_unmoderated_messages_are_the_coordinators_alone(voice):
    w = voice
    for key in ("pending", "rejected"):
        pk = w[key].pk
        assert page(w["coordinator"], f"/voice/messages/{pk}/")[0] == 200
        for who in ("leader", "town_reporter", "health_reporter", "team", "welfare_officer", "other_coordinator"):
            assert page(w[who], f"/voice/messages/{pk}/")[0] == 404, who
        assert page(None, f"/voice/messages/{pk}/")[0] == 302
    # a superuser without a role sees no message either
    from django.contrib.auth.models import User
    root = User.objects.create_superuser("root", password="x")
    assert page(root, f"/voice/messages/{w['pending'].pk}/")[0] == 404
    # lists: the pending message is in the coordinator's inbox and nowhere else
    _, inbox = page(w["coordinator"], "/voice/inbox/?state=pending")
    assert "学校门口没有红绿灯" in inbox
    for who in ("leader", "town_reporter", "team"):
        _, listing = page(w[who], "/voice/messages/")
        assert "学校门口没有红绿灯" not in listing


def test_the_coordinator_sees_scrubbed_text_only(voice):
    w = voice
    for key in ("pending", "flagged", "approved"):
        status, html = page(w["coordinator"], f"/voice/messages/{w[key].pk}/")
        assert status == 200 and NAME not in html and PHONE not in html and "〔姓名〕" in html


def test_approved_messages_for_staff_in_scope(voice):
    w = voice
    pk = w["approved"].pk  # 果里镇
    for who in ("coordinator", "leader", "town_reporter"):
        status, html = page(w[who], f"/voice/messages/{pk}/")
        assert status == 200 and NAME not in html, who
    assert page(w["town2_reporter"], f"/voice/messages/{pk}/")[0] == 404  # 索镇's
    assert page(w["other_coordinator"], f"/voice/messages/{pk}/")[0] == 404  # 临淄区's
    _, listing = page(w["town_reporter"], "/voice/messages/")
    assert "公园想要沙坑" in listing and NAME not in listing


def test_the_team_reads_the_original_of_flagged_messages_audited(voice):
    w = voice
    status, html = page(w["team"], f"/voice/messages/{w['flagged'].pk}/")
    assert status == 200 and NAME in html and "原文" in html
    entry = AuditEntry.objects.filter(action="voice.viewed_original").latest("pk")
    assert entry.object_id == str(w["flagged"].pk) and NAME not in str(entry.data)
    assert page(w["team"], f"/voice/messages/{w['pending'].pk}/")[0] == 404
    _, queue = page(w["team"], "/voice/safeguarding/")
    assert f"#{w['flagged'].pk}" in queue and f"#{w['handled'].pk}" in queue and NAME not in queue
    for who in ("coordinator", "leader", "welfare_officer"):
        assert page(w[who], "/voice/safeguarding/")[0] == 403


def test_the_team_needs_a_second_factor(voice):
    from django.test import Client
    c = Client()
    c.force_login(voice["team"])
    r = c.get(f"/voice/messages/{voice['flagged'].pk}/")
    assert r.status_code == 302 and NAME not in r.content.decode()


def test_moderation_steps(voice):
    w = voice
    c = w["coordinator"]
    m = services.moderate(c, w["pending"].pk, "approve")
    assert m.state == "approved"
    with pytest.raises(services.VoiceError):
        services.moderate(c, m.pk, "approve")
    m = services.moderate(c, m.pk, "flag")
    assert m.state == "flagged" and m.response_due > hours_ago(-23)
    m = services.moderate(c, m.pk, "unflag")
    assert (m.state, m.danger, m.response_due) == ("pending", False, None)
    with pytest.raises(Http404):
        services.moderate(w["leader"], m.pk, "approve")
    with pytest.raises(Http404):
        services.moderate(w["other_coordinator"], m.pk, "approve")
    r = signed_in(c).post(f"/voice/messages/{m.pk}/moderate/", {"action": "reject"})
    assert r.status_code == 302 and Message.objects.get(pk=m.pk).state == "rejected"
    assert signed_in(w["leader"]).post(f"/voice/messages/{m.pk}/moderate/", {"action": "approve"}).status_code == 404


def test_a_quote_needs_a_second_person(voice):
    w = voice
    pk = w["approved"].pk
    with pytest.raises(services.VoiceError):  # still a name in it
        services.propose_quote(w["coordinator"], pk, f"我叫{NAME}，公园想要沙坑")
    services.propose_quote(w["coordinator"], pk, "公园想要沙坑")
    with pytest.raises(services.VoiceError):
        services.approve_quote(w["coordinator"], pk)  # the proposer
    with pytest.raises(Http404):
        services.approve_quote(w["town_reporter"], pk)
    m = services.approve_quote(w["coordinator2"], pk, "公园里想要一个沙坑")
    assert (m.quote_state, m.quote_text) == ("approved", "公园里想要一个沙坑")
    with pytest.raises(services.VoiceError):
        services.propose_quote(w["coordinator"], w["pending"].pk, "x")  # not approved


def test_respond_and_refer_never_make_a_welfare_record(voice, django_capture_on_commit_callbacks):
    from cfcity.welfare.models import Child
    w = voice
    pk = w["flagged"].pk
    r = signed_in(w["team"]).post(f"/voice/messages/{pk}/respond/", {"note": "已联系派出所和学校"})
    assert r.status_code == 302
    m = Message.objects.get(pk=pk)
    assert m.state == "handled" and m.responded_at and "派出所" in m.response_note
    r = signed_in(w["team"]).post(f"/voice/messages/{pk}/refer/", {"to_unit": w["civil"].pk, "reason": "疑似家暴"})
    assert r.status_code == 302
    ref = Referral.objects.get()
    assert (ref.message_id, ref.to_unit, ref.created_by) == (pk, w["civil"], w["team"])
    assert Child.objects.count() == 0
    # the bureau's welfare officer sees the referral; others do not
    _, html = page(w["welfare_officer"], "/voice/referrals/")
    assert "疑似家暴" in html and NAME not in html
    assert page(w["coordinator"], "/voice/referrals/")[0] == 403
    # the wrong unit, and the coordinator, cannot refer
    assert signed_in(w["team"]).post(f"/voice/messages/{pk}/refer/",
                                     {"to_unit": w["other_edu"].pk, "reason": "x"}).status_code == 400
    assert signed_in(w["coordinator"]).post(f"/voice/messages/{pk}/refer/",
                                            {"to_unit": w["civil"].pk, "reason": "x"}).status_code == 403


def test_erase_removes_everything_but_the_fact(voice):
    w = voice
    pk = w["flagged"].pk
    services.refer(w["team"], pk, to_unit=w["civil"], reason="转介")
    with pytest.raises(PermissionDenied):
        services.erase(w["town_reporter"], w["approved"].pk)  # may see it, may not erase it
    with pytest.raises(Http404):
        services.erase(w["team"], w["pending"].pk)  # not flagged: not the team's
    r = signed_in(w["team"]).post(f"/voice/messages/{pk}/erase/")
    assert r.status_code == 302
    assert not Message.objects.filter(pk=pk).exists()
    ref = Referral.objects.get()
    assert ref.message is None and ref.message_erased and ref.message_number == pk
    entry = AuditEntry.objects.get(action="voice.erased")
    assert entry.data == {"message": pk}
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("select count(*) from voice_message where id = %s", [pk])
        assert cur.fetchone()[0] == 0
    services.erase(w["coordinator"], w["approved"].pk)
    assert not Message.objects.filter(pk=w["approved"].pk).exists()


def test_export_has_no_name(voice):
    from openpyxl import load_workbook
    w = voice
    r = signed_in(w["coordinator"]).get("/voice/messages/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = " ".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    assert "公园想要沙坑" in cells and "〔姓名〕" in cells
    assert NAME not in cells and PHONE not in cells and "爸爸天天打我" not in cells  # approved only
    assert NAME not in r.content.decode("latin-1")
    assert signed_in(w["leader"]).get("/voice/messages/export.xlsx").status_code == 403


def test_rules_edited_by_the_coordinator(voice):
    w = voice
    c = signed_in(w["coordinator"])
    r = c.post("/voice/rules/", {"category": "other", "words": "好害怕\n没人接我", "active": "on"})
    assert r.status_code == 302
    assert services.danger.match("放学没 人 接我", w["county"].pk) == ["other"]
    assert receive(w, "今天放学没人接我").state == "flagged"
    for bad in ("", "我", "(a+)+$" * 10, "x" * 31):
        assert c.post("/voice/rules/", {"category": "other", "words": bad}).status_code == 400
    rule = DangerRule.objects.get(category="self_harm", area__isnull=True)
    r = c.post("/voice/rules/", {"rule": rule.pk, "category": "self_harm", "words": rule.words})  # switched off
    assert r.status_code == 302 and not DangerRule.objects.get(pk=rule.pk).active
    assert receive(w, "我想死").state == "pending"
    assert signed_in(w["leader"]).get("/voice/rules/").status_code == 403


def test_the_team_is_mailed_without_the_text(voice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = receive(voice, f"有人打我。我叫{NAME}")
    mail = mailoutbox[-1]
    assert mail.to == ["ertong_an@example.cn"]
    assert str(m.pk) in mail.body and NAME not in mail.body and "打我" not in mail.body + mail.subject


def test_an_overdue_message_warns_the_coordinators_unit(voice):
    from django.utils import timezone

    from cfcity.monitoring.models import Warning
    from cfcity.monitoring.warnings import refresh
    w = voice
    Message.objects.filter(pk=w["flagged"].pk).update(response_due=hours_ago(5))
    refresh(w["plan"], as_of=timezone.localdate())
    warning = Warning.objects.get(kind=Warning.Kind.SAFEGUARDING, resolved_at__isnull=True)
    assert warning.org_unit == w["office"] and warning.severity == "high"
    assert str(w["flagged"].pk) in warning.message and "打我" not in warning.message and NAME not in warning.message
    services.respond(w["team"], w["flagged"].pk, "已处置")
    from cfcity.voice.rules import overdue_messages
    assert overdue_messages(w["plan"], timezone.localdate() + datetime.timedelta(days=1)) == []
    refresh(w["plan"], as_of=timezone.localdate())
    assert Warning.objects.get(pk=warning.pk).resolved_at is not None


HOSTILE = ["' OR 1=1 --", "../../etc/passwd", "²", "٣", "99999999999999999999", "-1", "x" * 5000, "<script>"]


def test_hostile_parameters_and_ids(voice):
    w = voice
    coordinator, team, anon = signed_in(w["coordinator"]), signed_in(w["team"]), signed_in(None)
    for v in HOSTILE:
        for c, path, param in ((anon, "/voice/", "area"), (anon, "/voice/summary/", "area"), (anon, "/voice/thanks/", "r"),
                               (coordinator, "/voice/inbox/", "state"), (coordinator, "/voice/rules/", "edit")):
            r = c.get(path, {param: v})
            assert r.status_code in (200, 400, 404), (path, v, r.status_code)
            assert "<script>" not in r.content.decode() or path == "/voice/rules/"
    for pk in ("99999999999999999999", "0"):
        for c in (coordinator, team):
            assert c.get(f"/voice/messages/{pk}/").status_code == 404
            assert c.post(f"/voice/messages/{pk}/moderate/", {"action": "approve"}).status_code == 404
            assert c.post(f"/voice/messages/{pk}/erase/").status_code == 404
            assert c.post(f"/voice/messages/{pk}/respond/", {"note": "x"}).status_code == 404
            assert c.post(f"/voice/messages/{pk}/refer/", {"to_unit": w["civil"].pk, "reason": "x"}).status_code == 404
    assert coordinator.post(f"/voice/messages/{w['pending'].pk}/moderate/", {"action": "drop table"}).status_code == 302
    r = coordinator.post("/voice/rules/", {"rule": "99999999999999999999", "category": "other", "words": "救命啊"})
    assert r.status_code in (302, 404)
