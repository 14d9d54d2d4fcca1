"""Customers and contacts as the API shows and takes them.

Conventions shared by every app's API schemas live here too (orders and receivables import them):
money is a decimal string beside a ``currency`` field, references are ERP numbers, and a PATCH
field may be left out (unchanged) but not set to null unless the model allows null.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer
from pydantic_core import PydanticCustomError

from treue.core.money import Currency, round_money

from .models import (
    BuyingRole,
    Channel,
    Country,
    CustomerStatus,
    Depth,
    Industry,
    Segment,
    SizeClass,
    Topic,
)

# The default of a PATCH field: a field left out stays unchanged (the view dumps with
# exclude_unset), while an explicit null still fails validation for a non-nullable type.
UNSET: Any = None

Money = Annotated[
    Decimal, PlainSerializer(lambda amount: str(round_money(amount)), return_type=str)
]
MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class InputSchema(Schema):
    """Request bodies: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputSchema(Schema):
    """Responses. Fields may read model attributes under another name (`validation_alias`); by
    name as well, so that ninja can check a response that is already a schema instance."""

    model_config = ConfigDict(validate_by_name=True)


class Paging(Schema):
    limit: int = Field(50, ge=1, le=settings.API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


class CustomerFilters(Paging):
    search: str = Field("", description="Part of the name, or the exact number or VAT ID")
    owner: str = Field("", description="Username of the account owner")
    industry: Industry | None = None
    country: Country | None = None
    segment: Segment | None = None
    status: CustomerStatus | None = None


class CustomerOut(BaseModel):
    """Built from `.values()` rows, not model instances: the list must stay fast at 20k rows."""

    number: str
    name: str
    vat_id: str
    country: Country
    industry: Industry
    size_class: SizeClass
    account_owner: str | None = Field(
        validation_alias="account_owner__username", description="Username"
    )
    segment: Segment
    is_strategic: bool
    credit_limit: Money
    currency: Currency
    payment_terms: str = Field(validation_alias="payment_terms__code", description="Code")
    customer_since: datetime.date | None
    status: CustomerStatus


CUSTOMER_COLUMNS = tuple(
    field.validation_alias if isinstance(field.validation_alias, str) else name
    for name, field in CustomerOut.model_fields.items()
)


class CustomerList(BaseModel):
    count: int
    items: list[CustomerOut]


class CustomerIn(InputSchema):
    number: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    vat_id: str = Field("", max_length=20)
    country: Country
    industry: Industry
    size_class: SizeClass
    account_owner: str | None = Field(None, description="Username of the account owner")
    segment: Segment = Segment.C
    is_strategic: bool = False
    credit_limit: MoneyIn = Field(Decimal("0.00"), ge=0, description="0 means no credit")
    currency: Currency = Currency.EUR
    payment_terms: str = Field(description="Code of the payment terms")
    customer_since: datetime.date | None = None
    status: CustomerStatus = CustomerStatus.ACTIVE


class CustomerPatch(InputSchema):
    name: str = Field(UNSET, min_length=1, max_length=200)
    vat_id: str = Field(UNSET, max_length=20)
    country: Country = UNSET
    industry: Industry = UNSET
    size_class: SizeClass = UNSET
    account_owner: str | None = Field(UNSET, description="Username; null removes the owner")
    segment: Segment = UNSET
    is_strategic: bool = UNSET
    credit_limit: MoneyIn = Field(UNSET, ge=0, description="0 means no credit")
    currency: Currency = UNSET
    payment_terms: str = Field(UNSET, description="Code of the payment terms")
    customer_since: datetime.date | None = UNSET
    status: CustomerStatus = UNSET


Language = Literal["de", "en"]


def _distinct(channels: list[Channel]) -> list[Channel]:
    if len(set(channels)) < len(channels):
        raise PydanticCustomError(
            "duplicate", _("Name each channel only once, in order of preference.")
        )
    return channels


Channels = Annotated[
    list[Channel],
    AfterValidator(_distinct),
    Field(min_length=1, json_schema_extra={"uniqueItems": True}),
]


class ContactOut(OutputSchema):
    id: int
    customer: str = Field(validation_alias="customer.number", description="Customer number")
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    buying_role: BuyingRole
    preferred_channels: list[Channel] = Field(description="In order of preference")
    preferred_depth: Depth
    topics: list[Topic]
    language: Language
    marketing_consent: bool
    consent_at: datetime.datetime | None
    consent_source: str


class ContactList(OutputSchema):
    count: int
    items: list[ContactOut]


class ContactIn(InputSchema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    job_title: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    buying_role: BuyingRole
    preferred_channels: Channels = Field(description="In order of preference")
    preferred_depth: Depth = Depth.SUMMARY
    topics: list[Topic] = Field(default_factory=list)
    language: Language = "de"
    marketing_consent: bool = False
    consent_at: datetime.datetime | None = Field(None, description="Defaults to now")
    consent_source: str = Field("", max_length=100, description="Required with consent")


class ContactPatch(InputSchema):
    first_name: str = Field(UNSET, min_length=1, max_length=100)
    last_name: str = Field(UNSET, min_length=1, max_length=100)
    job_title: str = Field(UNSET, max_length=100)
    email: str = Field(UNSET, max_length=254)
    phone: str = Field(UNSET, max_length=40)
    buying_role: BuyingRole = UNSET
    preferred_channels: Channels = Field(UNSET, description="In order of preference")
    preferred_depth: Depth = UNSET
    topics: list[Topic] = UNSET
    language: Language = UNSET
    marketing_consent: bool = UNSET
    consent_at: datetime.datetime | None = UNSET
    consent_source: str = Field(UNSET, max_length=100)
