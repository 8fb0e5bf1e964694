from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("my/", views.my_tasks, name="my"),
    path("reports/<int:period_id>/<int:task_id>/<int:unit_id>/", views.report_form, name="report"),
    path("my/<int:period_id>/template.xlsx", views.excel_template, name="template"),
    path("my/<int:period_id>/upload/", views.excel_upload, name="upload"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("review/", views.review_queue, name="review"),
    path("status/", views.status_table, name="status"),
    path("tasks/<int:task_id>/assignments/", views.task_assignments, name="assignments"),
    path("plans/<int:plan_id>/periods/", views.plan_periods, name="periods"),
]
