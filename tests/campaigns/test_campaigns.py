"""Children's works: what the public form takes and refuses, what the public sees, the
moderation, the withdrawal and the export — and that a child's name typed into a work never
reaches a public page or the export."""
import datetime
import io
import os
import zipfile

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from cfcity.campaigns import services
from cfcity.campaigns.demo import tiny_wav
from cfcity.campaigns.files import WorkRefused
from cfcity.campaigns.models import Submission
from tests.campaigns.factory import CHILD, campaigns, jpeg_with_gps, png, stored, work  # noqa: F401

pytestmark = pytest.mark.django_db


def form(**kw):
    data = {"kind": "drawing", "title": "安全的上学路", "description": "学校门口有斑马线。", "pseudonym": "小树苗",
            "age_band": "6-7", "guardian_relationship": "father", "guardian_consent": "on", "website": ""}
    data.update(kw)
    return data


def upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data, content_type="image/png")  # what the browser claims: ignored


def post(g, name="画.png", data=None, client=None, **kw):
    client = client or Client()
    body = form(**kw)
    body["file"] = upload(name, png() if data is None else data)
    return client.post(f"/campaigns/{g['campaign'].pk}/submit/", body)


def test_a_drawing_with_consent_is_taken_and_waits_for_moderation(campaigns):
    before = Submission.objects.count()
    r = post(campaigns, town=campaigns["town2"].pk)
    assert r.status_code == 200 and "提交成功" in r.content.decode()
    work_ = Submission.objects.latest("pk")
    assert Submission.objects.count() == before + 1 and work_.state == "pending" and work_.town == campaigns["town2"]
    assert work_.code in r.content.decode() and work_.consent_version and work_.guardian_consent
    row = work_.files.get()
    assert row.content_type == "image/png" and row.extension == ".png"
    assert "画" not in row.file.name  # the uploader's file name is not kept
    # not on the public pages until approved
    assert "安全的上学路" not in Client().get(f"/campaigns/{campaigns['campaign'].pk}/").content.decode()


def test_a_photo_is_stored_without_its_exif(campaigns):
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif()  # the upload carries GPS
    r = post(campaigns, name="IMG_0001.jpg", data=jpeg_with_gps())
    assert r.status_code == 200
    row = Submission.objects.latest("pk").files.get()
    with row.file.open("rb") as fh:
        assert not Image.open(fh).getexif()


def test_a_song_as_wav(campaigns):
    r = post(campaigns, name="歌.wav", data=tiny_wav(), kind="song")
    assert r.status_code == 200
    assert Submission.objects.latest("pk").files.get().content_type == "audio/wav"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.png", png())
    return out.getvalue()


