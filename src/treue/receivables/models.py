"""Receivables: invoices and credit notes, payments allocated to them, credit holds, payment
promises and dunning (Mahnwesen), with an immutable audit trail of every credit decision.

Money received is a `Payment` (with the customer's reference); an `Allocation` applies a payment,
or a credit note, to one invoice. An invoice is open while its gross amount exceeds what is
allocated to it (money plus the Skonto deducted).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Now, Round
from django.utils.translation import gettext_lazy as _

from treue.core.errors import ImmutableError
from treue.core.money import Currency, money_field, rate_field
from treue.customers.models import Contact, Customer
from treue.orders.models import ChangeSource, Delivery, Order


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class Invoice(models.Model):
    """An invoice or a credit note (amounts positive either way; `kind` gives the sign)."""

    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=InvoiceKind.choices,
        default=InvoiceKind.INVOICE,
        db_default=InvoiceKind.INVOICE,
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        help_text=_("The shipment this invoice bills, if any."),
    )
    issued_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    exchange_rate = rate_field(_("exchange rate to EUR"), default=Decimal(1))
    net_amount = money_field(_("net amount"))
    tax_amount = money_field(_("VAT"))
    gross_amount = money_field(_("gross amount"))
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=ChangeSource.choices,
        default=ChangeSource.API,
        db_default=ChangeSource.API,
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-issued_on"], name="invoice_customer_date_idx"),
            models.Index(fields=["due_on", "id"], name="invoice_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("issued_on")),
                name="invoice_due_after_issue",
            ),
            # Rounded, because SQLite compares decimals as binary floats (0.10 + 0.20 != 0.30).
            models.CheckConstraint(
                condition=models.Q(
                    gross_amount=Round(models.F("net_amount") + models.F("tax_amount"), 2)
                ),
                name="invoice_gross_is_net_plus_tax",
            ),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0), name="invoice_rate_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(net_amount__gte=0, gross_amount__gte=0),
                name="invoice_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class Payment(models.Model):
    """Money a customer paid, as the bank or the accounting system booked it."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    # The booking's unique reference in the accounting system: the same payment sent twice is
    # recorded once.
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    received_on = models.DateField(_("received on"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = money_field(_("amount"))
    exchange_rate = rate_field(
        _("exchange rate to EUR"),
        default=Decimal(1),
        help_text=_("EUR for one unit of the currency on the day the money came in."),
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=ChangeSource.choices,
        default=ChangeSource.API,
        db_default=ChangeSource.API,
    )
    recorded_at = models.DateTimeField(_("recorded at"), db_default=Now())

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-received_on"], name="payment_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0), name="payment_rate_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Allocation(models.Model):
    """Part of a payment, or of a credit note, applied to one invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="applications"
    )
    allocated_on = models.DateField(_("settled on"))
    amount = money_field(_("amount"))
    cash_discount = money_field(
        _("cash discount taken"),
        default=Decimal(0),
        help_text=_("Skonto the customer deducted; it settles the invoice like money received."),
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-allocated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, cash_discount__gte=0)
                & (models.Q(amount__gt=0) | models.Q(cash_discount__gt=0)),
                name="allocation_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(payment__isnull=False, credit_note__isnull=True)
                | models.Q(payment__isnull=True, credit_note__isnull=False),
                name="allocation_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"

    @property
    def settled_amount(self) -> Decimal:
        return self.amount + self.cash_discount


class CreditHold(models.Model):
    """An order held at confirmation because it would take the customer over the credit limit."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="credit_holds")
    reason = models.CharField(_("reason"), max_length=500)
    limit = money_field(_("credit limit (EUR)"))
    exposure = money_field(_("exposure with this order (EUR)"))
    held_at = models.DateTimeField(_("held at"), auto_now_add=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmation asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    release_reason = models.CharField(_("release reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(released_at__isnull=True),
                name="credit_hold_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | ~models.Q(release_reason=""),
                name="credit_hold_release_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.held_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")


class PaymentPromise(models.Model):
    """What the customer agreed to pay by when, in the conversation over the credit limit."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises")
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    promised_on = models.DateField(_("to be paid by"))
    agreed_by = models.CharField(_("agreed by (customer)"), max_length=200)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invoices = models.ManyToManyField(
        Invoice, verbose_name=_("invoices to settle"), related_name="promises", blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by (us)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment promise")
        verbose_name_plural = _("payment promises")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["status", "promised_on"], name="promise_status_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="promise_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount} {self.currency} by {self.promised_on}"


class DunningLevelCode(models.TextChoices):
    REMINDER = "reminder", _("Friendly reminder")
    FIRST = "first", _("First dunning letter")
    SECOND = "second", _("Second dunning letter")
    FINAL = "final", _("Final demand")


class DunningLevel(models.Model):
    """One step of dunning: how long after the due date, and what it may charge.

    The German B2B maximum is a flat fee of EUR 40 per invoice (§ 288 (5) BGB) and default
    interest of 9 percentage points over the base rate (§ 288 (2) BGB); the friendly reminder
    charges neither, and strategic customers are never charged automatically.
    """

    code = models.CharField(
        _("level"), max_length=10, choices=DunningLevelCode.choices, unique=True
    )
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    days_after_due = models.PositiveSmallIntegerField(_("days after due date"))
    days_since_previous = models.PositiveSmallIntegerField(
        _("days since the previous level"),
        default=14,
        help_text=_("An invoice moves on to this level only this long after the previous one."),
    )
    flat_fee = money_field(_("flat fee per invoice (EUR)"), default=Decimal(0))
    charges_interest = models.BooleanField(_("charges default interest"), default=False)
    interest_points = models.DecimalField(
        _("percentage points over the base rate"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(9),
    )

    class Meta:
        verbose_name = _("dunning level")
        verbose_name_plural = _("dunning levels")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(flat_fee__gte=0, flat_fee__lte=40), name="dunning_fee_max_40"
            ),
            models.CheckConstraint(
                condition=models.Q(interest_points__gte=0, interest_points__lte=9),
                name="dunning_interest_max_9",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())


class DunningTone(models.TextChoices):
    FRIENDLY = "friendly", _("Friendly")
    FACTUAL = "factual", _("Factual")
    FIRM = "firm", _("Firm")


class DunningAction(models.TextChoices):
    SEND = "send", _("Send")
    PROPOSE = "propose", _("Propose to the account owner")
    HOLD = "hold", _("Hold")
    CALL = "call", _("Call instead")


class NoticeStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    PROPOSED = "proposed", _("Awaiting the account owner")
    HELD = "held", _("Held")
    CALL = "call", _("Call planned")
    REPLACED_BY_CALL = "replaced_by_call", _("Replaced by a call")


class DunningRun(models.Model):
    run_on = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("run at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.run_on}"


class DunningNotice(models.Model):
    """What a dunning run decided for one customer, and why: one letter for all overdue items."""

    run = models.ForeignKey(DunningRun, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="dunnings"
    )
    level = models.CharField(_("level"), max_length=10, choices=DunningLevelCode.choices)
    tone = models.CharField(_("tone"), max_length=10, choices=DunningTone.choices)
    action = models.CharField(_("action"), max_length=10, choices=DunningAction.choices)
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices)
    reason = models.TextField(_("reason"))
    fees = money_field(_("fees (EUR)"), default=Decimal(0))
    interest = money_field(_("default interest (EUR)"), default=Decimal(0))
    note = models.TextField(
        _("personal note"), blank=True, help_text=_("Printed above the list of items.")
    )
    # Overdue invoices this notice does not dun, and why: [{"invoice": number, "why": text}].
    held_items = models.JSONField(_("items not dunned"), default=list, blank=True)
    communications = models.ManyToManyField(
        "communications.Communication", related_name="dunning_notices", blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dunning notice")
        verbose_name_plural = _("dunning notices")
        ordering = ["-run__started_at", "customer__name", "id"]
        indexes = [models.Index(fields=["customer", "status"], name="dunning_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.level} ({self.status})"


class DunningItem(models.Model):
    notice = models.ForeignKey(DunningNotice, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="dunning_items")
    level = models.CharField(_("level"), max_length=10, choices=DunningLevelCode.choices)
    open_amount = money_field(_("open amount"))
    days_overdue = models.IntegerField(_("days overdue"))
    fee = money_field(_("flat fee (EUR)"), default=Decimal(0))
    interest = money_field(_("default interest (EUR)"), default=Decimal(0))

    class Meta:
        verbose_name = _("dunned invoice")
        verbose_name_plural = _("dunned invoices")
        ordering = ["notice", "invoice__due_on", "id"]
        indexes = [models.Index(fields=["invoice", "notice"], name="dunning_item_invoice_idx")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.level}"


class EventKind(models.TextChoices):
    CREDIT_LIMIT_CHANGED = "credit_limit_changed", _("Credit limit changed")
    ORDER_HELD = "order_held", _("Order held")
    ORDER_RELEASED = "order_released", _("Order released")
    PROMISE_RECORDED = "promise_recorded", _("Payment promise recorded")
    PROMISE_KEPT = "promise_kept", _("Payment promise kept")
    PROMISE_BROKEN = "promise_broken", _("Payment promise broken")
    DUNNING_DECIDED = "dunning_decided", _("Dunning decided")
    DUNNING_APPROVED = "dunning_approved", _("Dunning letter approved")
    DUNNING_REPLACED = "dunning_replaced", _("Dunning letter replaced by a call")


class ReceivablesEvent(models.Model):
    """The audit trail of credit decisions; never changed, never deleted."""

    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("receivables event")
        verbose_name_plural = _("receivables events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="receivables_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableError("receivables events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableError("receivables events are never deleted")


class ImportKind(models.TextChoices):
    INVOICES = "invoices", _("Invoices")
    PAYMENTS = "payments", _("Payments")


class ImportMapping(models.Model):
    """A saved column mapping: which header of the ERP's export holds which treue column."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    name = models.SlugField(_("name"), max_length=50)
    columns = models.JSONField(_("columns"), help_text=_('{"number": "Belegnummer", …}'))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="import_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
