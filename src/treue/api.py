"""The REST API under /api/v1/: bearer tokens, the routers of each app, and one error shape.

Errors answer with a JSON body clients can branch on:

- 401 ``{"code": "not_authenticated", "detail": ...}``: no or no valid bearer token
- 403 ``{"code": "permission_denied", "detail": ...}``: the token's user lacks the permission
- 404 ``{"code": "not_found", "detail": ...}``: no object with that number or id
- 405 ``{"code": "method_not_allowed", "detail": ...}``: the path has no such method (see ``Allow``)
- 409 ``{"code": <rule>, "detail": ...}``: a business rule refuses (``BusinessRuleError``), or the
  database refused a write that raced with another one (``"conflict"``)
- 422 ``{"detail": [{"type": ..., "loc": [...], "msg": ...}, ...]}``: invalid input, from the schema
  (django-ninja's own shape) or from a service (Django ``ValidationError``, same shape). Every
  body parameter is called ``payload``, so service errors sit at ``["body", "payload", field]``;
  uploads are multipart fields named ``files`` (``["file", "files"]``).
"""

import inspect
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError

from treue.communications.api import communications_router
from treue.complaints.api import complaints_router
from treue.core.errors import BusinessRuleError
from treue.core.tokens import TokenAuth
from treue.customers.api import contacts_router, customers_router
from treue.orders.api import orders_router, products_router
from treue.receivables.api import (
    credit_router,
    dunning_router,
    invoices_router,
    payments_router,
)

logger = logging.getLogger(__name__)


class _TreueAPI(NinjaAPI):
    """django-ninja answers a method a path lacks itself, in plain text, outside the exception
    handlers: every URL of the API hands that answer to them instead."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and not inspect.iscoroutinefunction(
                pattern.callback
            ):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace


api = _TreueAPI(
    title="treue API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    # The interactive docs load Swagger UI from ninja's static files, or else from a CDN, which
    # our Content-Security-Policy forbids: offer them only when the static files are served.
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)


def _english_unless_asked(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer in English unless the client sends Accept-Language.

    The pages fall back to German, but an ERP client rarely says which language it wants, and
    schema errors (from pydantic) are English anyway: one language per response.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "accept-language" in request.headers:
            return view(request, *args, **kwargs)
        with translation.override("en"):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", "en")
        return response

    return wrapper


api.add_decorator(_english_unless_asked, mode="view")
api.add_router("/customers", customers_router)
api.add_router("/customers", credit_router)
api.add_router("/communications", communications_router)
api.add_router("/contacts", contacts_router)
api.add_router("/products", products_router)
api.add_router("/orders", orders_router)
api.add_router("/invoices", invoices_router)
api.add_router("/payments", payments_router)
api.add_router("/dunning-runs", dunning_router)
api.add_router("/complaints", complaints_router)


def _error(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, 401, "not_authenticated", "Send a valid API token: Authorization: Bearer <token>."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


_HTTP_ERROR_CODES = {400: "bad_request", 405: "method_not_allowed", 429: "throttled"}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _HTTP_ERROR_CODES.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc))


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return _method_not_allowed(request, response)
        return response

    return wrapper


@_english_unless_asked
def _method_not_allowed(request: HttpRequest, plain: HttpResponseNotAllowed) -> HttpResponse:
    # ninja builds Allow from a set: sorted, it is the same on every request.
    allowed = ", ".join(sorted(method.strip() for method in plain["Allow"].split(",")))
    detail = f"{request.method} is not allowed here; use {allowed}."
    response = api.on_exception(request, HttpError(405, detail))
    response["Allow"] = allowed
    return response


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", str(exc) or "Permission denied.")


@api.exception_handler(Http404)
def _http_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def _object_not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    # Model.DoesNotExist is named "<Model>.DoesNotExist": say which kind of object is missing.
    model_name = type(exc).__qualname__.split(".")[0]
    return _error(request, 404, "not_found", f"{model_name} not found.")


@api.exception_handler(BusinessRuleError)
def _business_rule(request: HttpRequest, exc: BusinessRuleError) -> HttpResponse:
    return _error(request, 409, exc.code, exc.detail)


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services check what they can first; this is a write that lost a race (or a missed check).
    logger.warning("API write refused by the database: %s", exc)
    return _error(
        request, 409, "conflict", "The change conflicts with the current data; reload and retry."
    )


@api.exception_handler(DjangoValidationError)
def _validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_errors(exc)}, status=422)


def validation_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError in django-ninja's 422 shape; "lines.1.product" becomes a path."""
    if hasattr(exc, "error_dict"):
        by_field = list(exc.error_dict.items())
    else:
        by_field = [("__all__", exc.error_list)]
    errors: list[dict[str, Any]] = []
    for field, field_errors in by_field:
        loc: list[str | int] = ["body", "payload"]
        if field != "__all__":
            loc += [int(part) if part.isdigit() else part for part in field.split(".")]
        for error in field_errors:
            errors.extend(
                {"type": error.code or "invalid", "loc": loc, "msg": message}
                for message in error.messages
            )
    return errors
