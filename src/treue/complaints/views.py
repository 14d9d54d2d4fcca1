from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from treue.core.errors import BusinessRuleError
from treue.core.ratelimit import keep_link_private, too_many_requests

from . import selectors, services
from .forms import SatisfactionForm

SATISFACTION_LIMIT_PER_MINUTE = 20


def complaint_satisfaction(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The one question after closing, answered by link without login (1-5 and a comment)."""
    limited = too_many_requests(request, scope="satisfaction", limit=SATISFACTION_LIMIT_PER_MINUTE)
    if limited is not None:
        return limited
    complaint = selectors.complaint_for_satisfaction(number=number, token=token)
    if complaint is None:
        raise Http404
    form = SatisfactionForm(request.POST or None)
    status = 200
    thanks = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_satisfaction_record(
                    complaint=complaint,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
                thanks = True
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
                status = 409
        else:
            status = 422
    return keep_link_private(
        render(
            request,
            "complaints/satisfaction.html",
            {"complaint": complaint, "form": form, "thanks": thanks},
            status=status,
        )
    )
