"""The coordinator's report pages, under /monitoring/reports/ (see report_views)."""
from django.urls import path

from . import report_views as views

app_name = "monitoring_reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:plan_id>/", views.plan_reports, name="plan"),
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>.json", views.job_json, name="job_json"),
    path("jobs/<int:job_id>/download", views.download, name="download"),
]
