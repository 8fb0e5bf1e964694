"""The children's page: accepts a message with no personal data, refuses over-long,
script-carrying, empty, wrongly-typed and flooding submissions; the thank-you page gives the
numbers at once for a message that suggests danger; the summary shows suppressed counts only."""
import pytest
from django.test import Client, override_settings

from cfcity.audit.models import AuditEntry
from cfcity.voice import services
from cfcity.voice.models import LimitHit, Message

from .factory import NAME, PHONE, receive, voice  # noqa: F401

pytestmark = pytest.mark.django_db


def form(w, **kw):
    data = {"topic": "problem", "about": "route", "text": "上学路上的路灯坏了，晚上很黑。",
            "town": w["town"].pk, "age_band": "9-11", "website": ""}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def post(w, client=None, addr="10.0.0.1", **kw):
    return (client or Client()).post(f"/voice/?area={w['county'].pk}", form(w, **kw), REMOTE_ADDR=addr)


def test_the_page_asks_for_nothing_personal(world):
    r = Client().get("/voice/")
    page = r.content.decode()
    assert r.status_code == 200
    assert "不用写名字" in page and "果里镇" in page
    for field in ('name="name"', 'name="phone"', 'name="school"', 'type="tel"'):
        assert field not in page


def test_a_message_without_personal_data_is_accepted(world):
    r = post(world, town="", age_band="")
    assert r.status_code == 302 and r["Location"].startswith("/voice/thanks/")
    m = Message.objects.get()
    assert (m.state, m.town, m.age_band, m.danger) == ("pending", None, "", False)
    assert m.scrubbed == m.original == "上学路上的路灯坏了，晚上很黑。"
    thanks = Client().get(r["Location"]).content.decode()
    assert "收到了" in thanks and "12355" in thanks  # the numbers, small, on every page
    hit = LimitHit.objects.get()
    assert "10.0.0.1" not in hit.client and len(hit.client) == 64  # a keyed hash, never the address


def test_personal_details_are_scrubbed_on_arrival(world):
    post(world, text=f"我叫{NAME}，电话{PHONE}，想要一个足球场。")
    m = Message.objects.get()
    assert NAME not in m.scrubbed and PHONE not in m.scrubbed
    assert m.original.startswith("我叫" + NAME)
    from django.db import connection
    with connection.cursor() as cur:  # stored encrypted: the name is not in the table
        cur.execute("select original from voice_message")
        assert NAME not in cur.fetchone()[0]
    entry = AuditEntry.objects.get(action="voice.received")
    assert NAME not in str(entry.data) and PHONE not in str(entry.data)


def test_a_message_suggesting_danger_gets_the_numbers_at_once(world, mailoutbox):
    from .factory import person
    from cfcity.accounts.roles import Role
    person(world, "ertong_an", "office", Role.SAFEGUARDING)
    with pytest.MonkeyPatch.context():
        r = post(world, text="我 不 想 活 了，爸爸天天打我")
    m = Message.objects.get()
    assert m.state == "flagged" and set(m.danger_categories.split(",")) == {"abuse", "self_harm"}
    assert m.response_due is not None
    page = Client().get(r["Location"]).content.decode()
    assert "遇到危险请马上拨打" in page and 'href="tel:110"' in page and 'href="tel:12355"' in page


@pytest.mark.parametrize("kw,words", [
    ({"text": "字" * 501}, "太长"),
    ({"text": ""}, "还没有写内容"),
    ({"text": "   \n  "}, "还没有写内容"),
    ({"text": "<script>alert(1)</script>"}, "网页代码"),
    ({"text": "看这里 <img src=x onerror=alert(1)>"}, "网页代码"),
    ({"text": "javascript:alert(1)"}, "网页代码"),
    ({"text": "点我 ＜ｓｃｒｉｐｔ＞"}, "网页代码"),  # full-width brackets, NFKC-normalised
    ({"text": "好的\u202e看不见"}, "特殊字符"),
    ({"topic": "x"}, "选项"),
    ({"topic": None}, "想法还是问题"),
    ({"about": "<b>x</b>"}, "选项"),
    ({"town": "abc"}, "镇（街道）"),
    ({"age_band": "99"}, "选项"),
])
def test_refused_with_a_friendly_message(world, kw, words):
    r = post(world, **kw)
    assert r.status_code == 400
    if words:
        assert words in r.content.decode()
    assert Message.objects.count() == 0
    assert "<script>alert(1)</script>" not in r.content.decode()


