from django.contrib import admin

from .models import Finding, Inspection


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "kind", "plan"]
    list_filter = ["kind"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["inspection", "number", "org_unit", "severity", "deadline", "status"]
    list_filter = ["status", "severity"]
    readonly_fields = ["status", "version"]
