from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "org_unit", "role", "updated_at")
    list_filter = ("role",)
    search_fields = ("user__username", "org_unit__name")
    autocomplete_fields = ()
    raw_id_fields = ("org_unit",)
