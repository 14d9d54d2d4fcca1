from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.communications.selectors import communication_list
from treue.core.errors import BusinessRuleError, form_add_service_errors
from treue.core.http import AuthedRequest
from treue.core.permissions import require_perm
from treue.core.ratelimit import keep_link_private, too_many_requests
from treue.core.roles import Perm
from treue.receivables.selectors import order_open_hold

from . import forms, selectors, services
from .confirmations import confirmation_outdated
from .forms import ProductionCycleForm, PromisedDateChangeForm
from .models import ChangeSource, Order, OrderConfirmation, OrderLine, OrderStatus
from .services import CLOSED_STATUSES


@require_perm(Perm.ORDER_VIEW)
def order_detail(request: AuthedRequest, number: str) -> HttpResponse:
    """An order's lines with their promises, what changed and what the customer was told."""
    try:
        order = selectors.order_detail(number=number)
    except Order.DoesNotExist:
        raise Http404 from None
    user = request.user
    is_open = order.status not in CLOSED_STATUSES
    deliveries = list(selectors.order_deliveries(order=order))
    confirmations = list(selectors.order_confirmations(order=order)[:20])
    lead_time = selectors.order_lead_time(order=order, deliveries=deliveries)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "can_change": user.has_treue_perm(Perm.ORDER_CHANGE) and is_open,
            # Once everything has left the house there is nothing left to confirm.
            "can_confirm": user.has_treue_perm(Perm.ORDER_CHANGE)
            and is_open
            and order.status != OrderStatus.SHIPPED,
            "can_deliver": user.has_treue_perm(Perm.DELIVERY_POST)
            and is_open
            and order.status != OrderStatus.SHIPPED,
            "can_record_agreement": user.has_treue_perm(Perm.CONTACT_CHANGE)
            and is_open
            and order.status != OrderStatus.SHIPPED,
            "changes": selectors.promised_date_changes(order=order)[:50],
            "timeline": selectors.order_timeline(order=order),
            "communications": communication_list(order=order)[:50],
            "confirmations": confirmations,
            "credit_hold": order_open_hold(order=order),
            "unconfirmed_changes": is_open
            and confirmation_outdated(
                order=order,
                last=confirmations[0] if confirmations else None,
                lines=order.lines.all(),
            ),
            "deliveries": deliveries,
            "agreements": list(selectors.partial_delivery_agreements(order=order)),
            "lead_hours": None if lead_time is None else round(lead_time.total_seconds() / 3600),
        },
    )


