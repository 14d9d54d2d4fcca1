from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from treue.activities.selectors import activity_list_for_customer
from treue.complaints.figures import customer_complaints
from treue.core.http import AuthedRequest
from treue.core.pagination import Paginator
from treue.core.permissions import require_perm
from treue.core.roles import Perm
from treue.receivables.credit import credit_position
from treue.receivables.selectors import (
    aging,
    dso,
    dunning_history,
    invoice_open_items,
    open_holds,
    payment_behaviour,
    promises,
    receivables_events,
    unallocated_payments,
)
from treue.scorecards.selectors import customer_delivery_figures

from . import selectors
from .forms import CustomerFilterForm
from .models import Customer

SECTION_PAGE_SIZE = 20


@require_perm(Perm.CUSTOMER_VIEW)
def customer_list(request: AuthedRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET or None)
    customers = selectors.customer_list(**form.filters())  # type: ignore[arg-type]
    total = selectors.customer_total() if form.is_unfiltered() else None
    page = Paginator(customers, settings.PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    page.object_list = selectors.customer_list_page_rows(customers=page.object_list)  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "customers/list.html"
    if request.htmx and request.htmx.target == "customer-table":
        template += "#table"
    return render(request, template, context)


def _customer_or_404(number: str) -> Customer:
    try:
        return selectors.customer_get(number=number)
    except Customer.DoesNotExist:
        raise Http404 from None


SECTIONS = ("contacts", "orders", "invoices", "activities", "interactions")


@require_perm(Perm.CUSTOMER_VIEW)
def customer_detail(request: AuthedRequest, number: str) -> HttpResponse:
    """The customer 360 page; each section is also served alone as an htmx partial."""
    customer = _customer_or_404(number)
    user = request.user
    context: dict[str, object] = {
        "customer": customer,
        "can_see_invoices": user.has_treue_perm(Perm.INVOICE_VIEW),
        "can_see_margins": user.has_treue_perm(Perm.ORDER_MARGIN_VIEW),
        "today": timezone.localdate(),
    }
    section = request.GET.get("section", "")
    if not section:
        context["addresses"] = selectors.customer_addresses(customer=customer)
        context["figures"] = selectors.customer_key_figures(
            customer=customer,
            today=context["today"],  # type: ignore[arg-type]
        )
        if user.has_treue_perm(Perm.COMPLAINT_VIEW):
            context["complaints"] = customer_complaints(
                customer_id=customer.pk,
                today=context["today"],  # type: ignore[arg-type]
            )
        if user.has_treue_perm(Perm.DELIVERY_FIGURES_VIEW):
            context["delivery"] = customer_delivery_figures(
                customer_id=customer.pk,
                today=context["today"],  # type: ignore[arg-type]
            )
        return render(request, "customers/detail.html", context)
    if section not in SECTIONS:
        raise Http404
    if section == "invoices" and not context["can_see_invoices"]:
        raise PermissionDenied
    context.update(_section_context(request, customer, section))
    return render(request, f"customers/detail.html#{section}", context)


def _section_context(request: AuthedRequest, customer: Customer, section: str) -> dict[str, object]:
    if section == "contacts":
        return {"contacts": selectors.customer_contacts(customer=customer)}
    rows = {
        "orders": lambda: selectors.customer_orders(customer=customer),
        "invoices": lambda: invoice_open_items(customer_id=customer.pk),
        "activities": lambda: activity_list_for_customer(customer=customer),
        "interactions": lambda: selectors.customer_interactions(customer=customer),
    }[section]()
    page = Paginator(rows, SECTION_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, object] = {"section_page": page, "section": section}
    if section == "invoices":
        context.update(_receivables_context(request, customer))
    return context


def _receivables_context(request: AuthedRequest, customer: Customer) -> dict[str, object]:
    """Credit, aging, payment behaviour, promises, dunning and the audit trail beside the open
    invoices; the rest of the section only on its first page."""
    today = timezone.localdate()
    user = request.user
    if request.GET.get("page", "1") not in {"", "1"}:
        return {}
    buckets = aging(today=today, customer_id=customer.pk)
    return {
        "credit": credit_position(customer=customer),
        "customer_aging": buckets,
        "customer_dso": dso(
            today=today,
            customer_id=customer.pk,
            open_eur=sum((b.amount for b in buckets), Decimal(0)),
        ),
        "behaviour": payment_behaviour(customer_id=customer.pk, today=today),
        "holds": list(open_holds(customer_id=customer.pk)),
        "customer_promises": list(promises(customer_id=customer.pk)[:5]),
        "dunnings": list(dunning_history(customer_id=customer.pk)[:5]),
        "credit_events": list(receivables_events(customer_id=customer.pk)[:10]),
        "unallocated_cash": list(unallocated_payments(customer_id=customer.pk)[:10]),
        "can_release": user.has_treue_perm(Perm.CREDIT_RELEASE),
        "can_promise": user.has_treue_perm(Perm.PROMISE_RECORD),
        "first_page": True,
    }
