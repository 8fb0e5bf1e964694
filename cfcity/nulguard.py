"""Refuse a request carrying a NUL character in its address, a query or form parameter, or
a JSON body. PostgreSQL can neither store nor compare text holding one, so a ``%00`` typed
into a search box ended as a server error deep inside a query (found by
tests/security/test_injection.py); no legitimate input contains it. Refused at the door, for
every page and the API alike: a 400 in Chinese (the API: its usual 422 “提交的数据有误”)."""
from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "请求中含有不允许的控制字符（空字符），请检查输入的内容后重试。"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        ctype = request.content_type or ""
        if ctype in FORMS:
            return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
        if ctype.endswith("json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
    return False


class RefuseNulBytes:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "提交的数据有误", "errors": [{"field": "", "message": MESSAGE}]},
                                    status=422, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
