"""/api/v1/complaints by complaint number: file, read, change, move through the workflow."""

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Status, UploadedFile

from treue.core.roles import Perm
from treue.core.tokens import api_user, can

from . import attachments, selectors, services, sla
from .models import Complaint, ComplaintAttachment, ComplaintSource
from .schemas import (
    CommentIn,
    CommentOut,
    ComplaintFilters,
    ComplaintIn,
    ComplaintList,
    ComplaintOut,
    ComplaintPatch,
    TransitionIn,
)

complaints_router = Router(tags=["complaints"])


def _out(complaint: Complaint) -> dict[str, Any]:
    states = sla.target_states(complaint, now=timezone.now())
    return {
        "number": complaint.number,
        "customer": complaint.customer.number,
        "contact": complaint.contact_id,
        "order": complaint.order.number if complaint.order else "",
        "category": complaint.category,
        "severity": complaint.severity,
        "status": complaint.status,
        "is_draft": complaint.is_draft,
        "source": complaint.source,
        "description": complaint.description,
        "requested_remedy": complaint.requested_remedy,
        "machine_serial": complaint.machine_serial,
        "department": complaint.department.code if complaint.department else "",
        "owner": complaint.owner.username if complaint.owner else "",
        "containment": complaint.containment,
        "root_cause": complaint.root_cause,
        "cause_category": complaint.cause_category,
        "supplier": complaint.supplier,
        "corrective_action": complaint.corrective_action,
        "prevention": complaint.prevention,
        "solution": complaint.solution,
        "rejection_reason": complaint.rejection_reason,
        "cost": complaint.cost,
        "received_at": complaint.received_at,
        "version": complaint.version,
        "attachments": [
            {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in complaint.attachments.all()
        ],
        "sla": [
            {
                "target": s.target,
                "due_at": s.due_at,
                "remaining_business_minutes": s.remaining_business_minutes,
                "paused": s.paused,
                "breached": s.breached,
                "met_at": s.met_at,
            }
            for s in states
        ],
    }


@complaints_router.get(
    "",
    response=ComplaintList,
    auth=can(Perm.COMPLAINT_VIEW),
    summary="List complaints, newest first",
)
def complaint_list(request: HttpRequest, filters: Query[ComplaintFilters]) -> dict[str, Any]:
    complaints = Complaint.objects.select_related(
        "customer", "order", "owner", "department", "policy"
    ).prefetch_related("pauses", "attachments")
    if filters.status:
        complaints = complaints.filter(status=filters.status)
    if filters.customer:
        complaints = complaints.filter(customer__number=filters.customer)
    complaints = complaints.order_by("-received_at", "-id")
    page = complaints[filters.offset : filters.offset + filters.limit]
    return {"count": complaints.count(), "items": [_out(c) for c in page]}


@complaints_router.post(
    "",
    response={201: ComplaintOut},
    auth=can(Perm.COMPLAINT_VIEW),
    summary="File a complaint; the contact hears at once that it arrived",
)
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status:
    named = selectors.references(
        {
            "customer": payload.customer,
            "contact": payload.contact,
            "order": payload.order,
            "delivery": payload.delivery,
            "invoice": payload.invoice,
            "product": payload.product,
        }
    )
    complaint = services.complaint_create(
        **named,
        machine_serial=payload.machine_serial,
        category=payload.category,
        severity=payload.severity,
        description=payload.description,
        requested_remedy=payload.requested_remedy,
        source=ComplaintSource.API,
        by=api_user(request),
    )
    return Status(201, _out(selectors.complaint_get(number=complaint.number)))


@complaints_router.get(
    "/{number}",
    response=ComplaintOut,
    auth=can(Perm.COMPLAINT_VIEW),
    summary="Get a complaint with its service-level targets",
)
def complaint_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.complaint_get(number=number))


@complaints_router.patch(
    "/{number}",
    response=ComplaintOut,
    auth=can(Perm.COMPLAINT_WORK),
    summary="Change a complaint; only the fields sent change (409 when `version` is stale)",
)
def complaint_update(request: HttpRequest, number: str, payload: ComplaintPatch) -> dict[str, Any]:
    complaint = selectors.complaint_get(number=number)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    services.complaint_update(complaint=complaint, data=data, by=api_user(request), version=version)
    return _out(selectors.complaint_get(number=number))


@complaints_router.post(
    "/{number}/transitions",
    response=ComplaintOut,
    auth=can(Perm.COMPLAINT_WORK),
    summary="Move a complaint through the workflow (409 when not allowed or incomplete)",
)
def complaint_transition(
    request: HttpRequest, number: str, payload: TransitionIn
) -> dict[str, Any]:
    complaint = selectors.complaint_get(number=number)
    data = payload.model_dump(exclude_unset=True, exclude={"to", "note", "version"})
    services.complaint_transition(
        complaint=complaint,
        to=payload.to,
        note=payload.note,
        version=payload.version,
        data=data or None,
        by=api_user(request),
    )
    return _out(selectors.complaint_get(number=number))


@complaints_router.post(
    "/{number}/comments",
    response={201: CommentOut},
    auth=can(Perm.COMPLAINT_VIEW),
    summary="Comment on a complaint (it becomes part of the timeline)",
)
def complaint_comment(request: HttpRequest, number: str, payload: CommentIn) -> Status:
    complaint = selectors.complaint_get(number=number)
    user = api_user(request)
    event = services.complaint_comment(complaint=complaint, text=payload.text, by=user)
    return Status(201, {"at": event.at, "by": user.username, "text": event.note})


@complaints_router.post(
    "/{number}/attachments",
    response={201: ComplaintOut},
    auth=can(Perm.COMPLAINT_VIEW),
    summary="Add photos or PDFs (multipart `files`; JPEG, PNG, PDF, checked by their content)",
)
def complaint_attachments_add(
    request: HttpRequest, number: str, files: File[list[UploadedFile]]
) -> Status:
    complaint = selectors.complaint_get(number=number)
    services.complaint_attach(
        complaint=complaint, files=attachments.check_all(list(files)), by=api_user(request)
    )
    return Status(201, _out(selectors.complaint_get(number=number)))


@complaints_router.get(
    "/{number}/attachments/{attachment_id}",
    auth=can(Perm.COMPLAINT_VIEW),
    summary="Download an attachment",
    response={200: None},
)
def complaint_attachment_get(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    attachment = ComplaintAttachment.objects.get(complaint__number=number, pk=attachment_id)
    return attachments.file_response(attachment)
