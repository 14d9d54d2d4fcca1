from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from treue.core.http import AuthedRequest
from treue.core.permissions import require_perm
from treue.core.roles import Perm

from . import selectors


@require_perm(Perm.DELIVERY_FIGURES_VIEW)
def delivery_scorecard(request: AuthedRequest) -> HttpResponse:
    """Delivery reliability for shipping and production, from the latest snapshot."""
    return render(
        request,
        "scorecards/delivery.html",
        {"card": selectors.delivery_scorecard(), "target_hours": settings.SPARE_PART_TARGET_HOURS},
    )
