"""The floor treue is compared with: a bare Django app over the same customer table.

Settings, URLs, views and the WSGI application in one module, served by the same gunicorn command
as treue (`gunicorn baseline:application --pythonpath bench`, DJANGO_SETTINGS_MODULE=baseline):

- `/table/`  a plain template table of 50 customers ordered by name, with the total count
  (PERFORMANCE.md's "Django template table" row) - the floor of the customer list page;
- `/values/` `.values()` of the same 50 rows and the count as JSON
  (PERFORMANCE.md's "plain Django view");
- `/ninja/` the same rows through a django-ninja Schema with `limit`/`offset` and the count
  (PERFORMANCE.md's "django-ninja Schema + limit/offset") - the floor of `GET /api/v1/customers`,
  which is a django-ninja endpoint too.

No middleware, no sessions, no auth, no i18n: only what any Django page over this table pays.
The connection settings are treue's own (`database_from_url`: persistent connections, the same
SQLite pragmas), so that the comparison measures treue's code, not a different database setup.
"""

import functools
import os
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from treue.settings.base import database_from_url

PAGE_SIZE = 50

# ------------------------------------------------------------------------------------ settings

SECRET_KEY = "bench-baseline-" + "x" * 40  # signs nothing: no sessions, no forms
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
INSTALLED_APPS = ["baseline"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "baseline"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates"}]
USE_TZ = True
USE_I18N = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------------------- views


@functools.cache
def customer_model() -> Any:
    """treue's customer table, seen through an unmanaged model of this app.

    Defined on first use: this module is also the settings module, imported before apps are ready.
    """
    from django.db import models

    class Customer(models.Model):
        number = models.CharField(max_length=20)
        name = models.CharField(max_length=200)
        country = models.CharField(max_length=2)
        industry = models.CharField(max_length=30)
        segment = models.CharField(max_length=1)
        status = models.CharField(max_length=10)

        class Meta:
            app_label = "baseline"
            db_table = "customers_customer"
            managed = False

        def __str__(self) -> str:
            return self.name

    return Customer


@functools.cache
def table_template() -> Any:
    return engines["django"].from_string(
        """<!doctype html><html><head><meta charset="utf-8"><title>Customers</title></head>
<body><h1>Customers</h1><p>{{ count }} customers</p>
<table><thead><tr><th>No.</th><th>Name</th><th>Country</th><th>Industry</th><th>Segment</th>
<th>Status</th></tr></thead><tbody>
{% for c in customers %}<tr><td>{{ c.number }}</td><td><a href="/customers/{{ c.number }}/">
{{ c.name }}</a></td><td>{{ c.country }}</td><td>{{ c.industry }}</td><td>{{ c.segment }}</td>
<td>{{ c.status }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
    )


def table(request: HttpRequest) -> HttpResponse:
    customers = customer_model().objects.order_by("name", "id")
    context = {"count": customers.count(), "customers": customers[:PAGE_SIZE]}
    return HttpResponse(table_template().render(context, request))


COLUMNS = ("number", "name", "country", "industry", "segment", "status")


def values(request: HttpRequest) -> JsonResponse:
    customers = customer_model().objects.order_by("name", "id")
    return JsonResponse(
        {"count": customers.count(), "items": list(customers.values(*COLUMNS)[:PAGE_SIZE])}
    )


@functools.cache
def ninja_api() -> Any:
    from ninja import NinjaAPI, Query, Schema

    class CustomerOut(Schema):
        number: str
        name: str
        country: str
        industry: str
        segment: str
        status: str

    class CustomerList(Schema):
        count: int
        items: list[CustomerOut]

    class Paging(Schema):
        limit: int = PAGE_SIZE
        offset: int = 0

    api = NinjaAPI(urls_namespace="baseline", docs_url=None, openapi_url=None)

    @api.get("/", response=CustomerList)
    def customers(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
        rows = customer_model().objects.order_by("name", "id")
        page = rows[paging.offset : paging.offset + paging.limit]
        return {"count": rows.count(), "items": list(page.values(*COLUMNS))}

    return api


urlpatterns = [
    path("table/", table),
    path("values/", values),
    path("ninja/", ninja_api().urls),
]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline")
application = get_wsgi_application()
