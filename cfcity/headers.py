"""Response headers Django does not set itself (docs/security.md, “Sign-in and site hardening”).

- ``Permissions-Policy`` on every response: no camera, microphone or payment; geolocation for
  the site's own pages only (a map page may want it later).
- A download (``Content-Disposition: attachment``) gets ``Content-Security-Policy: sandbox``
  instead of the page policy, and ``X-Content-Type-Options: nosniff``: should a browser ever
  open one in a tab, it runs no script and reaches no cookie of the site.

Listed before django-csp's middleware, so on the way out it runs after it and has the last
word on downloads.
"""
from django.conf import settings

DOWNLOAD_CSP = "sandbox"


def is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        if is_download(response):
            response["Content-Security-Policy"] = DOWNLOAD_CSP
            response["X-Content-Type-Options"] = "nosniff"
        return response
