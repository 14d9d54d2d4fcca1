from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treue.core.models import Department, User
from treue.customers.models import Contact, Customer
from treue.orders.models import Delivery, Order, Product
from treue.receivables.models import Invoice

from . import selectors
from .models import CauseCategory, Complaint, ComplaintCategory, Severity


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your complaint?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = completely"),
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ComplaintForm(forms.Form):
    """Staff file a complaint; what it names is given by the numbers people see on paper."""

    customer = forms.CharField(label=_("Customer number"), max_length=20)
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    order = forms.CharField(label=_("Order number"), max_length=20, required=False)
    delivery = forms.CharField(label=_("Delivery note number"), max_length=20, required=False)
    invoice = forms.CharField(label=_("Invoice number"), max_length=20, required=False)
    product = forms.CharField(label=_("Article number"), max_length=30, required=False)
    machine_serial = forms.CharField(
        label=_("Machine serial number"), max_length=50, required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    description = forms.CharField(
        label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    requested_remedy = forms.CharField(
        label=_("What does the customer ask for?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = customer.number if customer else (self.data.get("customer") or "").strip()
        if customer is not None:
            self.initial["customer"] = customer.number
        contacts = Contact.objects.filter(customer__number=number) if number else None
        if contacts is not None:
            self.fields["contact"].queryset = contacts.order_by(  # type: ignore[attr-defined]
                "last_name", "first_name"
            )

    def clean_customer(self) -> Customer:
        customer: Customer = selectors.referenced("customer", self.cleaned_data["customer"])
        return customer

    def clean_order(self) -> Order | None:
        return selectors.referenced("order", self.cleaned_data["order"])

    def clean_delivery(self) -> Delivery | None:
        return selectors.referenced("delivery", self.cleaned_data["delivery"])

    def clean_invoice(self) -> Invoice | None:
        return selectors.referenced("invoice", self.cleaned_data["invoice"])

    def clean_product(self) -> Product | None:
        return selectors.referenced("product", self.cleaned_data["product"])


class ComplaintWorkForm(forms.ModelForm):
    """What the people who solve it record: responsibility, the 8D record, the solution."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Complaint
        fields = [
            "department",
            "owner",
            "severity",
            "category",
            "containment",
            "root_cause",
            "cause_category",
            "supplier",
            "corrective_action",
            "prevention",
            "solution",
            "rejection_reason",
            "cost",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 2})
            for field in (
                "containment",
                "root_cause",
                "corrective_action",
                "prevention",
                "solution",
                "rejection_reason",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        departments = Department.objects.order_by("name")
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["cause_category"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *CauseCategory.choices,
        ]
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the stored complaint, for `complaint_update`."""
        return {
            field: self.cleaned_data[field]
            for field in self.Meta.fields
            if field in self.changed_data
        }


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=20)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField()


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Waiting for"), max_length=200)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class QueueFilterForm(forms.Form):
    VIEWS = [
        ("open", _("Open")),
        ("mine", _("Mine")),
        ("drafts", _("Drafts from e-mails")),
        ("closed", _("Closed and rejected")),
        ("all", _("All")),
    ]

    view = forms.ChoiceField(choices=VIEWS, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("all")), *Severity.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("all")), *ComplaintCategory.choices], required=False
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "view": data.get("view") or "open",
            "search": data.get("q", ""),
            "severity": data.get("severity", ""),
            "category": data.get("category", ""),
        }

    def view_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.VIEWS]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; `attachments.check_all` checks what they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class CustomerComplaintForm(forms.Form):
    """A customer reports a problem with the order from the tracking page, without an account."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We answer you there and tell you every step."),
    )
    category = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    requested_remedy = forms.CharField(
        label=_("What would help you?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    production_stopped = forms.BooleanField(label=_("It stops our production"), required=False)
    attachments = MultipleFileField(
        label=_("Photos or PDFs"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 files."),
    )


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Photos or PDFs"), help_text=_("JPEG, PNG or PDF, up to 10 files.")
    )


class StatusReportForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end lies before the start."))
        return data
