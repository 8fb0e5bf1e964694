from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("", views.space_list, name="list"),
    path("new/", views.space_new, name="new"),
    path("map/", views.space_map, name="map"),
    path("spaces.geojson", views.space_geojson, name="geojson"),
    path("import/", views.space_import, name="import"),
    path("<int:space_id>/", views.space_detail, name="detail"),
    path("<int:space_id>/edit/", views.space_edit, name="edit"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
