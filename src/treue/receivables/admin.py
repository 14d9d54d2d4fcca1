from django.contrib import admin

from .models import (
    Allocation,
    CreditHold,
    DunningItem,
    DunningLevel,
    DunningNotice,
    ImportMapping,
    Invoice,
    Payment,
    PaymentPromise,
    ReceivablesEvent,
)


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "invoice"
    extra = 0
    raw_id_fields = ["payment", "credit_note"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "customer", "issued_on", "due_on", "gross_amount", "currency"]
    list_filter = ["kind", "currency"]
    search_fields = ["number", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "order", "delivery"]
    inlines = [AllocationInline]
    date_hierarchy = "issued_on"


class PaymentAllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "payment"
    extra = 0
    raw_id_fields = ["invoice"]
    exclude = ["credit_note"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "customer", "received_on", "amount", "currency"]
    search_fields = ["reference", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    inlines = [PaymentAllocationInline]
    date_hierarchy = "received_on"


@admin.register(DunningLevel)
class DunningLevelAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "position",
        "days_after_due",
        "days_since_previous",
        "flat_fee",
        "charges_interest",
        "interest_points",
    ]
    list_editable = [
        "days_after_due",
        "days_since_previous",
        "flat_fee",
        "charges_interest",
        "interest_points",
    ]


class DunningItemInline(admin.TabularInline):
    model = DunningItem
    extra = 0
    raw_id_fields = ["invoice"]


@admin.register(DunningNotice)
class DunningNoticeAdmin(admin.ModelAdmin):
    list_display = ["customer", "level", "tone", "action", "status", "decided_at"]
    list_filter = ["level", "tone", "action", "status"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "run", "decided_by"]
    filter_horizontal = ["communications"]
    inlines = [DunningItemInline]


@admin.register(CreditHold)
class CreditHoldAdmin(admin.ModelAdmin):
    list_display = ["order", "held_at", "exposure", "limit", "released_at", "released_by"]
    raw_id_fields = ["order", "held_by", "released_by"]


@admin.register(PaymentPromise)
class PaymentPromiseAdmin(admin.ModelAdmin):
    list_display = ["customer", "amount", "currency", "promised_on", "status", "recorded_by"]
    list_filter = ["status"]
    raw_id_fields = ["customer", "contact", "recorded_by"]
    filter_horizontal = ["invoices"]


@admin.register(ReceivablesEvent)
class ReceivablesEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only, also here."""

    list_display = ["at", "kind", "customer", "order", "by"]
    list_filter = ["kind"]
    list_select_related = ["customer", "order", "by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["kind", "name", "updated_at"]
