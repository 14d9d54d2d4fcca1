from django.urls import path

from . import views

app_name = "communications"
urlpatterns = [
    path("letters/", views.print_queue, name="print_queue"),
    path("letters/<int:pk>/pdf/", views.letter_download, name="letter_pdf"),
    path("letters/<int:pk>/printed/", views.letter_printed, name="letter_printed"),
]
