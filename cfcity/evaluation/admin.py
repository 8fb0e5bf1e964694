from django.contrib import admin

from .models import Item, Round, Score


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Read-only for the administrator: rounds are set up, scored and closed on the site,
    where every write is audited and a closed round stays locked."""
    list_display = ["name", "year", "plan", "status"]
    list_filter = ["status", "year"]
    inlines = [ItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(RoundAdmin):
    list_display = ["round", "task", "item", "value", "scored_by", "scored_at"]
    list_filter = ["round"]
    inlines = []
