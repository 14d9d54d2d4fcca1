from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.my_activities, name="mine"),
    path("department/", views.department_activities, name="department"),
    path("<int:pk>/done/", views.activity_complete, name="complete"),
    path("<int:pk>/postpone/", views.activity_postpone, name="postpone"),
    path("<int:pk>/hand-over/", views.activity_hand_over, name="hand_over"),
]
