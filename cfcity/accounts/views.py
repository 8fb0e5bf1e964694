"""Thin views: the user's own password change and the lockout page."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import render

from . import services


class PasswordChangeForm(DjangoPasswordChangeForm):
    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error("new_password2",
                           ValidationError("新密码不能与原密码相同。", code="password_unchanged"))
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = "/"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = services.must_change_password(self.request.user)
        return context

    def form_valid(self, form):
        user = form.user
        services.change_password(user, form.cleaned_data["new_password1"], actor=user)
        update_session_auth_hash(self.request, user)  # stay logged in with the new password
        messages.success(self.request, "密码已修改，下次登录请使用新密码。")
        return super(auth_views.PasswordChangeView, self).form_valid(form)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' response to a locked-out login (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
                  status=429)
