"""cfcity's JSON API (django-ninja), mounted at /api/ by cfcity/urls.py.

    /api/openapi.json   the OpenAPI document (public: it holds no data)
    /api/docs           Swagger UI, served from django-ninja's own static files (no CDN)
    /api/plans, /api/orgs, /api/reports …   routers in cfcity/api/routers/, one module per area

Every endpoint needs a caller (``auth.py``: a bearer token, or the browser session) and fetches
through ``cfcity.accounts.access`` — a row outside the caller's scope is a 404, never the data.
See docs/architecture.md, "API".
"""
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from . import errors
from .auth import BearerToken, BrowserSession
from .routers import monitoring, orgs, plans, reporting


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class LocalSwagger(Swagger):
    """Swagger UI from the files django-ninja ships (``ninja`` is in INSTALLED_APPS), never
    its CDN fallback; no call to the public swagger validator either."""

    def render_page(self, request, api, **kwargs):
        import json

        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(request, self.template, {
            "swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": True})


api = NinjaAPI(
    title="儿童友好城市建设管理平台 API",
    version="1",
    description="行动方案、单位等数据的 JSON 接口。用 `Authorization: Bearer <令牌>` 认证"
                "（令牌由管理员用 `cfcity token 用户名` 生成）；只能看到本人管理范围内的数据，"
                "范围外的编号一律返回 404。",
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
    renderer=ChineseJSONRenderer(),
    docs=LocalSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/plans", plans.router)
api.add_router("/orgs", orgs.router)
api.add_router("", reporting.router)  # /periods, /owed, /reports
api.add_router("", monitoring.router)  # /plans/{id}/status, /warnings
