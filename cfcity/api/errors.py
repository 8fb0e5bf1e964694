"""Every API error is JSON with a Chinese ``detail``; a 422 also lists ``errors`` by field.

    400 {"detail": "请求体不是有效的 JSON…"}
    401 {"detail": "需要身份认证：…"}
    403 {"detail": "您没有修改权限"}
    404 {"detail": "没有找到，或您无权查看"}         (outside the user's scope looks the same)
    422 {"detail": "提交的数据有误", "errors": [{"field": "name", "message": "不能为空"}]}
"""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import MISSING, REJECTED

logger = logging.getLogger("cfcity.api")

NOT_FOUND = "没有找到，或您无权查看"
FORBIDDEN = "您没有修改权限"
INVALID = "提交的数据有误"
BAD_BODY = "请求体不是有效的 JSON（请用 Content-Type: application/json 提交 JSON 对象）"

# where a value came from, as pydantic/ninja name it: dropped from the field path
_LOC_ROOTS = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


class UnprocessableEntity(Exception):
    """A 422 raised by a service rule: ``errors`` maps field → Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _field(loc) -> str:
    parts = [str(p) for p in (loc or ()) if str(p) not in _LOC_ROOTS]
    return ".".join(parts) or "（请求）"


def _message(err: dict) -> str:
    """A pydantic error in Chinese."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    simple = {
        "missing": "必填",
        "json_invalid": "不是有效的 JSON",
        "model_attributes_type": "应为 JSON 对象",
        "dict_type": "应为 JSON 对象",
        "list_type": "应为列表",
        "string_type": "应为文字",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "float_type": "应为数字",
        "float_parsing": "应为数字",
        "bool_type": "应为 true 或 false",
        "bool_parsing": "应为 true 或 false",
        "date_type": "应为日期（年-月-日）",
        "date_parsing": "应为日期（年-月-日）",
        "date_from_datetime_parsing": "应为日期（年-月-日）",
        "extra_forbidden": "不认识这个字段",
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字"
    if kind == "string_too_long":
        return f"过长（最多 {ctx.get('max_length')} 个字）"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"不能小于 {bound}" if kind == "greater_than_equal" else f"应大于 {bound}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"不能大于 {bound}" if kind == "less_than_equal" else f"应小于 {bound}"
    if kind in ("enum", "literal_error"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg") or "取值不正确")
    return "格式或取值不正确"


def unprocessable(request: HttpRequest, errors: list[dict], api) -> JsonResponse:
    return api.create_response(request, {"detail": INVALID, "errors": errors}, status=422)


def install(api) -> None:
    """Register the handlers on ``api`` (replacing django-ninja's English defaults)."""

    def on_validation(request, exc: ValidationError):
        return unprocessable(request, [{"field": _field(e.get("loc")), "message": _message(e)}
                                       for e in exc.errors], api)

    def on_rule(request, exc: UnprocessableEntity):
        return unprocessable(request, [{"field": f, "message": m} for f, m in exc.errors.items()], api)

    def on_authentication(request, exc: AuthenticationError):
        from .auth import SecondFactorRequired

        header = request.headers.get("Authorization")
        detail = str(exc) if isinstance(exc, SecondFactorRequired) else REJECTED if header else MISSING
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="cfcity"'
        return response

    def on_http_error(request, exc: HttpError):
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = BAD_BODY  # django-ninja's words for a body that is not JSON
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def on_not_found(request, exc):
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def on_forbidden(request, exc: PermissionDenied):
        return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)

    def on_error(request, exc: Exception):
        logger.exception("API %s %s", request.method, request.path)
        return api.create_response(request, {"detail": "服务器内部错误，请稍后再试或联系管理员"},
                                   status=500)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(UnprocessableEntity, on_rule)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Exception, on_error)


@csrf_exempt  # a 404 for any method: a POST to a mistyped address is not a CSRF failure page
def not_found_view(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    return JsonResponse({"detail": "没有这个 API 地址，请查看 /api/docs 或 /api/openapi.json"},
                        status=404, json_dumps_params={"ensure_ascii": False})
