from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/items/<int:item_id>/delete/", views.delete_item, name="delete_item"),
    path("<int:pk>/tasks/<int:task_id>/", views.score_task, name="task"),
    path("<int:pk>/summary/", views.summary_page, name="summary"),
    path("<int:pk>/summary.docx", views.summary_docx, name="summary_docx"),
    path("<int:pk>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
]
