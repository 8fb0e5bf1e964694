from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("criteria/", views.criteria_page, name="criteria"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/report.docx", views.assessment_export, name="export"),
    path("evidence/<int:score_id>/", views.evidence_file, name="evidence"),
]
