from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),  # public: no login
    path("<int:campaign_id>/", views.campaign_page, name="campaign"),
    path("<int:campaign_id>/submit/", views.submit, name="submit"),
    path("files/<int:file_id>/", views.work_file, name="file"),
    path("manage/", views.manage, name="manage"),  # staff
    path("manage/<int:campaign_id>/", views.manage_campaign, name="manage_campaign"),
    path("manage/<int:campaign_id>/export.xlsx", views.export, name="export"),
    path("manage/works/<int:submission_id>/", views.manage_work, name="work"),
]
