import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from treue.core.money import Currency, money_field, rate_field
from treue.customers.models import Channel, Customer


class ProductLine(models.TextChoices):
    MACHINES = "machines", _("Machines")
    TOOLING = "tooling", _("Tooling")
    AUTOMATION = "automation", _("Automation")
    SPARE_PARTS = "spare_parts", _("Spare parts")
    SERVICE = "service", _("Service")


class Product(models.Model):
    article_number = models.CharField(_("article number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=20, choices=ProductLine.choices)
    is_spare_part = models.BooleanField(_("spare part"), default=False)
    list_price = money_field(_("list price (EUR)"))
    unit_cost = money_field(_("unit cost (EUR)"))

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["article_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0, unit_cost__gte=0),
                name="product_prices_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_number} {self.name}"


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW"
    FCA = "FCA", "FCA"
    CPT = "CPT", "CPT"
    CIP = "CIP", "CIP"
    DAP = "DAP", "DAP"
    DPU = "DPU", "DPU"
    DDP = "DDP", "DDP"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


def new_tracking_token() -> str:
    """22 URL-safe characters: 128 random bits, not to be guessed."""
    return secrets.token_urlsafe(16)


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    order_date = models.DateField(_("order date"))
    customer_reference = models.CharField(_("customer reference"), max_length=50, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    exchange_rate = rate_field(_("exchange rate to EUR"), default=Decimal(1))
    incoterm = models.CharField(
        _("Incoterms"), max_length=3, choices=Incoterm.choices, default=Incoterm.DAP
    )
    incoterm_place = models.CharField(
        _("Incoterms place"),
        max_length=100,
        blank=True,
        help_text=_("The named place of the Incoterms 2020 rule, e.g. “DAP Ulm”."),
    )
    # When the order came in; the lead time of a spare-part order is measured from here.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # Set for spare-part orders: the customer waits with a machine standing still.
    target_lead_hours = models.PositiveIntegerField(
        _("target lead time (hours)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=15, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    # The customer follows the order at /track/<number>/<token>/ without logging in.
    tracking_token = models.CharField(
        _("tracking token"), max_length=32, unique=True, default=new_tracking_token
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        indexes = [models.Index(fields=["customer", "-order_date"], name="order_customer_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(exchange_rate__gt=0), name="order_rate_gt_0")
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """An ERP position (10, 20, 30 …) with its own price, cost and promised date."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    net_price = money_field(_("net unit price"), help_text=_("In the order's currency."))
    unit_cost = money_field(_("unit cost"), help_text=_("In the order's currency."))
    promised_date = models.DateField(_("promised delivery date"))
    # What the order confirmation first promised: delivery reliability (OTIF) is measured
    # against it, so a postponement counts as late even when it was announced.
    first_promised_date = models.DateField(_("first promised delivery date"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="order_line_position_unique"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_qty_gt_0"),
            models.CheckConstraint(
                condition=models.Q(net_price__gte=0, unit_cost__gte=0),
                name="order_line_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.first_promised_date is None:
            self.first_promised_date = self.promised_date
        super().save(*args, **kwargs)

    @property
    def net_amount(self) -> Decimal:
        return self.quantity * self.net_price

    @property
    def contribution_margin(self) -> Decimal:
        return self.quantity * (self.net_price - self.unit_cost)


class ChangeSource(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class PromisedDateChange(models.Model):
    """Every change of a promised date: old, new, why, who, when, and how early it was told."""

    order_line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="promised_date_changes"
    )
    old_date = models.DateField(_("old date"))
    new_date = models.DateField(_("new date"))
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.PAGE
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # Days between the announcement and the old promised date; negative when it came too late.
    notice_days = models.IntegerField(_("notice (days)"))

    class Meta:
        verbose_name = _("promised-date change")
        verbose_name_plural = _("promised-date changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["order_line", "-changed_at"], name="pdc_line_idx")]

    def __str__(self) -> str:
        return f"{self.order_line}: {self.old_date} → {self.new_date}"

    @property
    def is_postponement(self) -> bool:
        return self.new_date > self.old_date

    @property
    def notice_key(self) -> str:
        """The item key of this change in the delay notice that tells the customer."""
        return f"promised-date-change:{self.pk}"

    @property
    def announced_late(self) -> bool:
        """Told after the old promised date had passed."""
        return self.notice_days < 0


class ProductionStage(models.Model):
    """One step an order goes through (received, engineering, manufacturing …), in order.

    The list is data: a company keeps the stages its ERP or MES reports. Names are stored in both
    interface languages, since customers read them on the tracking page.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("production stage")
        verbose_name_plural = _("production stages")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class StageEvent(models.Model):
    """An order reached a stage: when, and who said so (a page, the API or an ERP/MES import)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stage_events")
    stage = models.ForeignKey(
        ProductionStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("reached at"))
    source = models.CharField(
        _("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.PAGE
    )
    # The sender's id of the event: the same event sent twice is recorded once.
    external_id = models.CharField(_("external event id"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["order", "occurred_at"], name="stage_event_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="stage_event_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.stage_id} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class PartialDeliveryAgreement(models.Model):
    """The customer agreed that an order may arrive in parts: who, when, through which channel."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="partial_delivery_agreements"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreed_by = models.CharField(_("agreed by"), max_length=200)
    agreed_at = models.DateTimeField(_("agreed at"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partial-delivery agreement")
        verbose_name_plural = _("partial-delivery agreements")
        ordering = ["-agreed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.agreed_by}"


class Delivery(models.Model):
    number = models.CharField(_("delivery number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="deliveries")
    shipped_on = models.DateField(_("shipped on"))
    # Exact time of shipping where known (posted through treue); the demo and old imports only
    # know the day.
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    # A delivery that leaves the order incomplete rests on the customer's agreement or on a
    # shipping lead's override with a reason.
    agreement = models.ForeignKey(
        PartialDeliveryAgreement,
        verbose_name=_("partial-delivery agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.PAGE
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["order", "shipped_on"], name="delivery_order_idx")]

    def __str__(self) -> str:
        return self.number


class DeliveryLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="delivery_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="delivery_line_qty_gt_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.quantity}"


class OrderConfirmation(models.Model):
    """One numbered version of an order confirmation (*Auftragsbestätigung*), as sent.

    `content` is what the version confirmed (lines, totals, terms) so that the next version can
    say what changed; `pdf` is the document the customer received.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="confirmations")
    version = models.PositiveSmallIntegerField(_("version"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("content"))
    changes = models.JSONField(_("changes"), default=list)
    pdf = models.BinaryField(_("PDF"))

    class Meta:
        verbose_name = _("order confirmation")
        verbose_name_plural = _("order confirmations")
        ordering = ["order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "version"], name="order_confirmation_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} v{self.version}"

    @property
    def filename(self) -> str:
        name = _("order-confirmation")  # a file name: ASCII, no spaces
        return f"{name}-{self.content['number']}-v{self.version}.pdf"
