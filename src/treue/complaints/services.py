"""Writes on complaints: intake, changes, the workflow, the clock, escalation.

Every write records what it changed as `ComplaintEvent`s and raises the complaint's `version`; a
write that names an older version than the stored one was made on stale data and is refused
(`BusinessRuleError("changed_meanwhile")`), so two people editing at once never overwrite each
other silently.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from treue.activities.models import ActivityOrigin
from treue.activities.services import activity_create
from treue.communications.models import CommunicationType
from treue.communications.services import communication_plan
from treue.core.errors import BusinessRuleError, FieldErrors, add_error
from treue.core.models import Department, User
from treue.core.numbering import next_yearly_number
from treue.customers.models import Contact, Customer
from treue.orders.models import Delivery, Order, Product
from treue.receivables.models import Invoice

from . import sla
from .attachments import KINDS, CheckedFile
from .models import (
    OPEN_STATUSES,
    CauseCategory,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPause,
    ComplaintSource,
    ComplaintStatus,
    Escalation,
    EventKind,
    Severity,
)

S = ComplaintStatus
# Where a complaint may go from each status. From closed or rejected back to analysis reopens it.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ACKNOWLEDGED, S.REJECTED}),
    S.ACKNOWLEDGED: frozenset({S.ANALYSIS, S.REJECTED}),
    S.ANALYSIS: frozenset({S.SOLUTION_PROPOSED, S.REJECTED}),
    S.SOLUTION_PROPOSED: frozenset({S.SOLUTION_AGREED, S.ANALYSIS}),
    S.SOLUTION_AGREED: frozenset({S.IMPLEMENTED}),
    S.IMPLEMENTED: frozenset({S.CLOSED, S.ANALYSIS}),
    S.CLOSED: frozenset({S.ANALYSIS}),
    S.REJECTED: frozenset({S.ANALYSIS}),
}
# The steps the customer hears of.
TOLD_STEPS = frozenset({S.ANALYSIS, S.SOLUTION_PROPOSED, S.IMPLEMENTED, S.CLOSED, S.REJECTED})
WAITING_FOR_AGREEMENT = "waiting for the customer's agreement"
# Fields a person may change with `complaint_update` (the workflow sets the rest).
EDITABLE = (
    "contact",
    "order",
    "delivery",
    "invoice",
    "product",
    "machine_serial",
    "category",
    "severity",
    "description",
    "requested_remedy",
    "department",
    "owner",
    "containment",
    "root_cause",
    "cause_category",
    "supplier",
    "corrective_action",
    "prevention",
    "solution",
    "cost",
    "rejection_reason",
)
SLA_FIELDS = frozenset({"category", "severity"})
MAX_ATTACHMENTS = 20


def _check_relations(customer: Customer, values: dict[str, Any], errors: FieldErrors) -> None:
    """What a complaint names must belong to its customer (a forged id names another's)."""
    owned = {
        "contact": (Contact, "customer_id"),
        "order": (Order, "customer_id"),
        "invoice": (Invoice, "customer_id"),
    }
    for field, (_model, attribute) in owned.items():
        value = values.get(field)
        if value is not None and getattr(value, attribute) != customer.pk:
            add_error(errors, field, _("This belongs to another customer."), code="foreign")
    delivery = values.get("delivery")
    if delivery is not None and delivery.order.customer_id != customer.pk:
        add_error(errors, "delivery", _("This belongs to another customer."), code="foreign")


def _check_values(values: dict[str, Any], errors: FieldErrors) -> None:
    if "category" in values and values["category"] not in ComplaintCategory.values:
        add_error(errors, "category", _("Unknown category."), code="invalid_choice")
    if "severity" in values and values["severity"] not in Severity.values:
        add_error(errors, "severity", _("Unknown severity."), code="invalid_choice")
    if values.get("cause_category") and values["cause_category"] not in CauseCategory.values:
        add_error(errors, "cause_category", _("Unknown cause category."), code="invalid_choice")
    if "description" in values and not str(values["description"]).strip():
        add_error(errors, "description", _("Describe what is wrong."), code="required")
    cost = values.get("cost")
    if cost is not None and Decimal(cost) < 0:
        add_error(errors, "cost", _("The cost cannot be negative."), code="min_value")


def _event(
    complaint: Complaint,
    kind: str,
    by: User | None,
    *,
    field: str = "",
    old: object = "",
    new: object = "",
    note: str = "",
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        by=by,
        field=field,
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        note=note,
    )


@transaction.atomic
def complaint_create(
    *,
    customer: Customer,
    category: str,
    severity: str,
    description: str,
    by: User | None,
    source: str = ComplaintSource.STAFF,
    contact: Contact | None = None,
    order: Order | None = None,
    delivery: Delivery | None = None,
    invoice: Invoice | None = None,
    product: Product | None = None,
    machine_serial: str = "",
    requested_remedy: str = "",
    department: Department | None = None,
    owner: User | None = None,
    is_draft: bool = False,
    received_at: datetime.datetime | None = None,
    files: Sequence[CheckedFile] = (),
) -> Complaint:
    """File a complaint. Unless it is a draft (from an e-mail, to be confirmed), its clock starts
    and the customer's contact hears at once that it arrived."""
    received_at = received_at or timezone.now()
    values = {
        "contact": contact,
        "order": order,
        "delivery": delivery,
        "invoice": invoice,
        "category": category,
        "severity": severity,
        "description": description,
    }
    errors: FieldErrors = {}
    _check_values(values, errors)
    _check_relations(customer, values, errors)
    if errors:
        raise ValidationError(errors)
    if order is None and delivery is not None:
        order = delivery.order
    complaint = Complaint(
        customer=customer,
        contact=contact,
        order=order,
        delivery=delivery,
        invoice=invoice,
        product=product,
        machine_serial=machine_serial.strip(),
        category=category,
        severity=severity,
        description=description.strip(),
        requested_remedy=requested_remedy.strip(),
        source=source,
        department=department or _default_department(),
        owner=owner,
        is_draft=is_draft,
        received_at=received_at,
        created_by=by,
        policy=sla.policy_for(severity=severity, category=category, segment=customer.segment),
    )
    for attempt in range(3):  # two intakes at the same moment may draw the same number
        complaint.number = next_yearly_number(Complaint, prefix="R", at=received_at)
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    _event(complaint, EventKind.CREATED, by, note=str(ComplaintSource(source).label))
    _attach(complaint, files, by)
    _refresh_due(complaint, now=received_at)
    if not is_draft:
        _tell_customer(complaint, S.NEW, by)
    return complaint


@transaction.atomic
def complaint_from_tracking(
    *,
    order: Order,
    email: str,
    category: str,
    description: str,
    requested_remedy: str = "",
    production_stopped: bool = False,
    files: Sequence[CheckedFile] = (),
) -> Complaint:
    """A customer files a complaint about `order` from its tracking page. The sender is matched
    to a contact of the customer by e-mail address; a stopped production makes it critical."""
    contact = order.customer.contacts.filter(email__iexact=email.strip()).first()
    complaint = complaint_create(
        customer=order.customer,
        contact=contact,
        order=order,
        category=category,
        severity=Severity.CRITICAL if production_stopped else Severity.MEDIUM,
        description=description,
        requested_remedy=requested_remedy,
        source=ComplaintSource.TRACKING,
        by=None,
        files=files,
    )
    if contact is None:
        _event(
            complaint,
            EventKind.COMMENT,
            None,
            note=_("Filed by %(email)s, who is no contact of the customer yet.")
            % {"email": email.strip()},
        )
    return complaint


def _default_department() -> Department | None:
    return Department.objects.filter(code="quality").first()


def _locked(complaint: Complaint, version: int | None) -> Complaint:
    current = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer", "policy")
        .get(pk=complaint.pk)
    )
    if version is not None and version != current.version:
        raise BusinessRuleError(
            "changed_meanwhile",
            _(
                "Complaint %(number)s was changed meanwhile by someone else; "
                "reload it and make your change again."
            )
            % {"number": current.number},
        )
    return current


