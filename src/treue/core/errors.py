"""Errors that services raise and that every interface (pages, API, commands) understands.

Two kinds of refusal, kept apart because clients react to them differently:

- *The input is wrong* (an unknown customer number, a duplicate number, gross != net + tax):
  services raise Django's ``ValidationError`` with a dict keyed by field name, so forms can
  attach the messages to their fields and the API can answer 422. Nested fields are written
  with dots: ``"lines.1.product"``.
- *The input is fine, but the business refuses it now* (changing a cancelled order):
  services raise ``BusinessRuleError``; the API answers 409 with its code.
"""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model


class BusinessRuleError(Exception):
    """A well-formed request that a business rule refuses.

    ``code`` is a stable lower-case identifier that clients may branch on (``order_closed``);
    ``detail`` explains the refusal to a person.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    def __repr__(self) -> str:
        return f"BusinessRuleError({self.code!r}, {self.detail!r})"


class ImmutableError(Exception):
    """An audit record (complaint event, receivables event) was about to be changed or deleted."""


FieldErrors = dict[str, list[ValidationError]]


def add_error(errors: FieldErrors, field: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def clean_or_raise(instance: Model, errors: FieldErrors, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's own validation, then raise everything found so far as one ValidationError.

    `errors` holds what the service found itself (e.g. an unknown reference); fields named there
    or in `exclude` are not validated again by the model.
    """
    try:
        instance.full_clean(exclude=[*exclude, *errors])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at its fields, the rest above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
