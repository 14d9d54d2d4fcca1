"""Receivables pages: open items and credit, held orders, payment promises, the dunning run with
its preview, a notice to review and decide, the figures, and the open-items export."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.core.errors import BusinessRuleError
from treue.core.http import AuthedRequest
from treue.core.pagination import Paginator
from treue.core.permissions import require_perm
from treue.core.roles import Perm
from treue.customers.models import Customer

from . import credit, dunning, selectors, services
from .exports import open_items_csv
from .figures import receivables_figures
from .forms import AllocateForm, ApproveForm, CallForm, PreviewFilterForm, PromiseForm, ReleaseForm
from .letters import notice_preview_pdf
from .models import DunningNotice, DunningRun, Payment


def _customer_or_404(number: str) -> Customer:
    customer = Customer.objects.select_related("account_owner").filter(number=number).first()
    if customer is None:
        raise Http404
    return customer


@require_perm(Perm.INVOICE_VIEW)
def overview(request: AuthedRequest) -> HttpResponse:
    """Accounting's desk: aging, DSO, overdue items, unallocated cash, held orders, promises."""
    today = timezone.localdate()
    overdue = (
        selectors.invoice_open_items()
        .filter(due_on__lt=today)
        .select_related("customer")
        .order_by("due_on", "id")
    )
    page = Paginator(overdue, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/overview.html",
        {
            "today": today,
            "aging": selectors.aging(today=today),
            "dso": selectors.dso(today=today),
            "page": page,
            "holds": selectors.open_holds()[:50],
            "unallocated": selectors.unallocated_payments()[:50],
            "promises": selectors.open_promises().order_by("promised_on", "id")[:50],
            "can_release": request.user.has_treue_perm(Perm.CREDIT_RELEASE),
            "can_allocate": request.user.has_treue_perm(Perm.INVOICE_CHANGE),
            "release_form": ReleaseForm(),
            "allocate_form": AllocateForm(),
        },
    )


