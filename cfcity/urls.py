from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from cfcity.api import api
from cfcity.api.errors import not_found_view as api_not_found

admin.site.site_header = "儿童友好城市建设管理平台"
admin.site.site_title = "儿童友好城市"
admin.site.index_title = "数据管理"

urlpatterns = [
    # one password-change page for everyone (audited, clears the must-change flag)
    path("admin/password_change/", RedirectView.as_view(url="/accounts/password/")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),  # any other /api/ address: a JSON 404
    path("accounts/", include("cfcity.accounts.urls")),
    path("monitoring/reports/", include("cfcity.monitoring.report_urls")),
    path("welfare/", include("cfcity.welfare.urls")),
    path("audit/", include("cfcity.audit.urls")),
    path("supervision/", include("cfcity.supervision.urls")),
    path("evaluation/", include("cfcity.evaluation.urls")),
    path("workplans/", include("cfcity.workplans.urls")),
    path("agenda/", include("cfcity.agenda.urls")),
    path("spaces/", include("cfcity.spaces.urls")),
    path("lifecircle/", include("cfcity.lifecircle.urls")),
    path("councils/", include("cfcity.councils.urls")),
    path("voice/", include("cfcity.voice.urls")),  # the children's page itself needs no login
    path("campaigns/", include("cfcity.campaigns.urls")),
    path("assessments/", include("cfcity.assessments.urls")),
    path("public/", include("cfcity.public.urls")),  # no login: what was released
    path("", include("cfcity.cases.urls")),
    path("", include("cfcity.reporting.urls")),
    path("", include("cfcity.monitoring.urls")),
    path("", include("cfcity.plans.urls")),
]
