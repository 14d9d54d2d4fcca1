import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treue.core.money import format_number
from treue.customers.models import Channel, Contact, Customer

from .models import ProductLine
from .selectors import OpenLine


class PromisedDateChangeForm(forms.Form):
    new_date = forms.DateField(
        label=_("New promised date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the customer"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer reads it in the delay notice."),
    )

    def clean_new_date(self) -> datetime.date:
        new_date: datetime.date = self.cleaned_data["new_date"]
        if new_date < timezone.localdate():
            raise forms.ValidationError(_("The new date lies in the past."))
        return new_date


class ProductionCycleForm(forms.Form):
    product_line = forms.ChoiceField(label=_("Product line"), choices=ProductLine.choices)
    days = forms.IntegerField(label=_("Lead time grows by (days)"), min_value=1, max_value=365)
    from_date = forms.DateField(
        label=_("For lines promised from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the customer"),
        max_length=300,
        help_text=_("The customers read it in the delay notices."),
    )


class DeliveryForm(forms.Form):
    """A shipment of an order: a quantity for each line still open."""

    number = forms.CharField(
        label=_("Delivery note number"),
        max_length=20,
        required=False,
        help_text=_("Left empty, treue numbers it."),
    )
    override_reason = forms.CharField(
        label=_("Ship in parts without the customer's agreement, because"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shipping leads only; the reason is kept with the delivery."),
    )

    def __init__(
        self, *args: Any, lines: list[OpenLine], may_override: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.position}"] = forms.DecimalField(
                label=_("Position %(line)s: %(product)s (open %(open)s)")
                % {
                    "line": line.position,
                    "product": line.line.product.name,
                    "open": format_number(line.open_quantity, 0),
                },
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=3,
                initial=line.open_quantity.normalize(),
                required=False,
                localize=True,
            )
        if not may_override:
            del self.fields["override_reason"]

    def quantity_fields(self) -> list[forms.BoundField]:
        return [self[f"line_{line.position}"] for line in self.lines]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("number", "override_reason") if name in self.fields]

    def delivery_lines(self) -> list[dict[str, Any]]:
        return [
            {"line_no": line.position, "quantity": self.cleaned_data[f"line_{line.position}"]}
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.position}")
        ]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors and not self.delivery_lines():
            raise forms.ValidationError(_("Give the quantity shipped of at least one position."))
        return cleaned


class PartialDeliveryAgreementForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Contact who agreed"), queryset=Contact.objects.none(), required=False
    )
    agreed_by = forms.CharField(
        label=_("Or name"),
        max_length=200,
        required=False,
        help_text=_("When the person is not among the contacts."),
    )
    agreed_at = forms.DateTimeField(
        label=_("Agreed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    channel = forms.ChoiceField(label=_("Through"), choices=Channel.choices)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = self.fields["contact"]
        assert isinstance(contacts, forms.ModelChoiceField)  # noqa: S101 - declared above
        contacts.queryset = customer.contacts.order_by("last_name", "first_name")

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned and not cleaned.get("contact") and not cleaned.get("agreed_by"):
            self.add_error("agreed_by", _("Choose the contact or give the name."))
        return cleaned
