"""The calendar: providers scoped by the user, overdue logic, the page, the feed parsed back,
token revocation, e-mail reminders sent once."""
import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from cfcity.agenda import feeds, providers, registry, remind
from cfcity.agenda.display import long_date
from cfcity.agenda.models import CalendarFeed, SentReminder
from cfcity.agenda.registry import Deadline, deadlines_for
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.reporting import workflow
from cfcity.reporting.models import Period
from tests.test_reporting import county, fill, fresh  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

D = datetime.date
WHOLE = (D(2022, 1, 1), D(2027, 12, 31))


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_long_date_reads_as_a_notice():
    assert long_date(D(2026, 3, 15)) == "2026年3月15日 周日"
    assert long_date(D(2025, 1, 15)) == "2025年1月15日 周三"


def test_registry_normalises_dicts_sorts_and_keeps_the_range(monkeypatch):
    def a(user, start, end):
        return [{"date": D(2025, 3, 1), "title": "乙", "kind": "workplan", "url": "/w/", "org_unit_id": 1,
                 "overdue": True, "extra": "ignored"},
                Deadline(D(2030, 1, 1), "范围外", "x", "/", None)]

    def b(user, start, end):
        return [Deadline(D(2025, 2, 1), "甲", "rectification", "/r/", 2)]

    monkeypatch.setattr(registry, "PROVIDERS", [])
    registry.register(a)
    registry.register(b)
    registry.register(a)  # ready() twice: still once
    got = deadlines_for(None, D(2025, 1, 1), D(2025, 12, 31))
    assert [(d.title, d.overdue) for d in got] == [("甲", False), ("乙", True)]
    assert all(isinstance(d, Deadline) for d in got)


def test_report_deadlines_are_scoped_to_the_unit(county):
    health, office = county["health"], county["office"]
    mine = providers.report_due(fresh(county["reporter"]), *WHOLE)
    assert {d.org_unit_id for d in mine} == {health.pk}
    assert [d.date for d in mine] == [D(2024, 1, 15), D(2025, 1, 15), D(2026, 1, 15)]
    assert all(d.url.startswith("/my/?period=") and "县卫生健康局" in d.title for d in mine)
    assert providers.report_due(fresh(county["edu_reporter"]), *WHOLE) == []  # owes nothing
    everyone = providers.report_due(fresh(county["coordinator"]), *WHOLE)
    assert {health.pk, office.pk} <= {d.org_unit_id for d in everyone}
    assert all(d.url.startswith("/status/") for d in everyone if d.org_unit_id != office.pk)


def test_milestones_for_the_lead_units_and_the_coordinator(county):
    office = county["office"]
    minzheng = OrgUnit.objects.get(name="县民政局")
    assert providers.milestones_due(fresh(county["reporter"]), *WHOLE) == []  # not a lead of task (1)
    got = providers.milestones_due(fresh(county["coordinator"]), *WHOLE)
    assert {(d.date, d.org_unit_id) for d in got} == {(D(2024, 12, 31), office.pk), (D(2024, 12, 31), minzheng.pk)}
    assert all("三级儿童议事会体系基本形成" in d.title for d in got)
    assert providers.milestones_due(fresh(county["coordinator"]), D(2025, 1, 1), D(2025, 12, 31)) == []
    late = providers.milestones_due(fresh(county["coordinator"]), *WHOLE, today=D(2025, 1, 1))
    assert all(d.overdue and not d.done for d in late)
    assert not any(d.overdue for d in providers.milestones_due(fresh(county["coordinator"]), *WHOLE,
                                                               today=D(2024, 12, 31)))


def test_a_report_is_overdue_after_its_deadline_until_it_is_sent(county):
    user = fresh(county["reporter"])
    span = (D(2025, 1, 1), D(2025, 1, 31))
    [before] = providers.report_due(user, *span, today=D(2025, 1, 15))
    [after] = providers.report_due(user, *span, today=D(2025, 1, 16))
    assert not before.overdue and after.overdue and not after.done
    assert "尚未报送 1 项" in after.title
    report, _ = fill(county)
    workflow.submit(report, user=county["reporter"])
    [sent] = providers.report_due(user, *span, today=D(2025, 1, 16))
    assert sent.done and not sent.overdue and "已全部报送" in sent.title


def test_the_calendar_page_month_and_list(county):
    c = client(county["reporter"])
    page = c.get("/agenda/?month=2025-01").content.decode()
    assert "2025年1月" in page and "县卫生健康局：2024年进展报告报送期限" in page
    assert "2025年1月15日 周三" in page
    # the deadline is long past (real today) and nothing was sent: marked in words
    assert re.search(r'class="agenda-item kind-report overdue".*?已逾期', page, re.S)
    listing = c.get("/agenda/?view=list&month=2024-12").content.decode()
    assert "2025年1月15日 周三" in listing and "已逾期" in listing
    assert "2026年" not in listing.split("<h2>")[1].split("订阅")[0]  # three months only
    empty = client(county["edu_reporter"]).get("/agenda/?month=2025-01").content.decode()
    assert "进展报告报送期限" not in empty
    assert c.get("/agenda/?month=garbage").status_code == 200  # falls back to this month


def test_a_unit_filter_within_scope_only(county):
    health = county["health"]
    page = client(county["coordinator"]).get(f"/agenda/?month=2025-01&unit={health.pk}").content.decode()
    assert "县卫生健康局：2024年" in page and "县妇儿工委办公室：2024年" not in page
    assert client(county["edu_reporter"]).get(f"/agenda/?unit={health.pk}").status_code == 404
    assert client(county["reporter"]).get("/agenda/?unit=abc").status_code == 404


