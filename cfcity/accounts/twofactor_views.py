"""Thin views over ``twofactor``: enrol an authenticator app, or type a code after the password."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import twofactor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


@never_cache
@login_required
def enrol(request):
    user = request.user
    if twofactor.app_device(user) is not None:  # enrolled: a new app only after a reset
        return redirect("twofactor_verify" if not twofactor.satisfied(request) else "/")
    error = ""
    if request.method == "POST":
        outcome = twofactor.confirm_enrolment(request, request.POST.get("token", ""))
        if outcome.ok:
            return render(request, "accounts/twofactor_codes.html",
                          {"codes": outcome.backup_codes, "next": _next(request)})
        error = outcome.message
    device = twofactor.pending_device(user)
    return render(request, "accounts/twofactor_enrol.html", {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device),
        "error": error, "next": _next(request), "required": twofactor.required(user),
    }, status=400 if error else 200)


@never_cache
@login_required
def verify(request):
    if twofactor.app_device(request.user) is None:
        return redirect("twofactor_enrol")
    if twofactor.satisfied(request) and request.method == "GET" and request.user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        outcome = twofactor.verify(request, request.POST.get("token", ""))
        if outcome.ok:
            return redirect(_next(request))
        error = outcome.message
    return render(request, "accounts/twofactor_verify.html",
                  {"error": error, "next": _next(request)}, status=400 if error else 200)