def test_a_nul_is_refused(world):
    r = post(world, text="好\x00的")
    assert r.status_code == 400 and Message.objects.count() == 0


def test_a_town_of_another_county_is_refused(world):
    from cfcity.orgs.models import OrgUnit
    other = OrgUnit.objects.create(name="临淄某镇", kind="town", parent=world["other_county"])
    assert post(world, town=other.pk).status_code == 400 and Message.objects.count() == 0


def test_the_robot_trap_keeps_nothing(world):
    r = post(world, website="http://spam.example")
    assert r.status_code == 302 and Message.objects.count() == 0


@override_settings(CFCITY_VOICE_LIMITS={"per_hour": 3, "per_day": 5})
def test_flooding_is_stopped_per_address(world):
    for _ in range(3):
        assert post(world).status_code == 302
    r = post(world)
    assert r.status_code == 429 and "休息一下" in r.content.decode()
    assert Message.objects.count() == 3
    assert post(world, addr="10.0.0.2").status_code == 302  # another address is not held up


@override_settings(CFCITY_VOICE_LIMITS={"per_hour": 100, "per_day": 4})
def test_the_daily_limit_and_old_hits_pruned(world):
    import datetime

    from django.utils import timezone
    LimitHit.objects.create(bucket="voice", client="x" * 64, at=timezone.now() - datetime.timedelta(days=2))
    for _ in range(4):
        assert post(world).status_code == 302
    assert post(world).status_code == 429
    assert not LimitHit.objects.filter(client="x" * 64).exists()


def test_x_forwarded_for_ignored_unless_a_proxy_is_trusted(world, settings):
    from django.test import RequestFactory

    from cfcity.voice.limits import client_address
    req = RequestFactory().post("/voice/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_address(req) == "10.0.0.9"
    settings.CFCITY_TRUSTED_PROXY_HOPS = 1
    assert client_address(req) == "5.6.7.8"


def test_thanks_cannot_be_forged(world):
    page = Client().get("/voice/thanks/?r=forged").content.decode()
    assert "收到了" in page and "如果你现在有危险" not in page


# --- the public summary -----------------------------------------------------------------------

def test_summary_suppresses_small_cells_and_shows_only_approved_quotes(voice):
    w = voice
    for _ in range(6):  # 6 approved in 果里镇 aged 9–11
        services.moderate(w["coordinator"], receive(w, "希望多一些路灯").pk, "approve")
    services.moderate(w["coordinator"], receive(w, "想要秋千", age_band="6-8").pk, "approve")
    q = Message.objects.filter(state="approved", area=w["county"]).first()
    services.propose_quote(w["coordinator"], q.pk, "希望多一些路灯")
    page = Client().get(f"/voice/summary/?area={w['county'].pk}").content.decode()
    assert "<td>&lt;5</td>" in page
    assert "希望多一些路灯</p>" not in page  # proposed, not yet approved by a second person
    services.approve_quote(w["leader"], q.pk)
    page = Client().get(f"/voice/summary/?area={w['county'].pk}").content.decode()
    assert "希望多一些路灯</p>" in page
    for secret in (NAME, PHONE, "爸爸天天打我", "沙坑"):
        assert secret not in page


def test_summary_table_cannot_be_derived():
    from cfcity.voice.stats import _table
    t = _table("t", ["a", "b"], ["x", "y"], [[7, 2], [6, 8]])
    cells = [c for _, row, _ in t.rows for c in row]
    assert cells.count("<5") >= 2  # the small cell and a complement in its row and column
    assert [r[1] for r in t.rows][0][1] == "<5"
    # one small row total among shown ones: a second total goes too (else 30 − the rest = it)
    t = _table("t", ["a", "b", "c"], ["x"], [[20], [6], [3]])
    assert [r[2] for r in t.rows] == ["20", "<5", "<5"] and t.total == "29"