@require_POST
@require_perm(Perm.ORDER_CHANGE)
def order_confirm(request: AuthedRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    try:
        confirmation = services.order_confirm(order=order, by=request.user)
    except BusinessRuleError as exc:
        messages.error(request, exc.detail)
    else:
        if not isinstance(confirmation, OrderConfirmation):
            messages.warning(
                request,
                _(
                    "The order is held and not confirmed: %(reason)s The account owner has been "
                    "asked to agree payment with the customer."
                )
                % {"reason": confirmation.reason},
            )
            return redirect("orders:detail", number)
        messages.success(
            request,
            _("Order confirmation version %(version)s issued; the customer receives it.")
            % {"version": confirmation.version},
        )
    return redirect("orders:detail", number)


@require_perm(Perm.ORDER_VIEW)
def order_confirmation_pdf(request: AuthedRequest, number: str, version: int) -> HttpResponse:
    confirmation = selectors.order_confirmation_get(number=number, version=version)
    if confirmation is None:
        raise Http404
    response = HttpResponse(bytes(confirmation.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{confirmation.filename}"'
    return response


def _order_or_404(number: str) -> Order:
    try:
        return selectors.order_get(number=number)
    except Order.DoesNotExist:
        raise Http404 from None


@require_perm(Perm.DELIVERY_POST)
def delivery_new(request: AuthedRequest, number: str) -> HttpResponse:
    """Shipping posts what leaves the house; a partial delivery needs the customer's yes."""
    order = _order_or_404(number)
    open_lines = selectors.order_open_lines(order=order)
    may_override = services.can_override_partial_delivery(request.user)
    form = forms.DeliveryForm(request.POST or None, lines=open_lines, may_override=may_override)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                delivery = services.delivery_post(
                    order=order,
                    lines=form.delivery_lines(),  # type: ignore[arg-type]
                    by=request.user,
                    number=form.cleaned_data["number"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    source=ChangeSource.PAGE,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                messages.success(
                    request,
                    _("Delivery %(number)s posted.") % {"number": delivery.number},
                )
                return redirect("orders:detail", number)
    if not open_lines and request.method == "GET":
        status = 409
    return render(
        request,
        "orders/delivery_form.html",
        {"form": form, "order": order, "may_override": may_override},
        status=status,
    )


@require_perm(Perm.CONTACT_CHANGE)
def partial_delivery_agreement_new(request: AuthedRequest, number: str) -> HttpResponse:
    """Record that the customer agreed to receive the order in parts."""
    order = _order_or_404(number)
    form = forms.PartialDeliveryAgreementForm(
        request.POST or None,
        customer=order.customer,
        initial={"agreed_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.partial_delivery_agreement_record(
                    order=order,
                    contact=values["contact"],
                    agreed_by=values["agreed_by"],
                    agreed_at=values["agreed_at"],
                    channel=values["channel"],
                    note=values["note"],
                    by=request.user,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                messages.success(
                    request,
                    _("The customer's agreement is recorded; shipping may deliver in parts."),
                )
                return redirect("orders:detail", number)
    return render(
        request,
        "orders/agreement_form.html",
        {"form": form, "order": order},
        status=status,
    )


@require_perm(Perm.ORDER_CHANGE)
def promised_date_change(request: AuthedRequest, number: str, line_no: int) -> HttpResponse:
    try:
        line: OrderLine = selectors.order_line_get(order_number=number, line_no=line_no)
    except OrderLine.DoesNotExist:
        raise Http404 from None
    form = PromisedDateChangeForm(request.POST or None, initial={"new_date": line.promised_date})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                change = services.order_line_promised_date_change(
                    line=line,
                    new_date=form.cleaned_data["new_date"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    source=ChangeSource.PAGE,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                message = _("Position %(line)s is now promised for %(date)s.") % {
                    "line": line.position,
                    "date": date_format(change.new_date, "SHORT_DATE_FORMAT"),
                }
                if change.is_postponement:
                    message += " " + _("The customer will be told of the delay.")
                messages.success(request, message)
                return redirect(reverse("orders:detail", args=[number]))
    return render(
        request,
        "orders/promised_date_form.html",
        {"form": form, "line": line, "order": line.order},
        status=status,
    )


TRACKING_LIMIT_PER_MINUTE = 30


def order_tracking(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The customer's view of an order, without login: stage, promised dates, deliveries.

    A wrong number and a wrong token answer the same 404, and one address may ask only so often,
    so that the link cannot be guessed by trying.
    """
    limited = too_many_requests(request, scope="tracking", limit=TRACKING_LIMIT_PER_MINUTE)
    if limited is not None:
        return limited
    order = selectors.order_for_tracking(number=number, token=token)
    if order is None:
        raise Http404
    timeline = selectors.order_timeline(order=order)
    return keep_link_private(
        render(
            request,
            "orders/tracking.html",
            {
                "order": order,
                "timeline": timeline,
                "stage": timeline[-1].stage if timeline else None,
            },
        )
    )


PREVIEW_ROWS = 100


@require_perm(Perm.ORDER_CHANGE)
def production_cycle(request: AuthedRequest) -> HttpResponse:
    """A product line's lead time grows: first see every affected line and customer, then
    re-promise them all at once."""
    data = request.POST if request.method == "POST" else request.GET
    form = ProductionCycleForm(data or None)
    context: dict[str, object] = {"form": form, "lines": None}
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        if request.method == "POST":
            try:
                result = services.production_cycle_change(
                    product_line=values["product_line"],
                    days=values["days"],
                    from_date=values["from_date"],
                    reason=values["reason"],
                    by=request.user,
                )
            except (ValidationError, BusinessRuleError) as exc:
                # Another user changed a line since the preview; nothing was written.
                detail = (
                    exc.detail if isinstance(exc, BusinessRuleError) else " ".join(exc.messages)
                )
                form.add_error(None, detail)
                return render(request, "orders/production_cycle.html", context, status=409)
            messages.success(
                request,
                _(
                    "%(lines)s lines promised later; the customers will be told, and "
                    "%(activities)s account owners agree the new dates with their A customers."
                )
                % {
                    "lines": len(result.changes),
                    "activities": len(result.agreement_activities),
                },
            )
            return redirect("orders:production_cycle")
        lines = selectors.production_cycle_affected_lines(
            product_line=values["product_line"],
            from_date=values["from_date"],
            today=timezone.localdate(),
        )
        affected = list(lines)
        context.update(
            {
                "lines": affected[:PREVIEW_ROWS],
                "line_count": len(affected),
                "customer_count": len({line.order.customer_id for line in affected}),
                "a_customers": selectors.production_cycle_a_customers(lines=affected),
                "preview_rows": PREVIEW_ROWS,
            }
        )
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "orders/production_cycle.html", context, status=status)
