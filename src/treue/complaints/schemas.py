"""Complaints as the API shows and takes them; references are the numbers people use."""

import datetime
from decimal import Decimal

from ninja import Field

from treue.customers.schemas import UNSET, InputSchema, MoneyIn, OutputSchema, Paging

from .models import CauseCategory, ComplaintCategory, ComplaintStatus, Severity, SlaTarget


class ComplaintIn(InputSchema):
    customer: str = Field(min_length=1, max_length=20, description="Customer number")
    contact: int | None = Field(None, description="Id of the contact who complains")
    order: str = Field("", max_length=20, description="Order number")
    delivery: str = Field("", max_length=20, description="Delivery note number")
    invoice: str = Field("", max_length=20, description="Invoice number")
    product: str = Field("", max_length=30, description="Article number")
    machine_serial: str = Field("", max_length=50)
    category: ComplaintCategory
    severity: Severity
    description: str = Field(min_length=1, max_length=10000)
    requested_remedy: str = Field("", max_length=2000)


class ComplaintPatch(InputSchema):
    """Only the fields sent change; with `version` (the one the client read) a change made
    meanwhile by someone else answers 409 instead of being overwritten."""

    version: int | None = Field(None, ge=1, description="The `version` the client read")
    severity: Severity = UNSET
    category: ComplaintCategory = UNSET
    machine_serial: str = Field(UNSET, max_length=50)
    containment: str = Field(UNSET, max_length=10000)
    root_cause: str = Field(UNSET, max_length=10000)
    cause_category: CauseCategory | None = UNSET
    supplier: str = Field(UNSET, max_length=200)
    corrective_action: str = Field(UNSET, max_length=10000)
    prevention: str = Field(UNSET, max_length=10000)
    solution: str = Field(UNSET, max_length=10000)
    rejection_reason: str = Field(UNSET, max_length=10000)
    cost: MoneyIn | None = UNSET


class TransitionIn(InputSchema):
    to: ComplaintStatus
    note: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1, description="The `version` the client read")
    solution: str = Field(UNSET, max_length=10000, description="Needed to propose")
    rejection_reason: str = Field(UNSET, max_length=10000, description="Needed to reject")
    root_cause: str = Field(UNSET, max_length=10000)
    cause_category: CauseCategory | None = UNSET
    supplier: str = Field(UNSET, max_length=200)
    corrective_action: str = Field(UNSET, max_length=10000)


class CommentIn(InputSchema):
    text: str = Field(min_length=1, max_length=5000)


class SlaOut(OutputSchema):
    target: SlaTarget
    due_at: datetime.datetime
    remaining_business_minutes: int = Field(description="Negative once breached; 0 when met")
    paused: bool
    breached: bool
    met_at: datetime.datetime | None


class AttachmentOut(OutputSchema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Bytes")


class ComplaintOut(OutputSchema):
    number: str
    customer: str
    contact: int | None
    order: str
    category: ComplaintCategory
    severity: Severity
    status: ComplaintStatus
    is_draft: bool
    source: str
    description: str
    requested_remedy: str
    machine_serial: str
    department: str
    owner: str
    containment: str
    root_cause: str
    cause_category: str
    supplier: str
    corrective_action: str
    prevention: str
    solution: str
    rejection_reason: str
    cost: Decimal | None
    received_at: datetime.datetime
    version: int
    sla: list[SlaOut]
    attachments: list[AttachmentOut]


class ComplaintList(OutputSchema):
    count: int
    items: list[ComplaintOut]


class ComplaintFilters(Paging):
    status: ComplaintStatus | None = None
    customer: str = Field("", description="Customer number")


class CommentOut(OutputSchema):
    at: datetime.datetime
    by: str
    text: str
