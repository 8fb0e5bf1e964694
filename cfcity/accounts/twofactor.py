"""The second factor: a TOTP code from an authenticator app (django-otp), for whoever may see
children's personal records (``roles.needs_second_factor``), or everyone when
CFCITY_REQUIRE_2FA_FOR_ALL is set.

After the password such a user either enrols — a QR code (and the secret as text) for the app,
confirmed by one code; ten one-time backup codes are shown once — or types a code. Until then
``TwoFactorRequiredMiddleware`` lets them open only those pages and log out; the API refuses
their bearer tokens (``cfcity.api.auth``). Wrong codes slow down (django-otp's throttling: 1,
2, 4 … seconds after each failure in a row) and are recorded in the audit log, as are
enrolment, a backup code used and a reset by the administrator (``cfcity user reset-2fa``).
Pages: ``twofactor_views``; docs/security.md.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.audit.services import log_action

from .roles import needs_second_factor

APP_DEVICE_NAME = "身份验证器"
BACKUP_DEVICE_NAME = "备用验证码"
BACKUP_CODES = 10
API_REFUSED = ("该账号须使用动态验证码（两步验证）登录，暂不能使用 API 令牌；"
               "请在浏览器中登录并完成验证后使用")


def required(user) -> bool:
    """Must ``user`` sign in with a second factor?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(settings.REQUIRE_2FA_FOR_ALL) or needs_second_factor(user)


def satisfied(request) -> bool:
    """Has this session's user done what the second factor asks (or need not)?"""
    user = getattr(request, "user", None)
    if not required(user):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def app_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device of an enrolment under way (made on the first visit, kept until
    confirmed, so a reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as the apps take it typed in: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no inline style: the CSP allows none)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _clean(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


@dataclass
class Outcome:
    ok: bool
    message: str = ""
    backup_codes: list[str] | None = None  # after enrolment: shown once


def _throttled(device) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return f"验证码错误次数过多，请 {seconds} 秒后再试。"


def _unit(user):
    m = getattr(user, "membership", None)
    return m.org_unit if m else None


def _failed(request, user, kind: str, device, message: str) -> Outcome:
    log_action("accounts.twofactor.failed", actor=user, obj=user, org_unit=_unit(user),
               data={"username": user.get_username(), "step": kind,
                     "failures_in_a_row": getattr(device, "throttling_failure_count", None),
                     "ip": request.META.get("REMOTE_ADDR", "")})
    return Outcome(False, message)


def _signed_in(request, device):
    otp_login(request, device)
    # the session now carries more than a password gives: a new key, as at login
    request.session.cycle_key()


def confirm_enrolment(request, token: str) -> Outcome:
    """The user typed the first code from their new app: confirm the device, make backup codes."""
    user = request.user
    if app_device(user) is not None:
        return Outcome(False, "您已绑定身份验证器。")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=pending_device(user).pk)
        wait = _throttled(device)
        if wait:
            return Outcome(False, wait)
        if not device.verify_token(_clean(token)):
            return _failed(request, user, "enrol", device, "验证码不正确，请核对手机上显示的 6 位数字后重新输入。")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        log_action("accounts.twofactor.enrolled", actor=user, obj=user, org_unit=_unit(user),
                   data={"username": user.get_username(), "device": device.name,
                         "backup_codes": len(codes)})
    _signed_in(request, device)
    return Outcome(True, backup_codes=codes)


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODES:  # never all digits: those are taken for app codes
        code = StaticToken.random_token()
        if not code.isdigit() and code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify(request, token: str) -> Outcome:
    """A code at sign-in: from the app (6 digits) or one of the backup codes (8 letters/digits)."""
    user = request.user
    token = _clean(token)
    device = app_device(user)
    if device is None:
        return Outcome(False, "您还没有绑定身份验证器。")
    backup = StaticDevice.objects.filter(user=user, confirmed=True).first()
    use_backup = backup is not None and not token.isdigit()
    with transaction.atomic():
        device = (StaticDevice if use_backup else TOTPDevice).objects.select_for_update().get(
            pk=(backup if use_backup else device).pk)
        wait = _throttled(device)
        if wait:
            return Outcome(False, wait)
        if not device.verify_token(token):
            return _failed(request, user, "backup" if use_backup else "verify", device,
                           "验证码不正确或已过期，请输入手机上当前显示的 6 位数字。")
        if use_backup:
            left = device.token_set.count()
            log_action("accounts.twofactor.backup_used", actor=user, obj=user, org_unit=_unit(user),
                       data={"username": user.get_username(), "backup_codes_left": left})
    _signed_in(request, device)
    return Outcome(True)


def reset(user, *, actor) -> int:
    """Remove ``user``'s authenticator and backup codes (a lost phone): they enrol again at the
    next sign-in. Returns how many devices were removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
        removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
        log_action("accounts.twofactor.reset", actor=actor, obj=user, org_unit=_unit(user),
                   data={"username": user.get_username(), "devices_removed": removed})
    return removed


# --- the gate -----------------------------------------------------------------------------

def gate_url(request) -> str:
    """Where a user still owing the second factor is sent, coming back to this page after."""
    name = "twofactor_verify" if app_device(request.user) is not None else "twofactor_enrol"
    url = reverse(name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class TwoFactorRequiredMiddleware:
    """Until the second factor is given, every page but enrol/verify, logout and static files
    redirects there; the API answers 403 in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not satisfied(request) and not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先在浏览器中完成两步验证（输入动态验证码）"}, status=403)
            return HttpResponseRedirect(gate_url(request))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("twofactor_verify"), reverse("twofactor_enrol"), reverse("logout"),
                   settings.STATIC_URL)
        return any(path.startswith(prefix) for prefix in allowed)
