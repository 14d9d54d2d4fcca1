from django.contrib import admin

from .models import Activity, ActivityEvent


class ActivityEventInline(admin.TabularInline):
    model = ActivityEvent
    extra = 0
    readonly_fields = ["kind", "by", "at", "note"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "department", "customer", "due_on", "status", "origin"]
    list_filter = ["status", "origin", "department"]
    search_fields = ["title", "customer__name"]
    list_select_related = ["owner", "department", "customer"]
    raw_id_fields = ["customer", "owner"]
    inlines = [ActivityEventInline]
