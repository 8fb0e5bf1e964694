from django.urls import path

from . import views

app_name = "councils"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.council_new, name="new"),
    path("export.xlsx", views.export, name="export"),
    path("judgement/", views.record_judgement, name="judgement"),
    path("<int:council_id>/", views.council_detail, name="detail"),
    path("members/<int:member_id>/", views.member_detail, name="member"),
    path("meetings/<int:meeting_id>/file/", views.meeting_file, name="meeting_file"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
]
