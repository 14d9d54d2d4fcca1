from django.contrib import admin

from .models import Invoice, Payment


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "issued_on", "due_on", "gross_amount", "currency"]
    list_filter = ["currency"]
    search_fields = ["number", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "order"]
    inlines = [PaymentInline]
    date_hierarchy = "issued_on"
