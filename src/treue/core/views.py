from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from treue.activities.selectors import activity_overview_for_user
from treue.core.http import AuthedRequest
from treue.customers.selectors import customer_count_by_segment
from treue.orders.selectors import order_lines_due
from treue.receivables.selectors import invoice_overdue_total

from .roles import Perm, Role

# Departments that keep the delivery promise see what is due to leave the factory.
LINES_DUE_ROLES = {Role.PRODUCTION, Role.SHIPPING, Role.QUALITY, Role.MANAGEMENT}


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


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
        "my_segments": (
            customer_count_by_segment(owner_id=user.pk)
            if user.has_treue_perm(Perm.CUSTOMER_CHANGE)
            else None
        ),
    }
    return render(request, "core/home.html", context)
