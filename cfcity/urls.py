from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "儿童友好城市建设管理平台"
admin.site.site_title = "儿童友好城市"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("cfcity.reporting.urls")),
    path("", include("cfcity.plans.urls")),
]
