from django.contrib import admin

from .models import Delivery, DeliveryLine, Order, OrderLine, Product, ProductionStage


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["article_number", "name", "product_line", "is_spare_part", "list_price"]
    list_filter = ["product_line", "is_spare_part"]
    search_fields = ["article_number", "name"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "order_date", "status", "currency"]
    list_filter = ["status", "currency", "incoterm"]
    search_fields = ["number", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]
    date_hierarchy = "order_date"


class DeliveryLineInline(admin.TabularInline):
    model = DeliveryLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "shipped_on"]
    search_fields = ["number", "order__number"]
    raw_id_fields = ["order"]
    inlines = [DeliveryLineInline]


@admin.register(ProductionStage)
class ProductionStageAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name_de", "name_en"]
    list_display_links = ["code"]
    ordering = ["position"]
