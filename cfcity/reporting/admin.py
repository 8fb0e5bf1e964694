from django.contrib import admin

from .models import Assignment, Evidence, Period, Report, ReportEvent, ReportValue, TargetShare, ValidationRule


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "kind", "opens", "deadline", "closes")
    list_filter = ("kind", "year")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "org_unit", "role")
    list_filter = ("role",)
    raw_id_fields = ("task", "org_unit")


@admin.register(TargetShare)
class TargetShareAdmin(admin.ModelAdmin):
    list_display = ("target", "org_unit", "value", "note")
    raw_id_fields = ("target", "org_unit")


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    raw_id_fields = ("target",)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "action", "from_status", "to_status", "comment", "changes")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """For looking things up; changes go through the reporting pages so that review and
    history rules hold."""
    list_display = ("__str__", "status", "stage", "revision", "updated_at")
    list_filter = ("status", "period")
    raw_id_fields = ("task", "org_unit", "period", "created_by")
    inlines = [ReportValueInline, ReportEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "report", "content_type", "size", "uploaded_at")
    readonly_fields = [f.name for f in Evidence._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ("left", "operator", "right", "constant", "message")
    raw_id_fields = ("left", "right")
