from django.urls import path

from . import views

app_name = "workplans"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_plan, name="open"),
    path("<int:wp_id>/", views.detail, name="detail"),
    path("targets/<int:target_id>/", views.target_breakdown, name="target"),
    path("budget/", views.budget_view, name="budget"),
]
