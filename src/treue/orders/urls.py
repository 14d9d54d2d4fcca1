from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("production-cycle/", views.production_cycle, name="production_cycle"),
    path("<str:number>/", views.order_detail, name="detail"),
    path(
        "<str:number>/lines/<int:line_no>/promised-date/",
        views.promised_date_change,
        name="promised_date",
    ),
]
