from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/<int:plan_id>/", views.overview, name="overview"),
    path("dashboard/<int:plan_id>/domains/<int:pk>/", views.domain, name="domain"),
    path("dashboard/<int:plan_id>/actions/<int:pk>/", views.action, name="action"),
    path("dashboard/<int:plan_id>/tasks/<int:pk>/", views.task, name="task"),
]
