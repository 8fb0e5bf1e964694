from django.contrib import admin

from .models import Case, Meeting


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change through their pages (checked and audited)."""
    list_display = ["title", "org_unit", "year", "status"]
    list_filter = ["status", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(CaseAdmin):
    list_display = ["title", "kind", "date", "place"]
    list_filter = ["kind"]
