from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Paths that answer without a session: the login page itself, static files, the health probe,
# the API (which authenticates with bearer tokens), the language switch and the customers'
# order tracking and the satisfaction question after a complaint (which a token in the link
# protects).
PUBLIC_PREFIXES = (
    "/login/",
    "/static/",
    "/healthz",
    "/api/",
    "/i18n/",
    "/track/",
    "/feedback/",
)


class LoginRequiredMiddleware:
    """Login is required everywhere except the few public paths above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path first: a health probe must not touch the session (or a database that is down).
        if not request.path.startswith(PUBLIC_PREFIXES) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