def _saved(complaint: Complaint, fields: list[str]) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version"])


@transaction.atomic
def complaint_confirm(*, complaint: Complaint, by: User, version: int | None = None) -> Complaint:
    """Quality staff confirm a draft from an e-mail: its clock starts from when the mail came."""
    complaint = _locked(complaint, version)
    if not complaint.is_draft:
        return complaint
    complaint.is_draft = False
    _saved(complaint, ["is_draft"])
    _event(complaint, EventKind.CHANGED, by, field="is_draft", old=True, new=False)
    _refresh_due(complaint, now=timezone.now())
    _tell_customer(complaint, S.NEW, by)
    return complaint


@transaction.atomic
def complaint_update(
    *, complaint: Complaint, data: dict[str, Any], by: User | None, version: int | None = None
) -> Complaint:
    """Change the fields named in `data`; each change is an event. A changed severity or category
    chooses the policy again and moves the due times."""
    complaint = _locked(complaint, version)
    if "cause_category" in data and data["cause_category"] is None:
        data = {**data, "cause_category": ""}  # no cause (yet) is stored as empty
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in unknown})
    errors: FieldErrors = {}
    _check_values(data, errors)
    _check_relations(complaint.customer, data, errors)
    if errors:
        raise ValidationError(errors)
    changed = []
    for field, value in data.items():
        old = getattr(complaint, field)
        if isinstance(value, str):
            value = value.strip()
        if old == value:
            continue
        setattr(complaint, field, value)
        changed.append(field)
        _event(complaint, EventKind.CHANGED, by, field=field, old=old, new=value)
    if not changed:
        return complaint
    if SLA_FIELDS & set(changed):
        complaint.policy = sla.policy_for(
            severity=complaint.severity,
            category=complaint.category,
            segment=complaint.customer.segment,
        )
        changed.append("policy")
    _saved(complaint, changed)
    _refresh_due(complaint, now=timezone.now())
    return complaint


