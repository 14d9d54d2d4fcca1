from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from treue.activities.selectors import activity_overview_for_user
from treue.core.http import AuthedRequest
from treue.customers.selectors import customer_count_by_segment
from treue.orders.selectors import order_lines_due
from treue.receivables.selectors import invoice_overdue_total, open_holds

from .roles import Perm, Role
from .services import user_language_set

# Departments that keep the delivery promise see what is due to leave the factory.
LINES_DUE_ROLES = {Role.PRODUCTION, Role.SHIPPING, Role.QUALITY, Role.MANAGEMENT}


class LoginView(auth_views.LoginView):
    """Logging in switches the interface to the language the user chose last time."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        _set_language_cookie(response, form.get_user().language)
        return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch; for a logged-in user the choice is also kept on the account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response


def home(request: AuthedRequest) -> HttpResponse:
    """The start page: what is due for me and my department today."""
    user = request.user
    today = timezone.localdate()
    context = {
        "today": today,
        "overview": activity_overview_for_user(user=user, today=today),
        # Heads and management open their department's activities from the tile.
        "sees_department": user.has_treue_perm(Perm.ACTIVITY_HAND_OVER_ANY),
        "lines_due": (
            list(order_lines_due(today=today, days=14)[:15])
            if user.role in LINES_DUE_ROLES
            else None
        ),
        "overdue": (
            invoice_overdue_total(today=today) if user.has_treue_perm(Perm.INVOICE_CHANGE) else None
        ),
        "held_orders": (open_holds().count() if user.has_treue_perm(Perm.INVOICE_CHANGE) else None),
        "my_segments": (
            customer_count_by_segment(owner_id=user.pk)
            if user.has_treue_perm(Perm.CUSTOMER_CHANGE)
            else None
        ),
    }
    return render(request, "core/home.html", context)
