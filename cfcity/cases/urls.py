from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/files/<int:file_id>/", views.case_file, name="file"),
    path("cases/booklet/<int:year>.docx", views.case_booklet, name="booklet"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/materials/<int:material_id>/", views.material_file, name="material"),
]
