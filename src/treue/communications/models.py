"""Everything treue tells a customer, one record per message and recipient.

A communication is planned by a service (`communications.services.notify`), rendered from the
template of its type, channel, depth and language, and delivered by the channel: e-mail is sent
by a job, a letter waits in the print queue, a phone call or meeting becomes an activity for the
account owner with the text to convey.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treue.customers.models import Channel, Contact, Customer, Depth, Topic
from treue.orders.models import Order

LANGUAGES = [("de", _("German")), ("en", _("English"))]


class CommunicationType(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", _("Order confirmation")
    DELAY_NOTICE = "delay_notice", _("Delay notice")
    PARTIAL_DELIVERY_REQUEST = "partial_delivery_request", _("Partial delivery request")
    COMPLAINT_UPDATE = "complaint_update", _("Complaint update")
    DUNNING = "dunning", _("Dunning")
    MARKET_INFORMATION = "market_information", _("Market information")
    SURVEY = "survey", _("Survey")


class CommunicationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    IN_DOUBT = "in_doubt", _("In doubt")
    CANCELLED = "cancelled", _("Cancelled")


class TemplateChannel(models.TextChoices):
    """Phone calls and meetings share one template: the talking points for the account owner."""

    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    CONVERSATION = "conversation", _("Phone call or meeting")


def template_channel(channel: str) -> str:
    if channel in {Channel.PHONE, Channel.MEETING}:
        return TemplateChannel.CONVERSATION
    return channel


class RecipientRule(models.Model):
    """Who in the customer's decision network hears of a type of communication."""

    type = models.CharField(
        _("type"), max_length=30, choices=CommunicationType.choices, unique=True
    )
    roles = models.JSONField(
        _("buying-center roles"),
        default=list,
        blank=True,
        help_text=_("Contacts in one of these roles receive it; none means every role."),
    )
    topic = models.CharField(
        _("topic"),
        max_length=20,
        choices=Topic.choices,
        blank=True,
        help_text=_("Only contacts interested in this topic; empty means any."),
    )
    wait_seconds = models.PositiveIntegerField(
        _("wait before sending (seconds)"),
        default=60,
        help_text=_(
            "Changes of the same order for the same contact within this time go out as one message."
        ),
    )

    class Meta:
        verbose_name = _("recipient rule")
        verbose_name_plural = _("recipient rules")
        ordering = ["type"]

    def __str__(self) -> str:
        return self.get_type_display()

    def matches(self, contact: Contact) -> bool:
        if self.roles and contact.buying_role not in self.roles:
            return False
        return not self.topic or self.topic in contact.topics


class CommunicationTemplate(models.Model):
    """Subject and text of one type for one channel, depth and language; admins edit them.

    Both are Django templates; the context a type offers is listed in its help text.
    """

    type = models.CharField(_("type"), max_length=30, choices=CommunicationType.choices)
    channel = models.CharField(_("channel"), max_length=15, choices=TemplateChannel.choices)
    depth = models.CharField(_("depth"), max_length=10, choices=Depth.choices)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("communication template")
        verbose_name_plural = _("communication templates")
        ordering = ["type", "channel", "depth", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "channel", "depth", "language"], name="template_unique_variant"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_type_display()} · {self.get_channel_display()} · "
            f"{self.get_depth_display()} · {self.language}"
        )


class Communication(models.Model):
    """One message to one recipient (a contact, or the account owner when nobody fits)."""

    type = models.CharField(_("type"), max_length=30, choices=CommunicationType.choices)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="communications",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communications",
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="communications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    depth = models.CharField(_("depth"), max_length=10, choices=Depth.choices)
    # What the message is about, one item per change collected while it waited (JSON-safe).
    items = models.JSONField(_("items"), default=list)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommunicationStatus.choices,
        default=CommunicationStatus.PLANNED,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    send_after = models.DateTimeField(_("send after"))
    # Set, and committed, just before the mail server is asked; a job that finds it set without
    # a result knows a crash may have come between the server's acceptance and the commit.
    send_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["order", "type", "contact", "status"], name="comm_order_idx"),
            models.Index(fields=["status", "channel", "send_after"], name="comm_due_idx"),
            models.Index(fields=["customer", "-created_at"], name="comm_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} → {self.contact or self.customer}"


class CommunicationEvent(models.Model):
    """The status history of a communication: planned, sent, failed (with the reason) …"""

    communication = models.ForeignKey(
        Communication, on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=10, choices=CommunicationStatus.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("communication event")
        verbose_name_plural = _("communication events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.communication_id}: {self.status}"