REFUSED = {
    "no consent": ({"guardian_consent": ""}, None, "监护人"),
    "no relationship": ({"guardian_relationship": ""}, None, "请选择填表的监护人"),
    "8+ without the child's own assent": ({"age_band": "8-10"}, None, "我同意"),
    "svg renamed .png": ({}, SVG, "格式"),
    "html renamed .png": ({}, HTML, "格式"),
    "zip": ({}, zipped, "格式"),
    "empty file": ({}, b"", "空"),
    "an mp3 as a drawing": ({}, b"ID3\x03\x00\x00\x00" + b"\x00" * 64, "格式"),
    "script in the title": ({"title": "<script>alert(1)</script>"}, None, "网页代码"),
    "javascript: in the description": ({"description": "点这里 JavaScript:alert(1)"}, None, "网页代码"),
    "entity in the pseudonym": ({"pseudonym": "&#60;b"}, None, "网页代码"),
    "over-long description": ({"description": "长" * 501}, None, "太长"),
    "over-long title": ({"title": "题" * 41}, None, "太长"),
    "no pseudonym": ({"pseudonym": "  "}, None, "笔名"),
    "a kind the campaign does not take": ({"kind": "video"}, None, "不征集"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_and_nothing_stored(campaigns, case):
    fields, data, words = REFUSED[case]
    before = Submission.objects.count()
    r = post(campaigns, data=data() if callable(data) else data, **fields)
    assert r.status_code == 400, case
    assert words in r.content.decode()
    assert Submission.objects.count() == before


def test_an_oversize_file_is_refused_before_it_is_read(campaigns, settings):
    settings.CAMPAIGN_MAX_BYTES = {"image": 1000, "audio": 2000, "video": 3000}
    r = post(campaigns, data=png(size=(400, 400)) + b"\0" * 4000)
    assert r.status_code == 400 and "太大" in r.content.decode()


def test_flooding_is_refused(campaigns, settings):
    settings.CAMPAIGN_SUBMIT_LIMITS = (2, 10)
    client = Client()
    assert [post(campaigns, client=client).status_code for _ in range(3)] == [200, 200, 429]
    assert "太频繁" in post(campaigns, client=client).content.decode()


def test_the_honeypot_stores_nothing(campaigns):
    before = Submission.objects.count()
    assert post(campaigns, website="http://spam.example").status_code == 400
    assert Submission.objects.count() == before


def test_a_closed_or_draft_campaign_takes_nothing(campaigns):
    services.set_status(campaigns["coordinator"], campaigns["campaign"], "closed")
    assert post(campaigns).status_code == 400
    with pytest.raises(WorkRefused):
        work(campaigns["draft"], kind="video")


def test_public_pages_show_approved_works_only_by_pseudonym(campaigns):
    g = campaigns
    page = Client().get(f"/campaigns/{g['campaign'].pk}/").content.decode()
    listing = Client().get("/campaigns/").content.decode()
    for html in (page, listing):
        assert "通过的画" in html and "彩虹糖" in html and g["town"].name in html
        assert "待审核的画" not in html and "小画家" not in html
        assert f"/campaigns/files/{g['approved_file'].pk}/" in html
        assert f"/campaigns/files/{g['pending_file'].pk}/" not in html
        assert g["draft"].title not in html
    r = Client().get(f"/campaigns/files/{g['approved_file'].pk}/")
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"] and r["Content-Disposition"].startswith("inline")


def test_a_name_typed_into_a_work_is_scrubbed_before_display_and_export(campaigns):
    g = campaigns
    w = work(g["campaign"], title="我的画", description=f"我叫{CHILD}，电话13812345678，这是我画的公园。")
    assert CHILD not in w.description and "13812345678" not in w.description
    services.approve(g["coordinator"], w)
    assert CHILD not in Client().get(f"/campaigns/{g['campaign'].pk}/").content.decode()
    w2 = work(g["campaign"], title='=HYPERLINK("x")')
    c = Client()
    c.force_login(g["coordinator"])
    r = c.get(f"/campaigns/manage/{g['campaign'].pk}/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not any(CHILD in v for v in cells) and "姓名" not in cells
    assert w.code in cells and w2.code in cells
    assert "'=HYPERLINK(\"x\")" in cells  # text, not a formula


def test_moderation_and_withdrawal(campaigns, django_capture_on_commit_callbacks):
    g = campaigns
    c = Client()
    c.force_login(g["edu_reporter"])  # the campaign task's lead department
    pending = g["pending"]
    r = c.post(f"/campaigns/manage/works/{pending.pk}/", {"action": "reject", "reason": ""})
    assert Submission.objects.get(pk=pending.pk).state == "pending"  # a reason is needed
    c.post(f"/campaigns/manage/works/{pending.pk}/", {"action": "reject", "reason": "含有真实姓名"})
    assert Submission.objects.get(pk=pending.pk).state == "rejected"
    approved = g["approved"]
    stored = approved.files.get().file.path
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the withdrawal is committed
        r = c.post(f"/campaigns/manage/works/{approved.pk}/", {"action": "withdraw"})
    assert r.status_code == 302
    approved.refresh_from_db()
    assert approved.state == "withdrawn" and not approved.files.exists() and not approved.pseudonym
    assert not os.path.exists(stored)
    assert Client().get(f"/campaigns/files/{g['approved_file'].pk}/").status_code == 404
    assert "彩虹糖" not in Client().get("/campaigns/").content.decode()
    from cfcity.audit.models import AuditEntry
    data = str(list(AuditEntry.objects.filter(action__startswith="campaigns.").values_list("data", flat=True)))
    assert "小画家" not in data and "彩虹糖" not in data and "待审核的画" not in data


def test_campaign_set_up_by_the_coordinator(campaigns):
    c = Client()
    c.force_login(campaigns["coordinator"])
    today = timezone.localdate()
    r = c.post("/campaigns/manage/", {"title": "歌曲征集", "description": "唱一唱", "kinds": ["song"],
                                      "opens_on": today.isoformat(),
                                      "closes_on": (today + datetime.timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    new = campaigns["plan"].campaigns.get(title="歌曲征集")
    assert new.status == "draft" and new.task == campaigns["campaign_task"]
    assert Client().get(f"/campaigns/{new.pk}/").status_code == 404
    c.post(f"/campaigns/manage/{new.pk}/", {"action": "open"})
    assert Client().get(f"/campaigns/{new.pk}/submit/").status_code == 200


def test_demo_extension(campaigns):
    from cfcity.reporting.demo import Clock, DemoContext
    from tests.campaigns.demo_checks import check_demo
    g = campaigns
    Submission.objects.all().delete()
    g["plan"].campaigns.all().delete()
    from cfcity.campaigns.demo import extend
    clock = Clock()
    with clock.running():
        extend(DemoContext(area=g["county"], plan=g["plan"], periods=[], seed=7, create_user=None, clock=clock))
    check_demo(None, g["plan"])


@pytest.mark.parametrize("head,expected", [
    (b"ID3\x04\x00" + b"\x00" * 20, "audio/mpeg"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 20, "audio/mpeg"),  # an MPEG-1 layer III frame, no tag
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", None),  # a WebP is not a drawing we take
    (b"OggS\x00\x02" + b"\x00" * 20, "audio/ogg"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", None),  # .mkv
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"GIF89a\x01\x00", None), (b"MZ\x90\x00", None), (b"PK\x03\x04", None), (b"%PDF-1.4", None),
])
def test_types_are_read_from_the_bytes(head, expected):
    from cfcity.campaigns.files import sniff
    assert sniff(head) == expected
