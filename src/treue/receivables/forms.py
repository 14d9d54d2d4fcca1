import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from treue.core.money import format_money
from treue.customers.models import Contact, Customer

from .models import DunningAction, DunningTone, Invoice
from .selectors import invoice_open_items, open_amount


class OpenInvoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Invoice) -> str:
        return _("%(number)s, due %(due)s, %(open)s open") % {
            "number": obj.number,
            "due": date_format(obj.due_on, "SHORT_DATE_FORMAT"),
            "open": format_money(open_amount(obj), obj.currency),
        }


class PromiseForm(forms.Form):
    """What the customer agreed in the conversation over the credit limit."""

    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01, localize=True
    )
    promised_on = forms.DateField(
        label=_("To be paid by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    contact = forms.ModelChoiceField(
        label=_("Agreed by (contact)"), queryset=Contact.objects.none(), required=False
    )
    agreed_by = forms.CharField(
        label=_("Agreed by (name, if not a contact)"), max_length=200, required=False
    )
    invoices = OpenInvoiceField(
        label=_("Invoices to settle"),
        queryset=Invoice.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["contact"].queryset = customer.contacts.all()  # type: ignore[attr-defined]
        self.fields["invoices"].queryset = invoice_open_items(  # type: ignore[attr-defined]
            customer_id=customer.pk
        )

    def clean_promised_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["promised_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The promised date lies in the past."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contact = cleaned.get("contact")
        if not cleaned.get("agreed_by") and contact is None:
            self.add_error("agreed_by", _("Say who agreed on the customer's side."))
        elif not cleaned.get("agreed_by") and contact is not None:
            cleaned["agreed_by"] = str(contact)
        return cleaned


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the release"), max_length=500)


class AllocateForm(forms.Form):
    invoice = forms.CharField(label=_("Invoice number"), max_length=20)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01, localize=True
    )


class ApproveForm(forms.Form):
    tone = forms.ChoiceField(label=_("Tone"), choices=DunningTone.choices)
    note = forms.CharField(
        label=_("Personal note (printed above the items)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallForm(forms.Form):
    note = forms.CharField(
        label=_("What the call agreed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PreviewFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All")), *DunningAction.choices], required=False
    )
