from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("", views.register, name="index"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/counts.xlsx", views.stats_xlsx, name="stats_xlsx"),
    path("children/new/", views.child_new, name="child_new"),
    path("children/<int:pk>/", views.child_detail, name="child"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/full/", views.child_full, name="child_full"),
    path("children/<int:pk>/supports/", views.child_support, name="child_support"),
    path("children/<int:pk>/visits/", views.child_visit, name="child_visit"),
    path("children/<int:pk>/close/", views.child_close, name="child_close"),
    path("children/<int:pk>/deletion/", views.child_deletion, name="child_deletion"),
    path("deletions/", views.deletions, name="deletions"),
    path("deletions/<int:pk>/decide/", views.deletion_decide, name="deletion_decide"),
    path("roster/", views.roster, name="roster"),
    path("roster/appoint/", views.roster_appoint, name="roster_appoint"),
    path("roster/workers/<int:pk>/end/", views.roster_end, name="roster_end"),
    path("roster/workers/<int:pk>/training/", views.roster_training, name="roster_training"),
    path("exports/", views.exports, name="exports"),
    path("exports/new/", views.export_new, name="export_new"),
    path("exports/<int:pk>/decide/", views.export_decide, name="export_decide"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_ack, name="alert_ack"),
]
