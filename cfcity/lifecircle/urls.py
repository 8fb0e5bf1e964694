from django.urls import path

from . import views

app_name = "lifecircle"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("map/", views.map_page, name="map"),
    path("results.geojson", views.results_geojson, name="geojson"),
    path("network/", views.network_page, name="network"),
    path("run/", views.run_now, name="run"),
]
