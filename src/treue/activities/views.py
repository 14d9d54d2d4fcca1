from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.core.errors import BusinessRuleError
from treue.core.http import AuthedRequest

from . import selectors, services
from .forms import DepartmentFilterForm, HandOverForm, PostponeForm
from .models import Activity, ActivityStatus


def my_activities(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", ActivityStatus.OPEN)
    if status not in ActivityStatus.values:
        status = ActivityStatus.OPEN
    activities = list(selectors.activity_list_for_owner(user=request.user, status=status)[:200])
    return render(
        request,
        "activities/mine.html",
        {"activities": activities, "status": status, "today": timezone.localdate()},
    )


def department_activities(request: AuthedRequest) -> HttpResponse:
    """Open activities of the department (a head) or of every department (management)."""
    oversight = selectors.activity_oversight_for(user=request.user)
    if oversight is None:
        raise PermissionDenied
    form = None
    department_id = oversight.department_id
    if department_id is None:
        form = DepartmentFilterForm(
            request.GET or None, departments=selectors.activity_department_choices()
        )
        department_id = form.department_id()
    today = timezone.localdate()
    activities = selectors.activity_list_for_department(department_id=department_id, today=today)
    page = Paginator(activities, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "today": today,
        "show_department": oversight.department_id is None,
        "filtered": form is not None and department_id is not None,
        "next": request.get_full_path(),
    }
    template = "activities/department.html"
    if request.htmx and request.htmx.target == "activity-table":
        template += "#table"
    return render(request, template, context)


def _changeable_activity(request: AuthedRequest, pk: int) -> Activity:
    """The activity if this user may change it; a forged id answers 404, never data."""
    activity = Activity.objects.select_related("customer", "owner").filter(pk=pk).first()
    if activity is None or not services.activity_can_change(activity=activity, user=request.user):
        raise Http404
    return activity


def _next(request: AuthedRequest) -> str:
    """Where an action returns to: a local `next` URL (the department page), else My activities."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("activities:mine")


def _from_department_page(request: AuthedRequest) -> bool:
    return _next(request).startswith(reverse("activities:department"))


def _row(
    request: AuthedRequest, activity: Activity, status: int = 200, **extra: object
) -> HttpResponse:
    """The activity's table row, as the page the action came from draws it."""
    context: dict[str, object] = {"activity": activity, "today": timezone.localdate(), **extra}
    template = "activities/mine.html#row"
    if _from_department_page(request):
        template = "activities/department.html#row"
        oversight = selectors.activity_oversight_for(user=request.user)
        context["show_department"] = oversight is not None and oversight.department_id is None
        context["next"] = _next(request)
    return render(request, template, context, status=status)


def _form_context(request: AuthedRequest) -> dict[str, object]:
    if _from_department_page(request):
        return {
            "next": _next(request),
            "back": _next(request),
            "back_label": _("Department activities"),
        }
    return {"back": reverse("activities:mine"), "back_label": _("My activities")}


def _answer(request: AuthedRequest, activity: Activity, message: str) -> HttpResponse:
    if request.htmx:
        return _row(request, activity, notice=message)
    messages.success(request, message)
    return redirect(_next(request))


@require_POST
def activity_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _changeable_activity(request, pk)
    try:
        activity = services.activity_complete(activity=activity, by=request.user)
    except BusinessRuleError as exc:
        return _refused(request, activity, exc)
    return _answer(request, activity, _("Marked as done."))


def activity_postpone(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _changeable_activity(request, pk)
    form = PostponeForm(request.POST or None, initial={"due_on": activity.due_on})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_postpone(
                activity=activity, due_on=form.cleaned_data["due_on"], by=request.user
            )
        except BusinessRuleError as exc:
            return _refused(request, activity, exc)
        return _answer(request, activity, _("Postponed."))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "activities/form.html",
        {
            "activity": activity,
            "form": form,
            "action": "postpone",
            "title": _("Postpone"),
            **_form_context(request),
        },
        status=status,
    )


def activity_hand_over(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = _changeable_activity(request, pk)
    candidates = selectors.activity_hand_over_candidates(activity=activity)
    form = HandOverForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_hand_over(
                activity=activity,
                to=form.cleaned_data["to"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except BusinessRuleError as exc:
            return _refused(request, activity, exc)
        return _answer(request, activity, _("Handed over to %(name)s.") % {"name": activity.owner})
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "activities/form.html",
        {
            "activity": activity,
            "form": form,
            "action": "hand_over",
            "title": _("Hand over"),
            **_form_context(request),
        },
        status=status,
    )


def _refused(request: AuthedRequest, activity: Activity, exc: BusinessRuleError) -> HttpResponse:
    if request.htmx:
        return _row(request, activity, status=409, error=exc.detail)
    messages.error(request, exc.detail)
    return redirect(_next(request))
