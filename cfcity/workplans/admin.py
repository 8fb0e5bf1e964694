from django.contrib import admin

from .models import BudgetLine, Milestone, WorkPlan


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "year", "status", "due"]
    list_filter = ["year", "status"]
    readonly_fields = ["status", "version"]  # review steps only through the pages (audited)


admin.site.register(Milestone)
admin.site.register(BudgetLine)
