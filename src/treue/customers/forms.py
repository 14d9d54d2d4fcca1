from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treue.core.choices import ChoicesWithBlank

from .models import Country, CustomerStatus, Industry, Segment
from .selectors import SORTS, account_owner_choices


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.TypedChoiceField(
        label=_("Account owner"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ChoicesWithBlank(account_owner_choices, _("All owners")),
    )
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=ChoicesWithBlank(Industry, _("All industries"))
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=ChoicesWithBlank(Country, _("All countries"))
    )
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=ChoicesWithBlank(Segment, _("All segments"))
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=ChoicesWithBlank(CustomerStatus, _("All statuses")),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("number", _("Customer number")),
            ("-since", _("Newest customers")),
            ("since", _("Oldest customers")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def is_unfiltered(self) -> bool:
        """Nothing narrows the list (sorting does not)."""
        filters = self.filters()
        return not any(value for key, value in filters.items() if key != "order")

    def filters(self) -> dict[str, object]:
        """The selector arguments: the valid filters apply, an invalid one is left out (and the
        page says why beside it) rather than failing the whole list."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # leaves the valid fields in cleaned_data
            data = self.cleaned_data
        sort = data.get("sort") or "name"
        return {
            "search": data.get("q", ""),
            "owner_id": data.get("owner"),
            "industry": data.get("industry", ""),
            "country": data.get("country", ""),
            "segment": data.get("segment", ""),
            "status": data.get("status", ""),
            "order": sort if sort in SORTS else "name",
        }
