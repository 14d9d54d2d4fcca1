"""The delivery-reliability snapshot: small aggregate tables the scorecard page reads.

They are written only by `services.delivery_figures_refresh`, which replaces them whole in one
transaction from SQL over the order lines (see `figures.py` for what each number means).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from treue.customers.models import Customer


class DeliveryFiguresState(models.Model):
    """One row (pk 1): when the snapshot was computed and when a change last moved its figures."""

    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # The day the snapshot counts as "today": a line is decided once its first date lies before.
    as_of = models.DateField(_("as of"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    # Set by every change that moves the figures; newer than computed_at means "being updated".
    changed_at = models.DateTimeField(_("last change"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery figures state")
        verbose_name_plural = _("delivery figures states")

    def __str__(self) -> str:
        return f"{self.computed_at}"

    @property
    def is_stale(self) -> bool:
        if self.computed_at is None:
            return True
        return self.changed_at is not None and self.changed_at > self.computed_at


class OtifMonth(models.Model):
    """Decided and on-time-in-full lines of one month (of the first promised date) and product
    line."""

    month = models.DateField(_("month"))
    product_line = models.CharField(_("product line"), max_length=20)
    decided_lines = models.PositiveIntegerField(_("decided lines"))
    on_time_lines = models.PositiveIntegerField(_("on-time-in-full lines"))

    class Meta:
        verbose_name = _("OTIF by month")
        verbose_name_plural = _("OTIF by month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "product_line"], name="otif_month_product_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.product_line}"


class OtifCustomer(models.Model):
    """A customer's decided and on-time-in-full lines over the last 12 months of the snapshot."""

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    decided_lines = models.PositiveIntegerField(_("decided lines"))
    on_time_lines = models.PositiveIntegerField(_("on-time-in-full lines"))
    otif = models.FloatField(_("OTIF"))

    class Meta:
        verbose_name = _("OTIF by customer")
        verbose_name_plural = _("OTIF by customer")
        indexes = [models.Index(fields=["otif", "-decided_lines"], name="otif_customer_rank_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.otif:.3f}"


class AnnouncementMonth(models.Model):
    """Postponements whose old promised date lies in one month, and how early they were told."""

    month = models.DateField(_("month"), unique=True)
    postponements = models.PositiveIntegerField(_("postponements"))
    announced_before = models.PositiveIntegerField(_("announced before the old date"))
    announced_on_the_day = models.PositiveIntegerField(_("announced on the old date"))
    announced_late = models.PositiveIntegerField(_("announced after the old date"))
    notice_days_sum = models.IntegerField(_("sum of notice days"))

    class Meta:
        verbose_name = _("announcements by month")
        verbose_name_plural = _("announcements by month")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class SparePartLeadTime(models.Model):
    """Spare-part orders of the last 12 months by achieved lead time in whole hours (rounded up;
    null: not shipped in full yet) and whether they met their own target."""

    hours = models.PositiveIntegerField(_("lead time (hours, rounded up)"), null=True, blank=True)
    within_target = models.BooleanField(_("within target"))
    orders = models.PositiveIntegerField(_("orders"))

    class Meta:
        verbose_name = _("spare-part lead time")
        verbose_name_plural = _("spare-part lead times")
        constraints = [
            models.UniqueConstraint(
                fields=["hours", "within_target"], name="spare_part_lead_time_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours} h: {self.orders}"


class LocalNoon(models.Model):
    """Noon in the company's time zone of a day, in UTC: where a delivery knows only its day,
    its shipping time for the lead time is noon (SQLite knows no time zones, so the refresh
    writes the few days it needs here first)."""

    day = models.DateField(_("day"), primary_key=True)
    noon = models.DateTimeField(_("noon"))

    class Meta:
        verbose_name = _("local noon")
        verbose_name_plural = _("local noons")

    def __str__(self) -> str:
        return f"{self.day}"
