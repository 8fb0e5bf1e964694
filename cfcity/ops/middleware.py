"""The first middleware: probes, the request id, request metrics and the access line."""
from __future__ import annotations

import hmac
import json
import logging
import time

from django.conf import settings
from django.http import HttpResponse

from . import health, metrics, requestid

log = logging.getLogger("cfcity.request")
PROBES = {"/healthz", "/readyz", "/metrics"}


def _json(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def metrics_allowed(request) -> bool:
    """With a token: only with it. Without: only callers on METRICS_ALLOW reaching us directly
    (a request through the proxy carries X-Forwarded-For / X-Real-IP)."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    proxied = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META
    return not proxied and request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOW


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        if path in PROBES and request.method in ("GET", "HEAD"):
            response = self.probe(request, path)
            response["X-Request-ID"] = requestid.accept(request.META.get("HTTP_X_REQUEST_ID"))
            return response
        rid = requestid.accept(request.META.get("HTTP_X_REQUEST_ID"))
        token = requestid.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or "other") if match else "unmatched"
            metrics.observe(request.method, view, response.status_code, seconds)
            response["X-Request-ID"] = rid
            if log.isEnabledFor(logging.INFO):
                # the user only if the request loaded it already: no session read for a log line
                user = getattr(request, "_cached_user", None)
                log.info("%s %s %s %.0fms", request.method, request.path, response.status_code, seconds * 1000,
                         extra={"method": request.method, "path": request.path, "status": response.status_code,
                                "ms": round(seconds * 1000, 1), "view": view,
                                "user_id": user.pk if user is not None and user.is_authenticated else None})
            return response
        finally:
            requestid.reset(token)

    def probe(self, request, path: str):
        if path == "/healthz":  # alive: the process answers; nothing else is asked
            return _json({"status": "ok"})
        if path == "/readyz":
            result = health.readiness()
            if not metrics_allowed(request):  # error texts name hosts and paths: for operators only
                result["checks"] = {k: {"ok": v["ok"]} for k, v in result["checks"].items()}
            return _json(result, 200 if result["status"] == "ok" else 503)
        if not metrics_allowed(request):
            return HttpResponse("只允许内部地址或持令牌访问 /metrics\n", status=403, content_type="text/plain; charset=utf-8")
        return HttpResponse(metrics.render(), content_type=metrics.CONTENT_TYPE)
