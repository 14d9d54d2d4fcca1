from django.contrib import admin
from django.urls import include, path

from treue.api import api

urlpatterns = [
    path("", include("treue.core.urls")),
    path("customers/", include("treue.customers.urls")),
    path("activities/", include("treue.activities.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
