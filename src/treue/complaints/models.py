"""Complaints (Reklamationen): what the customer reports, who solves it by when, and every step.

The service-level clock runs in business hours of the site (`treue.core.business_hours`) and stops
while the complaint waits for the customer (`ComplaintPause`). Every change is an immutable
`ComplaintEvent`; together they are the complaint's timeline.
"""

import secrets

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from treue.core.errors import ImmutableError
from treue.core.models import Department
from treue.customers.models import Contact, Customer, Segment
from treue.orders.models import Delivery, Order, Product
from treue.receivables.models import Invoice


class ComplaintCategory(models.TextChoices):
    QUALITY_DEFECT = "quality_defect", _("Quality defect")
    WRONG_OR_MISSING_PARTS = "wrong_or_missing_parts", _("Wrong or missing parts")
    PACKAGING = "packaging", _("Packaging")
    TRANSPORT_DAMAGE = "transport_damage", _("Transport damage")
    DELIVERY_DELAY = "delivery_delay", _("Delivery delay")
    DOCUMENTATION = "documentation", _("Documentation")
    INVOICE = "invoice", _("Invoice")
    SERVICE = "service", _("Service")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ComplaintStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANALYSIS = "analysis", _("Analysis")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    SOLUTION_AGREED = "solution_agreed", _("Solution agreed")
    IMPLEMENTED = "implemented", _("Implemented")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = frozenset(ComplaintStatus) - {ComplaintStatus.CLOSED, ComplaintStatus.REJECTED}


class CauseCategory(models.TextChoices):
    PRODUCTION = "production", _("Production")
    PURCHASED_COMPONENT = "purchased_component", _("Purchased component / supplier")
    DESIGN = "design", _("Design")
    SHIPPING = "shipping", _("Shipping")
    DOCUMENTATION = "documentation", _("Documentation")
    SERVICE = "service", _("Service")
    CUSTOMER_HANDLING = "customer_handling", _("Handling at the customer")


class ComplaintSource(models.TextChoices):
    STAFF = "staff", _("Staff")
    API = "api", _("API")
    TRACKING = "tracking", _("Tracking page")
    EMAIL = "email", _("E-mail")


class SlaTarget(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    PROPOSE = "propose", _("Propose a solution")
    RESOLVE = "resolve", _("Resolve")


class SlaPolicy(models.Model):
    """Service-level targets in business minutes; an empty criterion matches every value, and the
    policy naming the most criteria wins."""

    name = models.CharField(_("name"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    category = models.CharField(
        _("category"), max_length=30, choices=ComplaintCategory.choices, blank=True
    )
    segment = models.CharField(_("segment"), max_length=1, choices=Segment.choices, blank=True)
    acknowledge_minutes = models.PositiveIntegerField(_("acknowledge within (business minutes)"))
    propose_minutes = models.PositiveIntegerField(_("propose a solution within (business minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolve within (business minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["severity", "category", "segment"], name="sla_policy_criteria_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledge_minutes__lte=models.F("propose_minutes"))
                & models.Q(propose_minutes__lte=models.F("resolve_minutes")),
                name="sla_policy_targets_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def minutes(self, target: str) -> int:
        return int(getattr(self, f"{target}_minutes"))


def _satisfaction_token() -> str:
    return secrets.token_urlsafe(16)


class Complaint(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    machine_serial = models.CharField(_("machine serial number"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=ComplaintCategory.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"))
    requested_remedy = models.TextField(_("requested remedy"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.NEW
    )
    # Filed from an e-mail: waits for quality staff to confirm before any clock runs.
    is_draft = models.BooleanField(_("draft"), default=False)
    # The Message-ID of the mail it came from: the same mail read twice files one complaint.
    mail_message_id = models.CharField(max_length=300, blank=True, db_index=True)
    source = models.CharField(
        _("source"), max_length=10, choices=ComplaintSource.choices, default=ComplaintSource.STAFF
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # The 8D record.
    containment = models.TextField(_("immediate containment"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    cause_category = models.CharField(
        _("cause category"), max_length=30, choices=CauseCategory.choices, blank=True
    )
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    prevention = models.TextField(_("prevention"), blank=True)
    solution = models.TextField(_("solution proposed to the customer"), blank=True)
    cost = models.DecimalField(
        _("cost of the complaint (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    received_at = models.DateTimeField(_("received at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("solution proposed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Whether each target was met late, decided when it was met (empty until then): the SLA
    # compliance of the figures without recomputing business hours.
    acknowledged_late = models.BooleanField(_("acknowledged late"), null=True, blank=True)
    proposed_late = models.BooleanField(_("solution proposed late"), null=True, blank=True)
    resolved_late = models.BooleanField(_("resolved late"), null=True, blank=True)
    # The earliest due time of a target not yet met, for the queue's order by SLA risk; empty
    # while the clock is paused or every target is met.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    satisfaction_token = models.CharField(max_length=32, default=_satisfaction_token, unique=True)
    satisfaction_score = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("comment on the satisfaction"), blank=True)
    satisfaction_at = models.DateTimeField(_("satisfaction given at"), null=True, blank=True)
    # Raised by every save; a save naming an older version was made on stale data.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="complaint_queue_idx"),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_idx"),
            models.Index(fields=["owner", "status"], name="complaint_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction_score__isnull=True)
                | models.Q(satisfaction_score__gte=1, satisfaction_score__lte=5),
                name="complaint_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ComplaintPause(models.Model):
    """A span in which the clock stopped (waiting for the customer); open while `ended_at` is
    empty."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(ended_at__isnull=True),
                name="complaint_one_open_pause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint}: {self.reason}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Field changed")
    STATUS = "status", _("Status changed")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment")
    PAUSE = "pause", _("Clock paused")
    RESUME = "resume", _("Clock resumed")
    ESCALATION = "escalation", _("Escalation")
    SATISFACTION = "satisfaction", _("Satisfaction")


class ComplaintEvent(models.Model):
    """One entry of the audit trail: written once, never changed or deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=EventKind.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("before"), blank=True)
    new = models.TextField(_("after"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="complaint_event_kind_idx")]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind} {self.field}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableError("complaint events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableError("complaint events are never deleted")

    def _display(self, value: str) -> str:
        labels = {"status": ComplaintStatus, "severity": Severity, "category": ComplaintCategory}
        choices = labels.get(self.field)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        return value

    @property
    def field_label(self) -> str:
        """The changed field by its name on the page ("Schweregrad", not "severity")."""
        try:
            field = Complaint._meta.get_field(self.field)
        except FieldDoesNotExist:
            return self.field
        return str(getattr(field, "verbose_name", self.field))

    @property
    def old_display(self) -> str:
        """The value before, as people read it (a status by its label)."""
        return self._display(self.old)

    @property
    def new_display(self) -> str:
        return self._display(self.new)


class Escalation(models.Model):
    """An escalation that was raised: at most one per complaint, target and level."""

    class Level(models.TextChoices):
        WARNING = "warning", _("75 % of the time used")
        BREACH = "breach", _("Breached")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    target = models.CharField(max_length=15, choices=SlaTarget.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "target", "level"], name="escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.target} {self.level}"


class ComplaintAttachment(models.Model):
    """A photo or PDF of the complaint; served only to users who may see complaints."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
