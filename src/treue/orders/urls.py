from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("production-cycle/", views.production_cycle, name="production_cycle"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/confirm/", views.order_confirm, name="confirm"),
    path(
        "<str:number>/confirmations/<int:version>.pdf",
        views.order_confirmation_pdf,
        name="confirmation_pdf",
    ),
    path("<str:number>/deliveries/new/", views.delivery_new, name="delivery_new"),
    path(
        "<str:number>/partial-delivery-agreement/",
        views.partial_delivery_agreement_new,
        name="agreement_new",
    ),
    path(
        "<str:number>/lines/<int:line_no>/promised-date/",
        views.promised_date_change,
        name="promised_date",
    ),
]
