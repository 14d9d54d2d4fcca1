from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.core.errors import BusinessRuleError
from treue.core.http import AuthedRequest

from . import selectors, services
from .forms import HandOverForm, PostponeForm
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


def _changeable_activity(request: AuthedRequest, pk: int) -> Activity:
    """The activity if this user may change it; a forged id answers 404, never data."""
    activity = Activity.objects.select_related("customer", "owner").filter(pk=pk).first()
    if activity is None or not services.activity_can_change(activity=activity, user=request.user):
        raise Http404
    return activity


def _answer(request: AuthedRequest, activity: Activity, message: str) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "activities/mine.html#row",
            {"activity": activity, "notice": message, "today": timezone.localdate()},
        )
    messages.success(request, message)
    return redirect("activities:mine")


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
        {"activity": activity, "form": form, "action": "postpone", "title": _("Postpone")},
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
        {"activity": activity, "form": form, "action": "hand_over", "title": _("Hand over")},
        status=status,
    )


def _refused(request: AuthedRequest, activity: Activity, exc: BusinessRuleError) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "activities/mine.html#row",
            {"activity": activity, "error": exc.detail},
            status=409,
        )
    messages.error(request, exc.detail)
    return redirect("activities:mine")
