from django.urls import path

from . import views

app_name = "scorecards"
urlpatterns = [
    path("delivery/", views.delivery_scorecard, name="delivery"),
]
