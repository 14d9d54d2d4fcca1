from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.core.http import AuthedRequest
from treue.core.pagination import Paginator
from treue.core.permissions import require_perm
from treue.core.roles import Perm

from . import selectors, services
from .letters import letter_pdf
from .models import Communication


@require_perm(Perm.CONTACT_CHANGE)
def print_queue(request: AuthedRequest) -> HttpResponse:
    """Letters waiting to be printed and posted, oldest first."""
    letters = selectors.letters_to_print()
    page = Paginator(letters, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communications/print_queue.html", {"page": page, "query": ""})


def _letter_or_404(pk: int) -> Communication:
    letter = selectors.letter_get(pk=pk)
    if letter is None:
        raise Http404
    return letter


@require_perm(Perm.CONTACT_CHANGE)
def letter_download(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _letter_or_404(pk)
    response = HttpResponse(letter_pdf(communication=letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="brief-{letter.pk}.pdf"'
    return response


@require_POST
@require_perm(Perm.CONTACT_CHANGE)
def letter_printed(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = services.communication_mark_printed(communication=_letter_or_404(pk), by=request.user)
    messages.success(request, _("Marked as printed: %(subject)s") % {"subject": letter.subject})
    return redirect("communications:print_queue")
