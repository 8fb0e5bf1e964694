from django.contrib import admin

from . import models


class DomainInline(admin.TabularInline):
    model = models.Domain
    fields = ["order", "number", "title", "line"]
    extra = 0


class SectionInline(admin.TabularInline):
    model = models.PlanSection
    fields = ["order", "number", "title", "line"]
    extra = 0


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "issuer", "date", "period_start", "period_end",
                    "imported_at"]
    search_fields = ["title", "doc_number", "issuer"]
    list_select_related = ["area"]
    # what the import recorded is not edited by hand here: export, correct, re-import
    readonly_fields = ["imported_at", "imported_by", "declared", "warnings", "source"]
    raw_id_fields = ["area"]
    inlines = [DomainInline, SectionInline]


class ActionInline(admin.TabularInline):
    model = models.Action
    fields = ["order", "number", "title", "line"]
    extra = 0


@admin.register(models.Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    inlines = [ActionInline]


class TaskInline(admin.TabularInline):
    model = models.Task
    fields = ["order", "number", "title", "line"]
    exclude = ["plan"]
    extra = 0


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "domain"]
    list_filter = ["domain__plan"]
    list_select_related = ["domain"]
    inlines = [TaskInline]


class TaskDepartmentInline(admin.TabularInline):
    model = models.TaskDepartment
    raw_id_fields = ["org_unit"]
    extra = 0


class TargetInline(admin.StackedInline):
    model = models.Target
    exclude = ["plan"]
    extra = 0


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "action", "plan"]
    list_filter = ["plan"]
    search_fields = ["title", "text"]
    list_select_related = ["action", "plan"]
    raw_id_fields = ["action", "plan"]
    inlines = [TaskDepartmentInline, TargetInline]


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "comparator", "value", "value_max", "unit", "year", "kind",
                    "task"]
    list_filter = ["kind", "plan"]
    search_fields = ["indicator", "source"]
    list_select_related = ["task"]
    raw_id_fields = ["plan", "task"]


@admin.register(models.PlanSection)
class PlanSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "plan", "line"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
