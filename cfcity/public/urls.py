from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("plans/<int:plan_id>/targets/<int:target_id>/", views.target_page, name="target"),
    path("plans/<int:plan_id>/cases/", views.case_list, name="cases"),
    path("plans/<int:plan_id>/releases/", views.releases, name="releases"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("photos/<int:file_id>/", views.photo, name="photo"),
]
