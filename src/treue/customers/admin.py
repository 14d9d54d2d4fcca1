from django.contrib import admin

from .models import Address, Contact, Customer, Interaction, PaymentTerms, ServiceStation


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "country", "industry", "segment", "is_strategic", "status"]
    list_filter = ["segment", "status", "country", "industry", "is_strategic"]
    search_fields = ["number", "name", "vat_id"]
    list_select_related = ["account_owner"]
    autocomplete_fields = ["account_owner"]
    inlines = [AddressInline, ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "customer", "buying_role", "preferred_depth"]
    list_filter = ["buying_role", "preferred_depth", "language", "marketing_consent"]
    search_fields = ["last_name", "first_name", "email", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "channel", "user"]
    list_filter = ["channel"]
    list_select_related = ["customer", "user"]
    raw_id_fields = ["customer", "contact"]


admin.site.register(PaymentTerms)
admin.site.register(ServiceStation)
