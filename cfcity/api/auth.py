"""Who is calling the API.

Two ways in, tried in this order (``cfcity.api.api`` lists them):

1. ``Authorization: Bearer <token>`` — a token made by ``cfcity token USERNAME``. A request
   that sends this header is judged by the token alone: an unknown, revoked or expired token,
   or one of a deactivated user, is a 401 even if a browser session is also present.
2. The browser session of a logged-in user (the same cookie as the site), so the pages' own
   scripts and the /api/docs page can call the API. Reads need nothing more; a write
   (POST, PUT, PATCH, DELETE) must carry the CSRF token (``X-CSRFToken`` header), as a form would.

Either way the user is put on ``request.auth`` and ``request.user``, and everything after that
goes through ``cfcity.accounts.access`` like the pages do.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cfcity.accounts import tokens, twofactor

MISSING = "需要身份认证：请在请求头中加上 Authorization: Bearer <令牌>（令牌由管理员用 cfcity token 用户名 生成）"
REJECTED = "API 令牌无效、已撤销或已过期，请向管理员申请新的令牌"
CSRF_FAILED = "CSRF 校验失败：用浏览器登录状态调用写操作时，须在 X-CSRFToken 请求头中带上 CSRF 令牌"


class SecondFactorRequired(AuthenticationError):
    """A valid token of a user who must sign in with a TOTP code: refused, saying why."""


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; a present but bad header is a 401, never a fallback."""

    openapi_description = "API 令牌：由管理员用 cfcity token 用户名 生成，放在 Authorization: Bearer <令牌> 请求头中"

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header)
        if not header:
            return None  # not ours: let the session try
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(401, REJECTED)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.user_for_token(token)
        if user is None:
            raise AuthenticationError(401, REJECTED)
        if twofactor.required(user):  # a token is one factor: not enough for these accounts yet
            raise SecondFactorRequired(401, twofactor.API_REFUSED)
        request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """The site's login session; writes must pass Django's CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "浏览器登录会话（读操作；写操作还须带 X-CSRFToken 请求头）"

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: a 401, not a CSRF failure
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") \
                and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None
