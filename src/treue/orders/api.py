"""/api/v1/products by article number and /api/v1/orders by order number, with lines."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from treue.communications.selectors import communications_with_item
from treue.core.models import User
from treue.core.roles import Perm
from treue.core.tokens import api_user, can

from . import selectors, services
from .models import ChangeSource, Delivery, OrderConfirmation, Product
from .schemas import (
    DeliveryIn,
    DeliveryOut,
    OrderConfirmationOut,
    OrderFilters,
    OrderIn,
    OrderList,
    OrderMarginList,
    OrderMarginOut,
    OrderOut,
    OrderPatch,
    PartialDeliveryAgreementIn,
    PartialDeliveryAgreementOut,
    ProductFilters,
    ProductIn,
    ProductList,
    ProductMarginList,
    ProductMarginOut,
    ProductOut,
    ProductPatch,
    PromisedDateBulkIn,
    PromisedDateBulkOut,
    PromisedDateChangeIn,
    PromisedDateChangeOut,
    RefusalOut,
    StageEventIn,
    StageEventOut,
)
from .services import OrderChanges, ProductChanges

# Responses name the schema with costs first (`ProductMarginOut | ProductOut`): a union
# serialises an instance with the first schema it is an instance of, and the plain schema is
# the base class of the other. The view picks the schema; the union only documents both.
products_router = Router(tags=["products"])
orders_router = Router(tags=["orders"])


def _sees_product_cost(user: User) -> bool:
    # Whoever maintains products keeps their costs, so must see what they write.
    return user.has_treue_perm(Perm.ORDER_MARGIN_VIEW) or user.has_treue_perm(Perm.PRODUCT_CHANGE)


def _product_out(user: User, product: Product) -> ProductOut:
    schema = ProductMarginOut if _sees_product_cost(user) else ProductOut
    return schema.from_orm(product)


@products_router.get(
    "",
    response=ProductMarginList | ProductList,
    auth=can(Perm.PRODUCT_VIEW),
    summary="List products (unit_cost only for users who may see costs)",
)
def product_list(request: HttpRequest, filters: Query[ProductFilters]) -> Any:
    products = selectors.product_list(
        search=filters.search, product_line=filters.product_line or ""
    )
    schema = ProductMarginList if _sees_product_cost(api_user(request)) else ProductList
    page = products[filters.offset : filters.offset + filters.limit]
    return schema.from_orm({"count": products.count(), "items": list(page)})


@products_router.post(
    "",
    response={201: ProductMarginOut | ProductOut},
    auth=can(Perm.PRODUCT_CHANGE),
    summary="Create a product",
)
def product_create(request: HttpRequest, payload: ProductIn) -> ProductOut:
    return _product_out(api_user(request), services.product_create(**payload.model_dump()))


@products_router.get(
    "/{article_number}",
    response=ProductMarginOut | ProductOut,
    auth=can(Perm.PRODUCT_VIEW),
    summary="Get a product",
)
def product_detail(request: HttpRequest, article_number: str) -> ProductOut:
    return _product_out(api_user(request), selectors.product_get(article_number=article_number))


@products_router.patch(
    "/{article_number}",
    response=ProductMarginOut | ProductOut,
    auth=can(Perm.PRODUCT_CHANGE),
    summary="Change a product; only the fields sent change",
)
def product_update(request: HttpRequest, article_number: str, payload: ProductPatch) -> ProductOut:
    product = services.product_update(
        product=selectors.product_get(article_number=article_number),
        data=cast(ProductChanges, payload.model_dump(exclude_unset=True)),
    )
    return _product_out(api_user(request), product)


def _order_out(user: User, number: str) -> OrderOut:
    schema = OrderMarginOut if user.has_treue_perm(Perm.ORDER_MARGIN_VIEW) else OrderOut
    return schema.from_orm(selectors.order_detail(number=number))


@orders_router.get(
    "",
    response=OrderMarginList | OrderList,
    auth=can(Perm.ORDER_VIEW),
    summary="List orders with lines (costs and margins only for users who may see them)",
)
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> Any:
    orders = selectors.order_list(customer_number=filters.customer, status=filters.status or "")
    page = selectors.order_details(orders=orders)[filters.offset : filters.offset + filters.limit]
    schema = (
        OrderMarginList if api_user(request).has_treue_perm(Perm.ORDER_MARGIN_VIEW) else OrderList
    )
    return schema.from_orm({"count": orders.count(), "items": list(page)})


@orders_router.post(
    "",
    response={201: OrderMarginOut | OrderOut},
    auth=can(Perm.ORDER_CHANGE),
    summary="Create an order with its lines",
)
def order_create(request: HttpRequest, payload: OrderIn) -> OrderOut:
    order = services.order_create(**payload.model_dump())
    return _order_out(api_user(request), order.number)


@orders_router.post(
    "/promised-date-changes",
    response=PromisedDateBulkOut,
    auth=can(Perm.ORDER_CHANGE),
    summary="Move the promised dates of many lines at once (a replanning); all or none",
)
def promised_dates_change(request: HttpRequest, payload: PromisedDateBulkIn) -> dict[str, int]:
    refs = [(move.order, move.line_no) for move in payload.changes]
    lines = selectors.order_lines_by_reference(refs=refs)
    changes = services.order_lines_promised_date_change(
        changes=[(lines[move.order, move.line_no], move.new_date) for move in payload.changes],
        reason=payload.reason,
        by=api_user(request),
        source=ChangeSource.API,
    )
    return {
        "changes": len(changes),
        "orders": len({change.order_line.order_id for change in changes}),
        "postponements": sum(change.is_postponement for change in changes),
    }


@orders_router.get(
    "/{number}",
    response=OrderMarginOut | OrderOut,
    auth=can(Perm.ORDER_VIEW),
    summary="Get an order with its lines",
)
def order_detail(request: HttpRequest, number: str) -> OrderOut:
    return _order_out(api_user(request), number)


@orders_router.patch(
    "/{number}",
    response=OrderMarginOut | OrderOut,
    auth=can(Perm.ORDER_CHANGE),
    summary="Change an order's header; only the fields sent change",
)
def order_update(request: HttpRequest, number: str, payload: OrderPatch) -> OrderOut:
    order = selectors.order_get(number=number)
    services.order_update(
        order=order, data=cast(OrderChanges, payload.model_dump(exclude_unset=True))
    )
    return _order_out(api_user(request), number)


@orders_router.post(
    "/{number}/lines/{line_no}/promised-date",
    response={201: PromisedDateChangeOut},
    auth=can(Perm.ORDER_CHANGE),
    summary="Move a line's promised date; a postponement plans delay notices to the customer",
)
def promised_date_change(
    request: HttpRequest, number: str, line_no: int, payload: PromisedDateChangeIn
) -> Status:
    line = selectors.order_line_get(order_number=number, line_no=line_no)
    change = services.order_line_promised_date_change(
        line=line,
        new_date=payload.new_date,
        reason=payload.reason,
        by=api_user(request),
        source=ChangeSource.API,
    )
    notices = communications_with_item(order=line.order, key=change.notice_key)
    return Status(
        201,
        {
            "order": number,
            "line_no": line.position,
            "old_date": change.old_date,
            "new_date": change.new_date,
            "reason": change.reason,
            "notice_days": change.notice_days,
            "announced_late": change.announced_late,
            "communications": notices,
        },
    )


@orders_router.post(
    "/{number}/stage-events",
    response={200: StageEventOut, 201: StageEventOut},
    auth=can(Perm.ORDER_CHANGE),
    summary="Record that the order reached a production stage (201; 200 for a known external id)",
)
def stage_event_record(request: HttpRequest, number: str, payload: StageEventIn) -> Status:
    event, created = services.order_stage_event_record(
        order=selectors.order_get(number=number),
        stage=payload.stage,
        occurred_at=payload.occurred_at,
        source=ChangeSource.API,
        external_id=payload.external_id,
        by=api_user(request),
    )
    return Status(
        201 if created else 200,
        {
            "stage_code": event.stage.code,
            "occurred_at": event.occurred_at,
            "source": event.source,
            "external_id": event.external_id,
            "created": created,
        },
    )


@orders_router.post(
    "/{number}/deliveries",
    response={201: DeliveryOut},
    auth=can(Perm.DELIVERY_POST),
    summary="Post a delivery (409 over_delivery; 409 partial_delivery_not_agreed when it leaves "
    "the order incomplete without the customer's agreement: the customer is then asked)",
)
def delivery_post(request: HttpRequest, number: str, payload: DeliveryIn) -> Status:
    delivery = services.delivery_post(
        order=selectors.order_get(number=number),
        lines=[line.model_dump() for line in payload.lines],  # type: ignore[misc]
        by=api_user(request),
        number=payload.number,
        shipped_at=payload.shipped_at,
        override_reason=payload.override_reason,
        source=ChangeSource.API,
    )
    delivery = (
        Delivery.objects.select_related("order")
        .prefetch_related("lines__order_line")
        .get(pk=delivery.pk)
    )
    return Status(201, delivery)


@orders_router.post(
    "/{number}/partial-delivery-agreements",
    response={201: PartialDeliveryAgreementOut},
    auth=can(Perm.CONTACT_CHANGE),
    summary="Record that the customer agreed to receive the order in parts",
)
def partial_delivery_agreement_record(
    request: HttpRequest, number: str, payload: PartialDeliveryAgreementIn
) -> Status:
    order = selectors.order_get(number=number)
    contact = None
    if payload.contact is not None:
        contact = order.customer.contacts.filter(pk=payload.contact).first()
        if contact is None:
            raise ValidationError({"contact": [_no_such_contact(payload.contact)]})
    agreement = services.partial_delivery_agreement_record(
        order=order,
        contact=contact,
        agreed_by=payload.agreed_by,
        agreed_at=payload.agreed_at,
        channel=payload.channel,
        note=payload.note,
        by=api_user(request),
    )
    return Status(201, agreement)


def _no_such_contact(pk: int) -> str:
    return _("The customer has no contact %(id)s.") % {"id": pk}


def _confirmation_out(confirmation: OrderConfirmation) -> dict[str, object]:
    order = confirmation.order
    return {
        "order": order.number,
        "version": confirmation.version,
        "issued_at": confirmation.issued_at,
        "changes": confirmation.changes,
        "pdf_url": reverse(
            "api-v1:order_confirmation_pdf",
            kwargs={"number": order.number, "version": confirmation.version},
        ),
        "communications": communications_with_item(
            order=order, key=f"order-confirmation:{confirmation.pk}"
        ),
    }


@orders_router.post(
    "/{number}/confirmations",
    response={201: OrderConfirmationOut, 409: RefusalOut},
    auth=can(Perm.ORDER_CHANGE),
    summary="Issue the next order-confirmation version and send it to the customer (409 "
    "confirmation_unchanged when nothing changed since the last; 409 credit_hold when the order "
    "would take the customer over the credit limit: the order is held, nothing is sent)",
)
def order_confirm(request: HttpRequest, number: str) -> Status:
    confirmation = services.order_confirm(
        order=selectors.order_get(number=number), by=api_user(request)
    )
    if not isinstance(confirmation, OrderConfirmation):
        # The hold is kept (it is committed with this response); the confirmation is not sent.
        return Status(409, {"code": "credit_hold", "detail": confirmation.reason})
    return Status(201, _confirmation_out(confirmation))


@orders_router.get(
    "/{number}/confirmations/{version}.pdf",
    auth=can(Perm.ORDER_VIEW),
    url_name="order_confirmation_pdf",
    summary="The PDF of an order-confirmation version, as sent",
    response={200: None},
)
def order_confirmation_pdf(request: HttpRequest, number: str, version: int) -> HttpResponse:
    confirmation = selectors.order_confirmation_get(number=number, version=version)
    if confirmation is None:
        raise Http404
    response = HttpResponse(bytes(confirmation.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{confirmation.filename}"'
    return response
