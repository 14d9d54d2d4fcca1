from django.contrib import admin
from django.urls import include, path

from treue.api import api
from treue.complaints.views import complaint_satisfaction, tracking_complaint
from treue.core.views import language_set
from treue.orders.views import order_tracking

urlpatterns = [
    path("", include("treue.core.urls")),
    path("customers/", include("treue.customers.urls")),
    path("activities/", include("treue.activities.urls")),
    path("orders/", include("treue.orders.urls")),
    path("communications/", include("treue.communications.urls")),
    path("scorecards/", include("treue.scorecards.urls")),
    path("complaints/", include("treue.complaints.urls")),
    path("receivables/", include("treue.receivables.urls")),
    path("track/<str:number>/<str:token>/", order_tracking, name="track"),
    path(
        "track/<str:number>/<str:token>/complaint/",
        tracking_complaint,
        name="track_complaint",
    ),
    path(
        "feedback/<str:number>/<str:token>/",
        complaint_satisfaction,
        name="complaint_satisfaction",
    ),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
