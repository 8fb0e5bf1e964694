"""The public progress site: what a release freezes, what is never shown (a draft, a case
under review, a child's name, a person's name), and what makes it readable on a phone and by
a screen reader, under the strict CSP, with caching headers."""
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cfcity.cases import services as case_services
from cfcity.plans import models as pm
from cfcity.public import services
from cfcity.public.models import PublishedStatus
from tests.cases.factory import CHILD, gallery, set_status, stored  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(gallery):
    g = gallery
    g["target"] = g["task"].targets.first()
    set_status(g["plan"], g["target"], "on_track", 3.1, [["2023-12-31", 2.2], ["2024-12-31", 3.1]])
    g["release"] = services.release(g["coordinator"], g["plan"], label="2024年度")
    return g


def anon():
    return Client()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/public/"):
            self.links.append(a["href"].split("#")[0])
        if tag == "img" and a.get("src", "").startswith("/public/"):
            self.links.append(a["src"])


def crawl(client) -> dict[str, bytes]:
    """Every page reachable from /public/ by its own links."""
    seen, todo = {}, ["/public/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        r = client.get(path)
        assert r.status_code == 200, path
        body = b"".join(r.streaming_content) if r.streaming else r.content
        seen[path] = body
        if r["Content-Type"].startswith("text/html"):
            parser = Links()
            parser.feed(body.decode())
            todo += parser.links
    return seen


def test_a_release_freezes_what_the_public_sees(released):
    g = released
    url = f"/public/plans/{g['plan'].pk}/targets/{g['target'].pk}/"
    page = anon().get(url).content.decode()
    assert "进展正常" in page and "3.1" in page
    # the engine recomputes (a correction): the public page does not change …
    set_status(g["plan"], g["target"], "off_track", 1.5, [["2023-12-31", 2.2], ["2024-12-31", 1.5]])
    page = anon().get(url).content.decode()
    assert "进展正常" in page and "严重滞后" not in page and "1.5" not in page
    # … until the next release, which keeps the earlier one for the history
    services.release(g["coordinator"], g["plan"], label="2025年第一季度")
    page = anon().get(url).content.decode()
    assert "严重滞后" in page and "第2期" in page and "第1期（2024年度）" in page
    assert PublishedStatus.objects.get(release=g["release"], target=g["target"]).latest == 3.1


def test_only_the_coordinator_releases(released):
    g = released
    for who in ("leader", "health_reporter"):
        with pytest.raises(PermissionDenied):
            services.release(g[who], g["plan"], label="x")
    with pytest.raises(PermissionDenied):  # another county's coordinator-less plan: not in scope
        services.release(g["coordinator"], g["other_plan"], label="x")
    c = Client()
    c.force_login(g["coordinator"])
    assert c.post(f"/public/plans/{g['plan'].pk}/releases/", {"label": "2025年度"}).status_code == 302
    assert g["plan"].releases.count() == 2


def test_nothing_unpublished_and_nothing_personal_anywhere_on_the_site(released):
    g = released
    pages = crawl(anon())
    html = b"\n".join(pages.values()).decode(errors="replace")
    assert f"/public/cases/{g['published'].pk}/" in pages
    assert f"/public/photos/{g['photo'].pk}/" in pages
    assert "医育结合推进普惠托育" in html
    for hidden in (CHILD, "托育点试运行情况", "社区托育点培训", "家庭养育指导"):  # draft, submitted, accepted
        assert hidden not in html, hidden
    for person in ("wjj_tb", "fgw"):  # no individual, only the unit
        assert person not in html
    assert "县卫生健康局" in html
    # asked for directly: a draft, a case under review, an accepted one, their files
    for key in ("draft", "submitted", "accepted"):
        assert anon().get(f"/public/cases/{g[key].pk}/").status_code == 404
    case_services.unpublish(g["coordinator"], g["published"])
    assert anon().get(f"/public/cases/{g['published'].pk}/").status_code == 404
    assert anon().get(f"/public/photos/{g['photo'].pk}/").status_code == 404
    assert "医育结合推进普惠托育" not in anon().get(f"/public/plans/{g['plan'].pk}/cases/").content.decode()


def test_a_plan_without_a_release_is_not_public(gallery):
    assert anon().get(f"/public/plans/{gallery['plan'].pk}/").status_code == 404
    assert anon().get(f"/public/plans/{gallery['plan'].pk}/cases/").status_code == 404
    assert "还没有公开发布" in anon().get("/public/").content.decode()


def test_pages_for_screen_readers_phones_and_the_strict_csp(released):
    g = released
    plan = f"/public/plans/{g['plan'].pk}/"
    for path in ("/public/", plan, f"{plan}targets/{g['target'].pk}/",
                 f"/public/plans/{g['plan'].pk}/cases/", f"/public/cases/{g['published'].pk}/"):
        r = anon().get(path)
        body = r.content.decode()
        assert '<html lang="zh-Hans">' in body, path
        assert 'name="viewport"' in body and 'href="#main"' in body and 'id="main"' in body
        assert "<script" not in body and " style=" not in body and "<style" not in body, path
        assert body.count("<h1") == 1, path
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r["Cache-Control"] == "max-age=300, public" or set(r["Cache-Control"].split(", ")) == {
            "public", "max-age=300"}
        signed_in = Client()
        signed_in.force_login(g["coordinator"])
        assert signed_in.get(path).content == r.content, path  # the same page for everyone: no user in it
        assert "csrfmiddlewaretoken" not in body
        for th in re.findall(r"<th\b[^>]*>", body):
            assert "scope=" in th, (path, th)
        for img in re.findall(r"<img\b[^>]*>", body):
            assert re.search(r'alt="[^"]+"', img), (path, img)
        for svg in re.findall(r"<svg\b[^>]*>", body):
            assert 'role="img"' in svg and "aria-labelledby" in svg
    target = anon().get(f"/public/plans/{g['plan'].pk}/targets/{g['target'].pk}/").content.decode()
    assert "<title id=\"chart-title\">" in target and "2023-12-31" in target  # the chart's text form
    case = anon().get(f"/public/cases/{g['published'].pk}/").content.decode()
    assert 'alt="托育综合服务中心的活动室"' in case


def test_photo_is_served_inline_as_an_image(released):
    r = anon().get(f"/public/photos/{released['photo'].pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")


def test_plan_page_shows_every_task_and_the_status_counts(released):
    g = released
    body = anon().get(f"/public/plans/{g['plan'].pk}/").content.decode()
    for task in pm.Task.objects.filter(plan=g["plan"]):
        assert task.title in body
    assert "目标进展状态统计" in body and "进展正常" in body
