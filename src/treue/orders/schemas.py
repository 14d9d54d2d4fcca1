"""Products and orders as the API shows and takes them.

Costs and contribution margins are shown only to users who may see them: their schemas extend
the plain ones (`ProductMarginOut`, `OrderMarginOut`), and the view picks one per request.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from ninja import Field
from pydantic import PlainSerializer

from treue.communications.schemas import CommunicationOut
from treue.core.money import Currency
from treue.customers.models import Channel
from treue.customers.schemas import UNSET, InputSchema, Money, MoneyIn, OutputSchema, Paging

from .models import Incoterm, OrderStatus, ProductLine

NonNegativeMoneyIn = Annotated[MoneyIn, Field(ge=0)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
# Quantities answer with three decimals, as stored, whether read from a row or summed in SQL.
QuantityOut = Annotated[
    Decimal,
    PlainSerializer(lambda quantity: f"{quantity.quantize(Decimal('0.001'))}", return_type=str),
]
ExchangeRate = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=6, description="EUR for one unit of the currency"),
]


class ProductFilters(Paging):
    search: str = Field("", description="Part of the article number or name")
    product_line: ProductLine | None = None


class ProductOut(OutputSchema):
    article_number: str
    name: str
    product_line: ProductLine
    is_spare_part: bool
    list_price: Money
    currency: Currency = Field(description="Product prices are in the company currency")

    @staticmethod
    def resolve_currency(obj: object) -> str:
        return settings.COMPANY_CURRENCY


class ProductMarginOut(ProductOut):
    unit_cost: Money


class ProductList(OutputSchema):
    count: int
    items: list[ProductOut]


class ProductMarginList(OutputSchema):
    count: int
    items: list[ProductMarginOut]


class ProductIn(InputSchema):
    article_number: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    product_line: ProductLine
    is_spare_part: bool = False
    list_price: NonNegativeMoneyIn
    unit_cost: NonNegativeMoneyIn


class ProductPatch(InputSchema):
    name: str = Field(UNSET, min_length=1, max_length=200)
    product_line: ProductLine = UNSET
    is_spare_part: bool = UNSET
    list_price: NonNegativeMoneyIn = UNSET
    unit_cost: NonNegativeMoneyIn = UNSET


class OrderFilters(Paging):
    customer: str = Field("", description="Customer number")
    status: OrderStatus | None = None


class OrderLineOut(OutputSchema):
    position: int
    line_no: int = Field(
        validation_alias="position", description="The ERP position (10, 20 …), as `position`"
    )
    product: str = Field(validation_alias="article_number", description="Article number")
    quantity: QuantityOut
    delivered_quantity: QuantityOut
    net_price: Money
    net_amount: Money
    promised_date: datetime.date
    first_promised_date: datetime.date = Field(
        description="What the order confirmation first promised; delivery reliability is "
        "measured against it"
    )


class OrderLineMarginOut(OrderLineOut):
    unit_cost: Money
    contribution_margin: Money


class OrderOut(OutputSchema):
    number: str
    customer: str = Field(validation_alias="customer_number", description="Customer number")
    order_date: datetime.date
    customer_reference: str
    currency: Currency
    exchange_rate: Decimal = Field(description="EUR for one unit of the order currency")
    incoterm: Incoterm
    incoterm_place: str
    status: OrderStatus
    received_at: datetime.datetime | None = Field(description="When the order came in")
    target_lead_hours: int | None = Field(
        description="Spare-part orders: hours from coming in to shipping"
    )
    tracking_url: str = Field(description="The customer's link to follow the order, no login")
    net_amount: Money
    lines: list[OrderLineOut]


class OrderMarginOut(OrderOut):
    contribution_margin: Money
    lines: list[OrderLineMarginOut]  # type: ignore[assignment]


class OrderList(OutputSchema):
    count: int
    items: list[OrderOut]


class OrderMarginList(OutputSchema):
    count: int
    items: list[OrderMarginOut]


class OrderLineIn(InputSchema):
    position: int = Field(ge=1)
    product: str = Field(min_length=1, description="Article number")
    quantity: Quantity
    net_price: NonNegativeMoneyIn
    unit_cost: NonNegativeMoneyIn | None = Field(
        None, description="Defaults to the product's unit cost in the order currency"
    )
    promised_date: datetime.date


class OrderIn(InputSchema):
    number: str = Field(min_length=1, max_length=20)
    customer: str = Field(min_length=1, description="Customer number")
    order_date: datetime.date
    customer_reference: str = Field("", max_length=50)
    currency: Currency | None = Field(None, description="Defaults to the customer's currency")
    exchange_rate: ExchangeRate | None = Field(None, description="Required unless EUR")
    incoterm: Incoterm = Incoterm.DAP
    incoterm_place: str = Field("", max_length=100, description="Named place, e.g. Ulm")
    status: OrderStatus = OrderStatus.OPEN
    received_at: datetime.datetime | None = Field(None, description="Defaults to now")
    target_lead_hours: int | None = Field(
        None,
        ge=1,
        description="Defaults to TREUE_SPARE_PART_TARGET_HOURS when every line is a spare part",
    )
    lines: list[OrderLineIn] = Field(min_length=1)


class OrderPatch(InputSchema):
    order_date: datetime.date = UNSET
    customer_reference: str = Field(UNSET, max_length=50)
    exchange_rate: ExchangeRate = UNSET
    incoterm: Incoterm = UNSET
    incoterm_place: str = Field(UNSET, max_length=100)
    status: OrderStatus = UNSET


class PromisedDateChangeIn(InputSchema):
    new_date: datetime.date = Field(description="Not in the past")
    reason: str = Field(min_length=1, max_length=300, description="The customer reads it")


MAX_BULK_CHANGES = 1000


class PromisedDateMove(InputSchema):
    order: str = Field(min_length=1, max_length=20, description="Order number")
    line_no: int = Field(ge=1, description="The ERP position of the line")
    new_date: datetime.date = Field(description="Not in the past")


class PromisedDateBulkIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300, description="The customer reads it")
    changes: list[PromisedDateMove] = Field(
        min_length=1,
        max_length=MAX_BULK_CHANGES,
        description=f"At most {MAX_BULK_CHANGES:,} lines; all are moved or none",
    )


class PromisedDateBulkOut(OutputSchema):
    changes: int = Field(description="Lines moved")
    orders: int = Field(description="Orders they belong to")
    postponements: int = Field(description="Moves to a later date, each told to the customer")


class PromisedDateChangeOut(OutputSchema):
    order: str
    line_no: int
    old_date: datetime.date
    new_date: datetime.date
    reason: str
    notice_days: int = Field(
        description="Days between the change and the old promised date; negative when late"
    )
    announced_late: bool
    communications: list[CommunicationOut] = Field(
        description="The delay notices planned (none for an earlier date)"
    )


class StageEventIn(InputSchema):
    stage: str = Field(min_length=1, max_length=30, description="Code of a production stage")
    occurred_at: datetime.datetime = Field(description="When the order reached it")
    external_id: str = Field(
        "", max_length=100, description="The sender's event id; an id sent again changes nothing"
    )


class StageEventOut(OutputSchema):
    stage: str = Field(validation_alias="stage_code")
    occurred_at: datetime.datetime
    source: str
    external_id: str
    created: bool = Field(description="False when the external id had been recorded before")


class DeliveryLineIn(InputSchema):
    line_no: int = Field(ge=1, description="The ERP position of the order line")
    quantity: Quantity


class DeliveryIn(InputSchema):
    number: str = Field("", max_length=20, description="Delivery note number; generated if empty")
    shipped_at: datetime.datetime | None = Field(None, description="Defaults to now")
    lines: list[DeliveryLineIn] = Field(min_length=1)
    override_reason: str = Field(
        "",
        max_length=300,
        description="Shipping leads only: why the order ships in parts without the customer's "
        "agreement",
    )


class DeliveryLineOut(OutputSchema):
    line_no: int = Field(validation_alias="order_line.position")
    quantity: QuantityOut


class DeliveryOut(OutputSchema):
    number: str
    order: str = Field(validation_alias="order.number")
    shipped_on: datetime.date
    shipped_at: datetime.datetime | None
    partial_delivery_agreement: int | None = Field(
        validation_alias="agreement_id", description="Id of the customer's agreement it rests on"
    )
    override_reason: str
    lines: list[DeliveryLineOut]


class PartialDeliveryAgreementIn(InputSchema):
    contact: int | None = Field(None, description="Contact id of the customer's person who agreed")
    agreed_by: str = Field("", max_length=200, description="Who agreed; defaults to the contact")
    agreed_at: datetime.datetime
    channel: Channel
    note: str = Field("", max_length=500)


class PartialDeliveryAgreementOut(OutputSchema):
    id: int
    order: str = Field(validation_alias="order.number")
    contact: int | None = Field(validation_alias="contact_id")
    agreed_by: str
    agreed_at: datetime.datetime
    channel: Channel
    note: str


class OrderConfirmationOut(OutputSchema):
    order: str = Field(description="Order number")
    version: int
    issued_at: datetime.datetime
    changes: list[dict[str, object]] = Field(
        description="What changed since the previous version (empty for version 1)"
    )
    pdf_url: str = Field(description="The PDF as sent (GET with the same token)")
    communications: list[CommunicationOut]


class RefusalOut(OutputSchema):
    """A refusal that changed something all the same (an order held over the credit limit)."""

    code: str
    detail: str