def next_steps(complaint: Complaint) -> list[str]:
    """Where the workflow lets the complaint go from here (none for a draft)."""
    if complaint.is_draft:
        return []
    return [status for status in ComplaintStatus.values if status in TRANSITIONS[complaint.status]]


def _requirements(complaint: Complaint, to: str) -> list[str]:
    """What `to` needs that the complaint does not have yet."""
    missing = []
    if to == S.REJECTED and not complaint.rejection_reason.strip():
        missing.append(_("a reason for the rejection"))
    if to == S.SOLUTION_PROPOSED and not complaint.solution.strip():
        missing.append(_("the solution proposed to the customer"))
    if to == S.CLOSED and complaint.category == ComplaintCategory.QUALITY_DEFECT:
        if not complaint.root_cause.strip() or not complaint.cause_category:
            missing.append(_("the root cause with its category"))
        if not complaint.corrective_action.strip():
            missing.append(_("the corrective action"))
    if (
        to == S.CLOSED
        and complaint.cause_category == CauseCategory.PURCHASED_COMPONENT
        and not complaint.supplier.strip()
    ):
        missing.append(_("the supplier of the purchased component"))
    return missing


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    by: User | None,
    data: dict[str, Any] | None = None,
    note: str = "",
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """Move the complaint to `to`, setting `data` (e.g. the rejection reason) along the way.

    A step the workflow does not allow, or that lacks what it needs, is refused with a message
    and changes nothing."""
    now = now or timezone.now()
    if data:  # locks the row and checks the version
        complaint = complaint_update(complaint=complaint, data=data, by=by, version=version)
    else:
        complaint = _locked(complaint, version)
    if to not in ComplaintStatus.values:
        raise BusinessRuleError("unknown_status", _("Unknown status %(to)s.") % {"to": to})
    if complaint.is_draft:
        raise BusinessRuleError(
            "draft", _("Confirm the draft from the e-mail before working on it.")
        )
    old = complaint.status
    if to not in TRANSITIONS[old]:
        raise BusinessRuleError(
            "transition_not_allowed",
            _("A complaint that is %(old)s cannot become %(new)s.")
            % {"old": S(old).label, "new": S(to).label},
        )
    missing = _requirements(complaint, to)
    if missing:
        raise BusinessRuleError(
            "requirements_missing",
            _("To become %(new)s, the complaint needs %(missing)s.")
            % {"new": S(to).label, "missing": ", ".join(missing)},
        )
    fields = ["status"]
    complaint.status = to
    if to == S.ACKNOWLEDGED and complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        fields.append("acknowledged_at")
    if to == S.SOLUTION_PROPOSED and complaint.proposed_at is None:
        complaint.proposed_at = now
        fields.append("proposed_at")
    if to == S.IMPLEMENTED:
        complaint.resolved_at = now
        fields.append("resolved_at")
    if to in (S.CLOSED, S.REJECTED):
        complaint.closed_at = now
        fields.append("closed_at")
    if old in (S.CLOSED, S.REJECTED, S.IMPLEMENTED) and to == S.ANALYSIS:  # reopened
        complaint.closed_at = complaint.resolved_at = None
        fields += ["closed_at", "resolved_at"]
        note = note or _("reopened")
    _saved(complaint, fields)
    _event(complaint, EventKind.STATUS, by, field="status", old=old, new=to, note=note)
    if to == S.SOLUTION_PROPOSED:
        _pause(complaint, WAITING_FOR_AGREEMENT, by, now=now)
    elif old == S.SOLUTION_PROPOSED:
        _resume(complaint, by, now=now)
    _refresh_due(complaint, now=now)
    if to in TOLD_STEPS:
        _tell_customer(complaint, to, by)
    complaint_escalate(complaint=complaint, now=now)  # a reopened one may be late already
    return complaint


