from django.urls import path

from . import views

app_name = "receivables"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export, name="export"),
    path("figures/", views.figures, name="figures"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("payments/<int:pk>/allocate/", views.payment_allocate, name="payment_allocate"),
    path("customers/<str:number>/promise/", views.promise_new, name="promise_new"),
    path("dunning/", views.dunning_preview, name="dunning"),
    path("dunning/run/", views.dunning_execute, name="dunning_execute"),
    path("dunning/<int:pk>/", views.notice_detail, name="notice"),
    path("dunning/<int:pk>/letter.pdf", views.notice_pdf, name="notice_pdf"),
    path("dunning/<int:pk>/approve/", views.notice_approve, name="notice_approve"),
    path("dunning/<int:pk>/call/", views.notice_call, name="notice_call"),
]