@require_perm(Perm.INVOICE_VIEW)
def export(request: AuthedRequest) -> HttpResponse:
    """Open items as a CSV for Excel; text that could act as a formula is neutralised."""
    customer_id = None
    number = request.GET.get("customer", "")
    if number:
        customer_id = _customer_or_404(number).pk
    data = open_items_csv(customer_id=customer_id, today=timezone.localdate())
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    name = _("open-items")  # a file name: ASCII, no spaces
    suffix = f"-{number}" if number else ""
    response["Content-Disposition"] = (
        f'attachment; filename="{name}{suffix}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@require_POST
@require_perm(Perm.CREDIT_RELEASE)
def hold_release(request: AuthedRequest, pk: int) -> HttpResponse:
    hold = selectors.hold_get(pk=pk)
    if hold is None:
        raise Http404
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the release."))
    else:
        try:
            credit.credit_hold_release(
                hold=hold, by=request.user, reason=form.cleaned_data["reason"]
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _("Order %(order)s is released; the order confirmation goes out.")
                % {"order": hold.order.number},
            )
    return redirect(request.POST.get("next") or "receivables:overview")


@require_POST
@require_perm(Perm.INVOICE_CHANGE)
def payment_allocate(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = Payment.objects.filter(pk=pk).first()
    if payment is None:
        raise Http404
    form = AllocateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give an invoice number and an amount above 0."))
        return redirect("receivables:overview")
    invoice = (
        selectors.invoice_list(customer_number="")
        .filter(number=form.cleaned_data["invoice"], customer_id=payment.customer_id)
        .first()
    )
    if invoice is None:
        messages.error(
            request,
            _("The customer of payment %(reference)s has no invoice %(number)s.")
            % {"reference": payment.reference, "number": form.cleaned_data["invoice"]},
        )
        return redirect("receivables:overview")
    try:
        services.payment_allocate(
            payment=payment, invoice=invoice, amount=form.cleaned_data["amount"]
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Payment %(reference)s now settles invoice %(number)s.")
            % {"reference": payment.reference, "number": invoice.number},
        )
    return redirect("receivables:overview")


@require_perm(Perm.PROMISE_RECORD)
def promise_new(request: AuthedRequest, number: str) -> HttpResponse:
    """Record the outcome of the conversation over the limit as a payment promise."""
    customer = _customer_or_404(number)
    position = credit.credit_position(customer=customer)
    if request.method == "POST":
        form = PromiseForm(request.POST, customer=customer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                credit.promise_record(
                    customer=customer,
                    amount=data["amount"],
                    promised_on=data["promised_on"],
                    agreed_by=data["agreed_by"],
                    contact=data["contact"],
                    invoices=list(data["invoices"]),
                    note=data["note"],
                    by=request.user,
                )
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(
                    request,
                    _("Payment promise recorded; incoming payments are checked against it."),
                )
                return redirect("customers:detail", customer.number)
    else:
        needed = max(position.exposure - position.limit, Decimal(0))
        oldest = selectors.oldest_open_deliveries(customer_id=customer.pk, needed=needed)
        form = PromiseForm(
            customer=customer,
            initial={
                "invoices": [i.pk for i in oldest],
                "amount": sum((selectors.open_amount(i) for i in oldest), Decimal(0)) or None,
                "contact": customer.contacts.filter(buying_role="commercial_buyer").first(),
            },
        )
    return render(
        request,
        "receivables/promise_form.html",
        {"form": form, "customer": customer, "position": position},
    )


@require_perm(Perm.DUNNING_RUN)
def dunning_preview(request: AuthedRequest) -> HttpResponse:
    """Everything a run would send, propose, hold or turn into a call, and why."""
    filters = PreviewFilterForm(request.GET or None)
    action = filters.cleaned_data["action"] if filters.is_valid() else ""
    found = dunning.proposals()
    counts = {
        a: sum(1 for p in found if p.action == a) for a in ("send", "propose", "call", "hold")
    }
    shown = [p for p in found if not action or p.action == action]
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "receivables/dunning_preview.html",
        {
            "filters": filters,
            "page": page,
            "counts": counts,
            "total": len(found),
            "query": query.urlencode(),
            "runs": DunningRun.objects.select_related("by")[:10],
        },
    )


@require_POST
@require_perm(Perm.DUNNING_RUN)
def dunning_execute(request: AuthedRequest) -> HttpResponse:
    result = dunning.dunning_run(by=request.user)
    messages.success(
        request,
        _(
            "Dunning run done: %(sent)s letters go out, %(proposed)s proposals and %(calls)s calls "
            "for the account owners, %(held)s held."
        )
        % {
            "sent": result.count("sent"),
            "proposed": result.count("proposed"),
            "calls": result.count("call"),
            "held": result.count("held"),
        },
    )
    return redirect("receivables:dunning")


def _notice_or_404(pk: int) -> DunningNotice:
    notice = (
        DunningNotice.objects.select_related("customer__account_owner", "run", "decided_by")
        .prefetch_related("items__invoice", "communications")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


@require_perm(Perm.INVOICE_VIEW)
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(pk)
    may_decide = dunning.may_decide(user=request.user, notice=notice)
    return render(
        request,
        "receivables/notice.html",
        {
            "notice": notice,
            "may_decide": may_decide and notice.status in {"proposed", "call"},
            "approve_form": ApproveForm(initial={"tone": notice.tone, "note": notice.note}),
            "call_form": CallForm(),
        },
    )


@require_perm(Perm.INVOICE_VIEW)
def notice_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(pk)
    response = HttpResponse(notice_preview_pdf(notice=notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.customer.number}-{notice.pk}.pdf"'
    return response


@require_POST
@require_perm(Perm.DUNNING_DECIDE)
def notice_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(pk)
    if not dunning.may_decide(user=request.user, notice=notice):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a tone."))
        return redirect("receivables:notice", pk)
    try:
        dunning.notice_approve(
            notice=notice,
            by=request.user,
            tone=form.cleaned_data["tone"],
            note=form.cleaned_data["note"],
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The letter goes out."))
    return redirect("receivables:notice", pk)


@require_POST
@require_perm(Perm.DUNNING_DECIDE)
def notice_call(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(pk)
    if not dunning.may_decide(user=request.user, notice=notice):
        raise PermissionDenied
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the call agreed or why."))
        return redirect("receivables:notice", pk)
    try:
        dunning.notice_replace_by_call(
            notice=notice, by=request.user, note=form.cleaned_data["note"]
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("No letter: the call is recorded instead."))
    return redirect("receivables:notice", pk)


@require_perm(Perm.INVOICE_VIEW)
def figures(request: AuthedRequest) -> HttpResponse:
    return render(request, "receivables/figures.html", {"figures": receivables_figures()})