def _pause(complaint: Complaint, reason: str, by: User | None, *, now: datetime.datetime) -> None:
    if complaint.pauses.filter(ended_at__isnull=True).exists():
        return
    ComplaintPause.objects.create(complaint=complaint, started_at=now, reason=reason)
    _event(complaint, EventKind.PAUSE, by, note=reason)


def _resume(complaint: Complaint, by: User | None, *, now: datetime.datetime) -> None:
    if complaint.pauses.filter(ended_at__isnull=True).update(ended_at=now):
        _event(complaint, EventKind.RESUME, by)


@transaction.atomic
def complaint_pause(
    *, complaint: Complaint, reason: str, by: User | None, now: datetime.datetime | None = None
) -> Complaint:
    """Stop the clock while the complaint waits for the customer (a sample, an answer)."""
    now = now or timezone.now()
    complaint = _locked(complaint, None)
    if not complaint.is_open:
        raise BusinessRuleError("closed", _("A closed complaint has no running clock."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you are waiting for.")})
    _pause(complaint, reason.strip(), by, now=now)
    _refresh_due(complaint, now=now)
    return complaint


@transaction.atomic
def complaint_resume(
    *, complaint: Complaint, by: User | None, now: datetime.datetime | None = None
) -> Complaint:
    now = now or timezone.now()
    complaint = _locked(complaint, None)
    _resume(complaint, by, now=now)
    _refresh_due(complaint, now=now)
    return complaint


def _attach(complaint: Complaint, files: Sequence[CheckedFile], by: User | None) -> None:
    for checked in files:
        attachment = ComplaintAttachment(
            complaint=complaint,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        # Stored under a name of treue's making; the customer's file name is only shown.
        extension = KINDS[checked.content_type][1][0]
        attachment.file.save(f"{complaint.number}{extension}", checked.upload, save=False)
        attachment.save()
        _event(complaint, EventKind.ATTACHMENT, by, new=checked.name)


@transaction.atomic
def complaint_attach(
    *, complaint: Complaint, files: Sequence[CheckedFile], by: User | None
) -> Complaint:
    """Add checked photos and PDFs (`attachments.check_all`) to the complaint."""
    if len(files) + complaint.attachments.count() > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("A complaint takes at most %(count)s files.") % {"count": MAX_ATTACHMENTS}}
        )
    _attach(complaint, files, by)
    return complaint


@transaction.atomic
def complaint_comment(*, complaint: Complaint, text: str, by: User | None) -> ComplaintEvent:
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return _event(complaint, EventKind.COMMENT, by, note=text.strip())


def _refresh_due(complaint: Complaint, *, now: datetime.datetime) -> None:
    """Store the next due time and whether the targets met so far were met late."""
    states = sla.target_states(complaint, now=now)
    changed = _kept_times(complaint, states)
    if changed:
        Complaint.objects.filter(pk=complaint.pk).update(
            **{field: getattr(complaint, field) for field in changed}
        )


def _kept_times(complaint: Complaint, states: list[sla.TargetState]) -> list[str]:
    """Set what the complaint keeps of its clocks; the fields that changed."""
    values = {
        "next_due_at": sla.next_due(states) if complaint.is_open else None,
        **sla.late_flags(states),
    }
    changed = [field for field, value in values.items() if getattr(complaint, field) != value]
    for field in changed:
        setattr(complaint, field, values[field])
    return changed


def satisfaction_url(complaint: Complaint) -> str:
    path = reverse("complaint_satisfaction", args=[complaint.number, complaint.satisfaction_token])
    return f"{settings.TREUE_BASE_URL}{path}"


def _tell_customer(complaint: Complaint, step: str, by: User | None) -> None:
    item: dict[str, Any] = {
        "key": f"complaint:{complaint.pk}:{step}:{complaint.version}",
        "complaint": complaint.number,
        "order": complaint.order.number if complaint.order else "",
        "step": step,
    }
    if step == S.SOLUTION_PROPOSED:
        item["solution"] = complaint.solution
    if step == S.REJECTED:
        item["reason"] = complaint.rejection_reason
    if step == S.CLOSED:
        item["satisfaction_url"] = satisfaction_url(complaint)
    communication_plan(
        type=CommunicationType.COMPLAINT_UPDATE,
        customer=complaint.customer,
        order=complaint.order,
        items=[item],
        by=by,
        to=complaint.contact,
    )


@transaction.atomic
def complaint_satisfaction_record(
    *, complaint: Complaint, score: int, comment: str = ""
) -> Complaint:
    """The customer's answer to the one question after closing (by link, without login)."""
    if complaint.status != S.CLOSED:
        raise BusinessRuleError("not_closed", _("The complaint is not closed yet."))
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5.")})
    complaint = _locked(complaint, None)
    complaint.satisfaction_score = score
    complaint.satisfaction_comment = comment.strip()[:2000]
    complaint.satisfaction_at = timezone.now()
    _saved(complaint, ["satisfaction_score", "satisfaction_comment", "satisfaction_at"])
    _event(complaint, EventKind.SATISFACTION, None, new=score, note=complaint.satisfaction_comment)
    return complaint


@dataclass(frozen=True)
class EscalationResult:
    warnings: int = 0
    breaches: int = 0


def complaint_escalate(
    *,
    complaint: Complaint,
    now: datetime.datetime | None = None,
    states: list[sla.TargetState] | None = None,
    raised: set[tuple[str, str]] | None = None,
) -> EscalationResult:
    """Raise what is due for one complaint: at 75 % of a target the owner (or the deputy, while
    the owner is away) gets an activity; at the breach the department head and the account
    owner. Each escalation once (a unique row), however often this runs. `states` and `raised`
    (target, level) are what the caller has read already."""
    now = now or timezone.now()
    if not complaint.is_open or complaint.is_draft:
        return EscalationResult()
    states = sla.target_states(complaint, now=now) if states is None else states
    if raised is None:
        raised = set(complaint.escalations.values_list("target", "level"))
    warnings = breaches = 0
    for state, level in _due_levels(states, raised):
        if _raise(complaint, state, level, now):
            if level == Escalation.Level.BREACH:
                breaches += 1
            else:
                warnings += 1
    return EscalationResult(warnings=warnings, breaches=breaches)


def _due_levels(
    states: list[sla.TargetState], raised: set[tuple[str, str]]
) -> list[tuple[sla.TargetState, str]]:
    """The escalations the targets call for that were not raised yet: a breach, else 75 %."""
    due: list[tuple[sla.TargetState, str]] = []
    for state in states:
        if state.met_at is not None or state.paused:
            continue
        if state.breached:
            level = Escalation.Level.BREACH
        elif state.at_risk:
            level = Escalation.Level.WARNING
        else:
            continue
        if (state.target, level) not in raised:
            due.append((state, level))
    return due


def _raise(
    complaint: Complaint, state: sla.TargetState, level: str, now: datetime.datetime
) -> bool:
    try:
        with transaction.atomic():
            Escalation.objects.create(complaint=complaint, target=state.target, level=level)
    except IntegrityError:
        return False  # raised before
    if level == Escalation.Level.WARNING:
        people = [complaint.owner or _head(complaint)]
    else:
        people = [_head(complaint), complaint.customer.account_owner]
    told = set()
    for person in people:
        if person is None or person.pk in told or person.department_id is None:
            continue
        told.add(person.pk)
        with override(person.language):
            if level == Escalation.Level.WARNING:
                title = _("Complaint %(number)s: 75 %% of the time to %(target)s is used") % {
                    "number": complaint.number,
                    "target": state.label,
                }
            else:
                title = _("Complaint %(number)s: the time to %(target)s has run out") % {
                    "number": complaint.number,
                    "target": state.label,
                }
        activity_create(
            title=title[:200],
            owner=person,
            due_on=timezone.localdate(now),
            customer=complaint.customer,
            subject=f"complaints.complaint:{complaint.pk}",
            description=complaint.description[:1000],
            origin=ActivityOrigin.SYSTEM,
        )
    _event(complaint, EventKind.ESCALATION, None, field=state.target, new=level)
    return True


def _head(complaint: Complaint) -> User | None:
    return complaint.department.head if complaint.department else None


def complaints_escalate(
    *, now: datetime.datetime | None = None, escalate: bool = True
) -> EscalationResult:
    """The scheduled pass over every open complaint: keeps the stored due times true (a changed
    policy or calendar moves them) and raises the escalations that are due (unless not to
    `escalate`: the due times only, as after loading complaints in bulk)."""
    now = now or timezone.now()
    calendar = sla.site_calendar()
    open_complaints = (
        Complaint.objects.filter(status__in=OPEN_STATUSES, is_draft=False)
        .select_related("policy", "owner", "department__head", "customer__account_owner")
        .prefetch_related("pauses", "escalations")
        .order_by("pk")
    )
    warnings = breaches = 0
    moved = []
    for complaint in open_complaints.iterator(chunk_size=500):
        states = sla.target_states(
            complaint, now=now, pauses=list(complaint.pauses.all()), calendar=calendar
        )
        if _kept_times(complaint, states):
            moved.append(complaint)
        if not escalate:
            continue
        raised = {(e.target, e.level) for e in complaint.escalations.all()}
        result = complaint_escalate(complaint=complaint, now=now, states=states, raised=raised)
        warnings += result.warnings
        breaches += result.breaches
    Complaint.objects.bulk_update(moved, KEPT_FIELDS, batch_size=500)
    return EscalationResult(warnings=warnings, breaches=breaches)


KEPT_FIELDS = ["next_due_at", *sla.LATE_FIELDS.values()]


def complaints_late_flags_refresh() -> int:
    """Decide the late flags of finished complaints that lack them (after a bulk load, or a
    changed policy); returns how many changed."""
    calendar = sla.site_calendar()
    now = timezone.now()
    finished = (
        Complaint.objects.exclude(status__in=OPEN_STATUSES)
        .filter(resolved_late__isnull=True)
        .select_related("policy")
        .prefetch_related("pauses")
        .order_by("pk")
    )
    changed = []
    for complaint in finished.iterator(chunk_size=2000):
        states = sla.target_states(
            complaint, now=now, pauses=list(complaint.pauses.all()), calendar=calendar
        )
        if _kept_times(complaint, states):
            changed.append(complaint)
    Complaint.objects.bulk_update(changed, KEPT_FIELDS, batch_size=1000)
    return len(changed)
