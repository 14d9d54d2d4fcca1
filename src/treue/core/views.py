from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from treue.activities.selectors import activity_overview_for_user
from treue.core.http import AuthedRequest
from treue.customers.selectors import customer_count_by_segment

from .roles import Perm


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
        "my_segments": (
            customer_count_by_segment(owner_id=user.pk)
            if user.has_treue_perm(Perm.CUSTOMER_CHANGE)
            else None
        ),
    }
    return render(request, "core/home.html", context)
