"""Cases and meetings: who sees which case (a draft only its own unit), the review steps,
photos checked by their bytes and stripped of metadata, the audit trail."""
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from PIL import Image

from cfcity.audit.models import AuditEntry
from cfcity.cases import services
from cfcity.cases.files import FileRefused
from cfcity.cases.models import Case
from tests.cases.factory import CHILD, PDF, gallery, png, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_draft_is_seen_only_by_its_own_unit(gallery):
    g = gallery
    mine = set(services.visible_cases(g["health_reporter"]).values_list("pk", flat=True))
    assert g["draft"].pk in mine and len(mine) == 4
    approver = set(services.visible_cases(g["health_approver"]).values_list("pk", flat=True))
    assert g["draft"].pk in approver
    for who in ("coordinator", "leader"):  # the area sees what was submitted, never the draft
        seen = set(services.visible_cases(g[who]).values_list("pk", flat=True))
        assert seen == {g["submitted"].pk, g["published"].pk, g["accepted"].pk}
    for who in ("edu_reporter", "town_reporter"):  # another unit sees none of them
        assert not services.visible_cases(g[who]).exists()
    # and through the pages
    assert client(g["coordinator"]).get(f"/cases/{g['draft'].pk}/").status_code == 404
    assert client(g["edu_reporter"]).get(f"/cases/{g['submitted'].pk}/").status_code == 404
    page = client(g["health_reporter"]).get(f"/cases/{g['draft'].pk}/")
    assert page.status_code == 200 and CHILD in page.content.decode()
    for who in ("coordinator", "leader", "edu_reporter"):
        listing = client(g[who]).get("/cases/").content.decode()
        assert CHILD not in listing and "托育点试运行情况" not in listing


def test_review_loop_return_resubmit_accept_publish(gallery):
    g, who, coo = gallery, gallery["health_reporter"], gallery["coordinator"]
    case = g["submitted"]
    with pytest.raises(services.CaseError):
        services.return_case(coo, case, "  ")  # a return says what to change
    with pytest.raises(PermissionDenied):
        services.accept(who, case)  # a unit does not accept its own case
    services.return_case(coo, case, "请补充成效数据")
    assert case.status == Case.Status.RETURNED and services.can_edit(who, case)
    services.update_case(who, case, title=case.title, text=case.text + "培训保育人员120人次。")
    services.submit(who, case)
    with pytest.raises(services.CaseError):
        services.publish(coo, case)  # only a chosen case goes public
    services.accept(coo, case)
    services.publish(coo, case)
    assert not services.can_edit(who, case)
    with pytest.raises(PermissionDenied):
        services.update_case(who, case, title="改", text="改")
    actions = list(AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="cases.case.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["cases.case.created", "cases.case.submitted", "cases.case.returned", "cases.case.saved",
                       "cases.case.submitted", "cases.case.accepted", "cases.case.published"]


def test_review_through_the_page(gallery):
    g = gallery
    c = client(g["coordinator"])
    r = c.post(f"/cases/{g['submitted'].pk}/", {"action": "return", "comment": "请补充照片"})
    assert r.status_code == 302
    g["submitted"].refresh_from_db()
    assert (g["submitted"].status, g["submitted"].comment) == ("returned", "请补充照片")
    assert "请补充照片" in client(g["health_reporter"]).get(f"/cases/{g['submitted'].pk}/").content.decode()
    # a reporter cannot curate: 403, nothing changes
    r = client(g["health_reporter"]).post(f"/cases/{g['accepted'].pk}/", {"action": "publish"})
    assert r.status_code == 403
    g["accepted"].refresh_from_db()
    assert g["accepted"].status == "accepted"


def test_a_new_case_through_the_page(world, stored):
    c = client(world["town_reporter"])
    r = c.post("/cases/new/", {"title": "乡村儿童之家", "year": 2025, "summary": "", "text": "建设儿童之家。"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert (case.org_unit, case.status, case.created_by) == (world["town"], "draft", world["town_reporter"])
    r = c.post(f"/cases/{case.pk}/", {"action": "upload", "kind": "photo", "caption": "儿童之家阅读角",
                                      "file": _upload("阅读角.png", png())})
    assert r.status_code == 302 and case.files.get().content_type == "image/png"
    assert client(world["leader"]).get("/cases/new/").status_code == 403  # read-only role
    # a refused file is a message on the page, nothing stored
    r = c.post(f"/cases/{case.pk}/", {"action": "upload", "kind": "photo", "caption": "图",
                                      "file": _upload("x.png", PDF)}, follow=True)
    assert r.status_code == 200 and "不是照片" in r.content.decode() and case.files.count() == 1


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data)


def test_photos_are_checked_by_their_bytes_and_lose_their_metadata(gallery):
    g, who = gallery, gallery["health_reporter"]
    case = g["draft"]
    with pytest.raises(FileRefused):  # a PDF named .png
        services.add_file(who, case, kind="photo", name="x.png", data=PDF, caption="说明")
    with pytest.raises(FileRefused):  # a PNG signature over garbage
        services.add_file(who, case, kind="photo", name="x.png", data=b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
                          caption="说明")
    with pytest.raises(services.CaseError):  # no alt text, no photo
        services.add_file(who, case, kind="photo", name="x.png", data=png(), caption=" ")
    with pytest.raises(FileRefused):
        services.add_file(who, case, kind="attachment", name="x.pdf", data=b"<script>alert(1)</script>")
    # a phone photo with its GPS position: stored without any EXIF
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 57.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(buf, "JPEG", exif=exif)
    assert b"PhoneMaker" in buf.getvalue()
    row = services.add_file(who, case, kind="photo", name="现场.jpg", data=buf.getvalue(), caption="现场")
    kept = row.file.open("rb").read()
    assert row.content_type == "image/jpeg" and b"PhoneMaker" not in kept and b"Exif" not in kept
    assert Image.open(io.BytesIO(kept)).size == (80, 60)


def test_meetings_are_recorded_by_the_coordinator(gallery):
    import datetime
    g = gallery
    with pytest.raises(PermissionDenied):
        services.record_meeting(g["health_reporter"], plan=g["plan"], kind="exchange", title="交流会",
                                date=datetime.date(2024, 5, 1), place="县会议中心", participants="各单位")
    c = client(g["coordinator"])
    r = c.post("/meetings/", {"kind": "on_site", "title": "托育服务现场会", "date": "2024-09-12",
                              "place": "县妇幼保健院", "participants": "各镇（街道）分管负责同志",
                              "summary": "观摩托育中心", "cases": [g["published"].pk]})
    assert r.status_code == 302
    meeting = g["plan"].meetings.get()
    r = c.post(f"/meetings/{meeting.pk}/", {"file": _upload("议程.pdf", PDF)})
    assert r.status_code == 302 and meeting.materials.get().content_type == "application/pdf"
    page = client(g["leader"]).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "托育服务现场会" in page and "县妇幼保健院" in page and "议程.pdf" in page
    material = meeting.materials.get()
    r = client(g["leader"]).get(f"/meetings/materials/{material.pk}/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert client(g["leader"]).post(f"/meetings/{meeting.pk}/", {"file": _upload("x.pdf", PDF)}).status_code == 403
