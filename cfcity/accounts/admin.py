"""Users in the admin: each with its unit and role (Membership) and account state (Profile)
inline; creating a user, changing a membership or setting a password is recorded in the
audit log like the same change through ``services``; "重置密码" gives selected users a new
random password, shown once on the page that follows."""
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.template.response import TemplateResponse

from . import services
from .models import Membership, Profile

User = get_user_model()

# Second-factor devices are not edited in the admin: a device added or a key read there would
# let an administrator sign in as a welfare officer, unaudited. Resets: `cfcity user reset-2fa`.
# (django-otp's admin modules are imported before this one: they come first in INSTALLED_APPS.)
for _model in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
    from django.apps import apps as _apps
    if admin.site.is_registered(_apps.get_model(_model)):
        admin.site.unregister(_apps.get_model(_model))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "org_unit", "role", "updated_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "org_unit__name")
    raw_id_fields = ("org_unit",)

    def save_model(self, request, obj, form, change):
        before = services.membership_data(obj.user) if obj.user_id else None
        super().save_model(request, obj, form, change)
        services.record_admin_membership(obj.user, before, obj, actor=request.user)


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    max_num = 1
    min_num = 0
    raw_id_fields = ("org_unit",)
    fields = ("org_unit", "role")
    verbose_name = verbose_name_plural = "所属单位与角色"


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    max_num = 1
    fields = ("must_change_password", "password_changed_at")
    readonly_fields = ("password_changed_at",)
    verbose_name = verbose_name_plural = "账号状态"


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class CfcityUserAdmin(UserAdmin):
    inlines = [MembershipInline, ProfileInline]
    list_display = ("username", "first_name", "unit", "role", "is_active", "is_staff", "last_login")
    list_select_related = ("membership__org_unit",)
    list_filter = ("membership__role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "membership__org_unit__name")
    actions = ["reset_passwords"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "email")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ("collapse",)}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "description": "新建的用户第一次登录后须先修改密码。也可以用命令 cfcity user add 新建，"
                               "由系统生成随机初始密码。",
                "fields": ("username", "first_name", "usable_password", "password1", "password2")}),
    )

    @admin.display(description="所属单位", ordering="membership__org_unit__name")
    def unit(self, obj):
        m = getattr(obj, "membership", None)
        return m.org_unit.name if m else "—"

    @admin.display(description="角色", ordering="membership__role")
    def role(self, obj):
        m = getattr(obj, "membership", None)
        return m.get_role_display() if m else "—"

    def get_inline_instances(self, request, obj=None):
        # a new user's must-change flag is set on creation, not chosen
        return [i for i in super().get_inline_instances(request, obj)
                if obj is not None or not isinstance(i, ProfileInline)]

    def save_model(self, request, obj, form, change):
        self._membership_before = services.membership_data(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change:
            services.record_admin_user_created(user, actor=request.user)
        else:
            m = Membership.objects.filter(user=user).select_related("org_unit").first()
            services.record_admin_membership(user, self._membership_before, m, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                if user is not None and user.pk != request.user.pk:
                    services.record_admin_password_set(user, actor=request.user)
        return response

    @admin.action(description="重置所选用户的密码（生成随机密码，只显示一次）", permissions=["change"])
    def reset_passwords(self, request, queryset):
        users = list(queryset.order_by("username"))
        if any(u.pk == request.user.pk for u in users):
            self.message_user(request, "不能在这里重置自己的密码，请使用页面上方的“修改密码”。",
                              messages.ERROR)
            return None
        with transaction.atomic():
            results = [(u, services.reset_password(u, actor=request.user)) for u in users]
        context = {**self.admin_site.each_context(request), "title": "密码已重置",
                   "opts": self.model._meta, "results": results}
        response = TemplateResponse(request, "admin/accounts/password_reset_done.html", context)
        response["Cache-Control"] = "no-store"  # the passwords are on this page only
        return response
