from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Complaint, ComplaintEvent, SlaPolicy
from .services import complaints_escalate


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "severity",
        "category",
        "segment",
        "acknowledge_minutes",
        "propose_minutes",
        "resolve_minutes",
    ]
    list_filter = ["severity", "category", "segment"]

    def save_model(self, request: HttpRequest, obj: SlaPolicy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # New targets move the due times of the open complaints at once, not at the next pass.
        complaints_escalate()


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "kind", "field", "old", "new", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """For looking up; complaints change through the workflow, which keeps the audit trail."""

    list_display = ["number", "customer", "category", "severity", "status", "received_at"]
    list_filter = ["status", "category", "severity", "source"]
    search_fields = ["number", "customer__name", "customer__number"]
    inlines = [ComplaintEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
