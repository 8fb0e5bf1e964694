from django.contrib import admin

from .models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "code", "order", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
