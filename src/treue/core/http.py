from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthedRequest(HttpRequest):
    """What a view behind LoginRequiredMiddleware receives (for type checking only)."""

    user: User
    htmx: HtmxDetails
