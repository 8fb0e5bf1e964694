"""The child impact assessment part of ``cfcity demo``: two assessments — a project
concluded and answered (linked to spaces when the spaces demo made any), a policy still
being assessed; children were consulted in both; the pages and the Word report open."""
import io

from django.contrib.auth import get_user_model
from django.test import Client

from cfcity.assessments import services
from cfcity.assessments.models import ImpactAssessment


def check_demo(out, plan):
    rows = {a.kind: a for a in ImpactAssessment.objects.filter(plan=plan)}
    assert ImpactAssessment.objects.filter(plan=plan).count() == 2 and set(rows) == {"project", "policy"}
    project, policy = rows["project"], rows["policy"]
    assert project.state == "responded" and project.response.decision in ("accepted", "changed")
    assert project.finding and project.total_score is not None and project.consultations.count() >= 1
    assert project.scores.count() == services.criteria(plan).count()
    assert project.conditions.filter(met=True).exists()
    from cfcity.spaces.models import Space
    if Space.objects.filter(area=plan.area).exists():
        assert project.spaces.exists() and all(s.area_id == plan.area_id for s in project.spaces.all())
    assert policy.state == "assessing" and policy.consultations.exists()
    coordinator = get_user_model().objects.get(membership__role="coordinator", membership__org_unit__parent=plan.area)
    c = Client()
    c.force_login(coordinator)
    assert c.get("/assessments/").status_code == 200
    assert c.get(f"/assessments/{project.pk}/").status_code == 200
    report = c.get(f"/assessments/{project.pk}/report.docx")
    from docx import Document
    assert project.title in "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
