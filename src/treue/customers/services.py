"""Writes on customers and contacts.

References are the natural keys an ERP knows: payment terms by their code, the account owner by
username. Wrong input raises ValidationError keyed by field; a refusing rule BusinessRuleError.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treue.core.errors import BusinessRuleError, FieldErrors, add_error, clean_or_raise
from treue.core.models import User
from treue.core.money import Currency

from . import selectors
from .models import Contact, Customer, CustomerStatus, Depth, PaymentTerms, Segment

# Resolved by the service itself; the model need not look them up a second time.
_CUSTOMER_REFERENCES = ("payment_terms", "account_owner")


class CustomerChanges(TypedDict, total=False):
    name: str
    vat_id: str
    country: str
    industry: str
    size_class: str
    account_owner: str | None
    segment: str
    is_strategic: bool
    credit_limit: Decimal
    currency: str
    payment_terms: str
    customer_since: datetime.date | None
    status: str


class ContactChanges(TypedDict, total=False):
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    buying_role: str
    preferred_channels: Sequence[str]
    preferred_depth: str
    topics: Sequence[str]
    language: str
    marketing_consent: bool
    consent_at: datetime.datetime | None
    consent_source: str


def _check_credit_limit(credit_limit: Decimal) -> None:
    if credit_limit < 0:
        raise BusinessRuleError(
            "credit_limit_negative", _("A credit limit cannot be negative; 0 means no credit.")
        )


def _payment_terms(code: str, errors: FieldErrors) -> PaymentTerms | None:
    terms = PaymentTerms.objects.filter(code=code).first()
    if terms is None:
        add_error(
            errors,
            "payment_terms",
            _("No payment terms with the code %s.") % code,
            code="does_not_exist",
        )
    return terms


def _account_owner(username: str | None, errors: FieldErrors) -> User | None:
    if username is None:
        return None
    owner = User.objects.filter(username=username, is_active=True).first()
    if owner is None:
        add_error(
            errors,
            "account_owner",
            _("No active user with the username %s.") % username,
            code="does_not_exist",
        )
    return owner


@transaction.atomic
def customer_create(
    *,
    number: str,
    name: str,
    country: str,
    industry: str,
    size_class: str,
    payment_terms: str,
    account_owner: str | None = None,
    vat_id: str = "",
    segment: str = Segment.C,
    is_strategic: bool = False,
    credit_limit: Decimal = Decimal(0),
    currency: str = Currency.EUR,
    customer_since: datetime.date | None = None,
    status: str = CustomerStatus.ACTIVE,
    by: User | None = None,
) -> Customer:
    _check_credit_limit(credit_limit)
    errors: FieldErrors = {}
    customer = Customer(
        number=number,
        name=name,
        vat_id=vat_id,
        country=country,
        industry=industry,
        size_class=size_class,
        segment=segment,
        is_strategic=is_strategic,
        credit_limit=credit_limit,
        currency=currency,
        customer_since=customer_since,
        status=status,
    )
    terms = _payment_terms(payment_terms, errors)
    if terms is not None:
        customer.payment_terms = terms
    customer.account_owner = _account_owner(account_owner, errors)
    clean_or_raise(customer, errors, exclude=_CUSTOMER_REFERENCES)
    customer.save()
    if credit_limit:
        _log_credit_limit(customer, old=Decimal(0), by=by)
    transaction.on_commit(selectors.customer_totals_forget)
    return customer


def _log_credit_limit(customer: Customer, *, old: Decimal, by: User | None) -> None:
    """Every credit-limit change goes into the receivables audit trail."""
    from treue.receivables.credit import event_log
    from treue.receivables.models import EventKind

    event_log(
        kind=EventKind.CREDIT_LIMIT_CHANGED,
        customer=customer,
        by=by,
        data={"old": str(old), "new": str(customer.credit_limit), "currency": customer.currency},
    )


@transaction.atomic
def customer_update(
    *, customer: Customer, data: CustomerChanges, by: User | None = None
) -> Customer:
    """Change only the fields named in `data`; a credit-limit change is logged."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    old_limit = customer.credit_limit
    if "credit_limit" in data:
        _check_credit_limit(data["credit_limit"])
    errors: FieldErrors = {}
    for field, value in data.items():
        if field == "payment_terms":
            terms = _payment_terms(data["payment_terms"], errors)
            if terms is not None:
                customer.payment_terms = terms
        elif field == "account_owner":
            customer.account_owner = _account_owner(data["account_owner"], errors)
        else:
            setattr(customer, field, value)
    if not data:
        return customer
    clean_or_raise(customer, errors, exclude=_CUSTOMER_REFERENCES)
    customer.save(update_fields=list(data))
    if "credit_limit" in data and customer.credit_limit != old_limit:
        _log_credit_limit(customer, old=old_limit, by=by)
    return customer


def _check_consent(contact: Contact, errors: FieldErrors) -> None:
    if contact.marketing_consent and not contact.consent_source:
        add_error(
            errors,
            "consent_source",
            _("Say where the marketing consent comes from (e.g. the signed form)."),
        )


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    first_name: str,
    last_name: str,
    buying_role: str,
    preferred_channels: Sequence[str],
    job_title: str = "",
    email: str = "",
    phone: str = "",
    preferred_depth: str = Depth.SUMMARY,
    topics: Sequence[str] = (),
    language: str = "de",
    marketing_consent: bool = False,
    consent_at: datetime.datetime | None = None,
    consent_source: str = "",
) -> Contact:
    """Add a person to the customer's decision network; consent is dated now unless given."""
    contact = Contact(
        customer=customer,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        email=email,
        phone=phone,
        buying_role=buying_role,
        preferred_channels=[str(channel) for channel in preferred_channels],
        preferred_depth=preferred_depth,
        topics=[str(topic) for topic in topics],
        language=language,
        marketing_consent=marketing_consent,
        consent_at=consent_at,
        consent_source=consent_source,
    )
    if marketing_consent and consent_at is None:
        contact.consent_at = timezone.now()
    errors: FieldErrors = {}
    _check_consent(contact, errors)
    clean_or_raise(contact, errors, exclude=["customer"])
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: ContactChanges) -> Contact:
    """Change only the fields named in `data`; giving consent dates it now unless dated."""
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    if not data:
        return contact
    had_consent = contact.marketing_consent
    for field, value in data.items():
        if isinstance(value, list | tuple):  # channels and topics: stored as plain strings
            value = [str(item) for item in value]
        setattr(contact, field, value)
    changed = set(data)
    if contact.marketing_consent and not had_consent and "consent_at" not in data:
        contact.consent_at = timezone.now()
        changed.add("consent_at")
    errors: FieldErrors = {}
    _check_consent(contact, errors)
    clean_or_raise(contact, errors, exclude=["customer"])
    contact.save(update_fields=sorted(changed))
    return contact
