"""/api/v1/customers and /api/v1/contacts: customers by their number, contacts by id."""

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from treue.core.models import User
from treue.core.roles import Perm
from treue.core.tokens import api_user, can

from . import selectors, services
from .models import Contact, Customer
from .schemas import (
    CUSTOMER_COLUMNS,
    ContactIn,
    ContactList,
    ContactOut,
    ContactPatch,
    CustomerFilters,
    CustomerIn,
    CustomerList,
    CustomerOut,
    CustomerPatch,
    Paging,
)
from .services import ContactChanges, CustomerChanges

customers_router = Router(tags=["customers"])
contacts_router = Router(tags=["contacts"])


def _customer_rows(customers: QuerySet[Customer]) -> list[dict[str, Any]]:
    # Plain rows rather than model instances: the list answers in a few milliseconds at 20k.
    return list(customers.values(*CUSTOMER_COLUMNS))


def _customer_row(number: str) -> dict[str, Any]:
    rows = _customer_rows(Customer.objects.filter(number=number))
    if not rows:
        raise Customer.DoesNotExist
    return rows[0]


def _owner_id(username: str) -> int | None:
    if not username:
        return None
    # An unknown owner matches no customer, as a filter should, instead of failing.
    return User.objects.filter(username=username).values_list("pk", flat=True).first() or 0


@customers_router.get(
    "", response=CustomerList, auth=can(Perm.CUSTOMER_VIEW), summary="List customers"
)
def customer_list(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    customers = selectors.customer_list(
        search=filters.search,
        owner_id=_owner_id(filters.owner),
        industry=filters.industry or "",
        country=filters.country or "",
        segment=filters.segment or "",
        status=filters.status or "",
        order="number",
    )
    page = customers[filters.offset : filters.offset + filters.limit]
    return {"count": customers.count(), "items": _customer_rows(page)}


@customers_router.post(
    "", response={201: CustomerOut}, auth=can(Perm.CUSTOMER_CHANGE), summary="Create a customer"
)
def customer_create(request: HttpRequest, payload: CustomerIn) -> dict[str, Any]:
    customer = services.customer_create(**payload.model_dump(), by=api_user(request))
    return _customer_row(customer.number)


@customers_router.get(
    "/{number}", response=CustomerOut, auth=can(Perm.CUSTOMER_VIEW), summary="Get a customer"
)
def customer_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _customer_row(number)


@customers_router.patch(
    "/{number}",
    response=CustomerOut,
    auth=can(Perm.CUSTOMER_CHANGE),
    summary="Change a customer; only the fields sent change",
)
def customer_update(request: HttpRequest, number: str, payload: CustomerPatch) -> dict[str, Any]:
    customer = selectors.customer_get(number=number)
    changes = cast(CustomerChanges, payload.model_dump(exclude_unset=True))
    services.customer_update(customer=customer, data=changes, by=api_user(request))
    return _customer_row(number)


@customers_router.get(
    "/{number}/contacts",
    response=ContactList,
    auth=can(Perm.CUSTOMER_VIEW),
    summary="List the customer's contacts",
)
def contact_list(request: HttpRequest, number: str, paging: Query[Paging]) -> dict[str, Any]:
    # A customer has dozens of contacts, not thousands: the page is cut from the full list.
    contacts = selectors.customer_contacts(customer=selectors.customer_get(number=number))
    return {"count": len(contacts), "items": contacts[paging.offset : paging.offset + paging.limit]}


@customers_router.post(
    "/{number}/contacts",
    response={201: ContactOut},
    auth=can(Perm.CONTACT_CHANGE),
    summary="Add a contact to the customer",
)
def contact_create(request: HttpRequest, number: str, payload: ContactIn) -> Contact:
    customer = selectors.customer_get(number=number)
    return services.contact_create(customer=customer, **payload.model_dump())


@contacts_router.get(
    "/{contact_id}", response=ContactOut, auth=can(Perm.CUSTOMER_VIEW), summary="Get a contact"
)
def contact_detail(request: HttpRequest, contact_id: int) -> Contact:
    return Contact.objects.select_related("customer").get(pk=contact_id)


@contacts_router.patch(
    "/{contact_id}",
    response=ContactOut,
    auth=can(Perm.CONTACT_CHANGE),
    summary="Change a contact; only the fields sent change",
)
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    contact = Contact.objects.get(pk=contact_id)
    changes = cast(ContactChanges, payload.model_dump(exclude_unset=True))
    return services.contact_update(contact=contact, data=changes)
