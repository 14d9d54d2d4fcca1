"""Communications as the API shows them."""

import datetime

from ninja import Field

from treue.customers.models import Channel
from treue.customers.schemas import OutputSchema, Paging

from .models import CommunicationStatus, CommunicationType


class CommunicationFilters(Paging):
    order: str = Field("", description="Order number")


class CommunicationOut(OutputSchema):
    id: int
    customer: str = Field(validation_alias="customer_number", description="Customer number")
    order: str | None = Field(validation_alias="order_number", description="Order number")
    type: CommunicationType
    channel: Channel
    contact: int | None = Field(validation_alias="contact_id", description="Contact id")
    language: str
    status: CommunicationStatus
    reason: str = Field(description="Why it failed or is in doubt")
    message_id: str
    send_after: datetime.datetime
    sent_at: datetime.datetime | None


class CommunicationList(OutputSchema):
    count: int
    items: list[CommunicationOut]