def test_home_page_shows_the_next_deadlines(county):
    today = datetime.date.today()
    Period.objects.filter(pk=county["period"].pk).update(deadline=today + datetime.timedelta(days=5))
    page = client(county["reporter"]).get("/").content.decode()
    assert "近期到期事项" in page and long_date(today + datetime.timedelta(days=5)) in page
    assert "近期到期事项" not in Client().get("/").content.decode()


def _new_feed(c):
    r = c.post("/agenda/feed/new/")
    assert r.status_code == 302
    page = c.get("/agenda/").content.decode()
    return re.search(r"/agenda/([A-Za-z0-9_-]{43})\.ics", page).group(1)


def test_the_feed_parses_back_and_shows_only_what_the_user_sees(county):
    c = client(county["reporter"])
    token = _new_feed(c)
    row = CalendarFeed.objects.get(user=county["reporter"])
    assert row.key_hash == feeds.hash_token(token) and token not in row.key_hash  # only the hash kept
    assert "只显示这一次" not in c.get("/agenda/").content.decode()  # shown once
    r = Client().get(f"/agenda/{token}.ics")  # no session: the address is the key
    assert r.status_code == 200 and r["Content-Type"] == "text/calendar; charset=utf-8"
    body = r.content
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never folded inside a character
    cal = icalendar.Calendar.from_ical(body.decode("utf-8"))
    events = list(cal.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries and all("县卫生健康局" in s for s in summaries)
    assert not any("县妇儿工委办公室" in s or "议事会" in s for s in summaries)
    assert all(e["DTSTART"].dt.__class__ is D for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert AuditEntry.objects.filter(action="agenda.feed.created").exists()


def test_escaping_and_folding_round_trip():
    title = "县卫生健康局：报告, 含分号; 反斜杠\\和换行\n第二行，" + "很长的标题" * 20
    d = Deadline(D(2026, 3, 15), title, "rectification", "/x/?a=1,2", 7, overdue=True)
    body = feeds.render([d], base_url="https://example.org/", host="example.org",
                        now=datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    unfolded = body.replace(b"\r\n ", b"")
    assert b"\\; " in unfolded and b"\\, " in unfolded and b"\\n" in unfolded and b"\\\\" in unfolded
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"【整改期限】{title}（已逾期）"
    assert event["DTSTART"].dt == D(2026, 3, 15) and event["DTEND"].dt == D(2026, 3, 16)


def test_revoking_and_replacing_the_feed(county):
    c = client(county["reporter"])
    first = _new_feed(c)
    second = _new_feed(c)  # a new address: the old one stops
    assert Client().get(f"/agenda/{first}.ics").status_code == 404
    assert Client().get(f"/agenda/{second}.ics").status_code == 200
    assert c.post("/agenda/feed/revoke/").status_code == 302
    assert Client().get(f"/agenda/{second}.ics").status_code == 404
    assert AuditEntry.objects.filter(action="agenda.feed.revoked").count() == 2
    county["reporter"].is_active = False
    county["reporter"].save()
    third = feeds.create_feed(county["reporter"])[1]
    assert Client().get(f"/agenda/{third}.ics").status_code == 404  # an inactive user's feed is dead


def test_email_reminders_are_sent_once_per_step(county):
    coordinator = county["coordinator"]
    coordinator.email = "fgw@example.org"
    coordinator.save()
    county["reporter"].email = "wjj@example.org"
    county["reporter"].save()
    result = remind.run(D(2024, 12, 24))  # 7 days before the milestone
    assert [m.user.email for m in result.mails] == ["fgw@example.org"]  # reports are the digest's job
    assert len(mail.outbox) == 1 and "三级儿童议事会体系基本形成" in mail.outbox[0].body
    assert "2024年12月31日 周二" in mail.outbox[0].body and "提前7天提醒" in mail.outbox[0].body
    assert remind.run(D(2024, 12, 24)).mails == [] and remind.run(D(2024, 12, 25)).mails == []
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(user=coordinator, step="before_7").count() == 2  # two lead units
    remind.run(D(2024, 12, 31))
    assert len(mail.outbox) == 2 and "提前1天提醒" in mail.outbox[1].body
    remind.run(D(2025, 1, 1))
    assert len(mail.outbox) == 3 and "【已逾期】" in mail.outbox[2].body
    assert AuditEntry.objects.filter(action="agenda.reminder.sent").count() == 3


def test_a_failed_mail_is_not_recorded(county):
    county["coordinator"].email = "fgw@example.org"
    county["coordinator"].save()

    class Broken:
        def send_messages(self, messages):
            raise OSError("SMTP 拒绝连接")

    result = remind.run(D(2024, 12, 24), connection=Broken())
    assert result.failed and not SentReminder.objects.exists()
    assert len(remind.run(D(2024, 12, 24)).mails) == 1  # tried again


def test_the_command(county, capsys):
    county["coordinator"].email = "fgw@example.org"
    county["coordinator"].save()
    call_command("agenda", "remind", "--date", "2024-12-24", "--dry-run")
    assert "将发送事项提醒邮件 1 封" in capsys.readouterr().out and not mail.outbox
    call_command("agenda", "remind", "--date", "2024-12-24")
    assert "已发送事项提醒邮件 1 封" in capsys.readouterr().out and len(mail.outbox) == 1
