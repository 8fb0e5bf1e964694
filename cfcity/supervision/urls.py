from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("<int:inspection_id>/", views.inspection, name="inspection"),
    path("<int:inspection_id>/report.docx", views.inspection_report, name="report"),
    path("findings/<int:finding_id>/", views.finding, name="finding"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
