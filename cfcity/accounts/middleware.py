"""A user whose password was set by someone else (a new account, a reset) must change it
before using the site: every page sends them to the change-password page, except that page
itself, logging out and static files."""
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from .services import must_change_password


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path) \
                and must_change_password(user):
            return HttpResponseRedirect(reverse("password_change"))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        # the second factor comes first (twofactor.TwoFactorRequiredMiddleware): its pages too
        allowed = (reverse("password_change"), reverse("logout"), reverse("twofactor_verify"),
                   settings.STATIC_URL)
        return any(path.startswith(prefix) for prefix in allowed)


class SessionRefreshMiddleware:
    """Idle sessions end SESSION_COOKIE_AGE after the last request, but the session is
    written back at most every SESSION_REFRESH_SECONDS — not on every request, which on
    SQLite would make every page view a write that waits for the others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            import time
            now = int(time.time())
            if now - session.get("_refreshed", 0) >= settings.SESSION_REFRESH_SECONDS:
                session["_refreshed"] = now  # marks it modified: saved, with a new expiry
        return self.get_response(request)
