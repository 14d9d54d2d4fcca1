from decimal import Decimal

from django.db import models
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from treue.core.money import Currency, money_field, rate_field
from treue.customers.models import Customer
from treue.orders.models import Delivery, Order


class Invoice(models.Model):
    number = models.CharField(_("invoice number"), max_length=20, unique=True)
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

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-issued_on"], name="invoice_customer_date_idx")
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
        ]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount"))
    cash_discount = money_field(
        _("cash discount taken"),
        default=Decimal(0),
        help_text=_("Skonto the customer deducted; it settles the invoice like money received."),
    )
    exchange_rate = rate_field(
        _("exchange rate to EUR"),
        default=Decimal(1),
        help_text=_("EUR for one unit of the invoice currency on the day the money came in."),
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(cash_discount__gte=0), name="payment_cash_discount_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0), name="payment_rate_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"

    @property
    def settled_amount(self) -> Decimal:
        return self.amount + self.cash_discount
