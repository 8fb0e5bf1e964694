"""The year's case booklet, read back: the chosen cases (accepted and published, never a
draft or a case still under review), their units, text and photos, in the government layout."""
import io

import pytest
from django.test import Client
from docx import Document

from cfcity.cases import booklet
from cfcity.monitoring.reports.govdoc import east_asian_font
from tests.cases.factory import CHILD, gallery, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def test_booklet_holds_the_chosen_cases_with_their_photos(gallery):
    g = gallery
    r = Client()
    r.force_login(g["coordinator"])
    response = r.get("/cases/booklet/2024.docx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2024年儿童友好城市建设" in text and "优秀工作案例汇编" in text and "共2篇" in text
    assert "医育结合推进普惠托育" in text and "家庭养育指导" in text
    assert "社区托育点培训" not in text and "托育点试运行情况" not in text and CHILD not in text
    assert "报送单位：县卫生健康局" in text and "托育服务" in text
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、医育结合推进普惠托育", "二、家庭养育指导"]
    assert len(doc.inline_shapes) == 1  # the published case's photo
    assert "图1  托育综合服务中心的活动室" in text
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert east_asian_font(title.runs[0]) == "宋体"
    assert doc.sections[0].top_margin.cm == pytest.approx(3.7, abs=0.01)


def test_an_empty_year_says_so(gallery):
    doc = Document(io.BytesIO(booklet.build(gallery["plan"], 2019)))
    assert any("2019年还没有入选的案例" in p.text for p in doc.paragraphs)


def test_only_the_coordinator_exports_it(gallery):
    for who in ("leader", "health_reporter"):
        c = Client()
        c.force_login(gallery[who])
        assert c.get("/cases/booklet/2024.docx").status_code == 403
