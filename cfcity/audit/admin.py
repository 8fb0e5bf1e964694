from django.contrib import admin

from .models import AuditEntry
from .services import action_label


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the record of writes is never edited."""
    list_display = ("created_at", "actor_name", "label", "object_repr", "org_unit")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_name", "action")
    date_hierarchy = "created_at"

    @admin.display(description="操作")
    def label(self, obj):
        return action_label(obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
