"""Posting deliveries: no more than was ordered, and no partial delivery without the customer's
agreement or a shipping lead's override."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.core.errors import BusinessRuleError
from treue.core.models import User
from treue.core.tests.factories import UserFactory
from treue.customers.models import Contact
from treue.customers.tests.factories import CustomerFactory
from treue.orders.models import Delivery, Order
from treue.orders.services import delivery_post, partial_delivery_agreement_record

pytestmark = pytest.mark.django_db

FULL = [
    {"line_no": 10, "quantity": Decimal(2)},
    {"line_no": 20, "quantity": Decimal(1)},
]


@pytest.fixture
def shipper() -> User:
    return UserFactory(username="versand", role="shipping")


@pytest.fixture
def shipping_lead() -> User:
    lead = UserFactory(username="versandleitung", role="shipping")
    department = lead.department
    department.head = lead
    department.save()
    return User.objects.select_related("department").get(pk=lead.pk)


def test_a_complete_delivery_ships_the_order(customer_world: dict, shipper: User) -> None:
    order: Order = customer_world["order"]

    delivery = delivery_post(order=order, lines=FULL, by=shipper)

    assert delivery.number == f"LS-{timezone.localdate().year}-00001"
    assert delivery.agreement is None
    assert delivery.override_reason == ""
    assert delivery.shipped_at is not None
    assert sorted(delivery.lines.values_list("order_line__position", "quantity")) == [
        (10, Decimal(2)),
        (20, Decimal(1)),
    ]
    order.refresh_from_db()
    assert order.status == "shipped"


def test_more_than_was_ordered_is_refused_and_nothing_is_written(
    customer_world: dict, shipper: User
) -> None:
    with pytest.raises(BusinessRuleError) as refused:
        delivery_post(
            order=customer_world["order"],
            lines=[{"line_no": 10, "quantity": Decimal(3)}, FULL[1]],
            by=shipper,
        )

    assert refused.value.code == "over_delivery"
    assert "Position 10" in refused.value.detail
    assert not Delivery.objects.exists()


def test_an_unknown_position_a_zero_quantity_and_a_taken_number_are_named(
    customer_world: dict, shipper: User
) -> None:
    delivery_post(order=customer_world["order"], lines=FULL, by=shipper, number="LS-1")

    with pytest.raises(ValidationError) as invalid:
        delivery_post(
            order=customer_world["order"],
            lines=[{"line_no": 30, "quantity": Decimal(1)}, {"line_no": 10, "quantity": 0}],
            by=shipper,
            number="LS-1",
        )

    assert set(invalid.value.message_dict) == {"number", "lines.0.line_no", "lines.1.quantity"}
    assert Delivery.objects.count() == 1


def test_a_partial_delivery_without_agreement_is_refused_and_the_customer_is_asked(
    customer_world: dict, shipper: User
) -> None:
    order = customer_world["order"]

    for _attempt in range(2):
        with pytest.raises(BusinessRuleError) as refused:
            delivery_post(order=order, lines=[FULL[0]], by=shipper)
        assert refused.value.code == "partial_delivery_not_agreed"

    assert not Delivery.objects.exists()
    (request,) = Communication.objects.all()
    assert request.type == "partial_delivery_request"
    assert request.contact == customer_world["contact"]
    assert "Position 10, Fräszentrum FZ 100: 2 von 2" in request.body
    (activity,) = Activity.objects.filter(subject__endswith=":partial-delivery")
    assert activity.owner == customer_world["owner"]
    assert "A-2024-0001" in activity.title


def test_with_the_customers_agreement_the_partial_delivery_is_posted(
    customer_world: dict, shipper: User
) -> None:
    order = customer_world["order"]
    with pytest.raises(BusinessRuleError):
        delivery_post(order=order, lines=[FULL[0]], by=shipper)

    agreement = partial_delivery_agreement_record(
        order=order,
        contact=customer_world["contact"],
        agreed_by="",
        agreed_at=timezone.now() - datetime.timedelta(hours=1),
        channel="phone",
        by=customer_world["owner"],
    )
    delivery = delivery_post(order=order, lines=[FULL[0]], by=shipper)

    assert agreement.agreed_by == "Jens Krüger"
    assert delivery.agreement == agreement
    order.refresh_from_db()
    assert order.status == "in_production"
    assert Activity.objects.get(subject__endswith=":partial-delivery").status == "done"
    # the rest completes the order, and needs no agreement
    delivery_post(order=order, lines=[FULL[1]], by=shipper)
    order.refresh_from_db()
    assert order.status == "shipped"


def test_a_shipping_lead_may_override_with_a_reason_but_a_shipper_may_not(
    customer_world: dict, shipper: User, shipping_lead: User
) -> None:
    order = customer_world["order"]

    with pytest.raises(ValidationError) as forbidden:
        delivery_post(
            order=order, lines=[FULL[0]], by=shipper, override_reason="Kunde wartet dringend"
        )
    delivery = delivery_post(
        order=order, lines=[FULL[0]], by=shipping_lead, override_reason="Kunde wartet dringend"
    )

    assert "override_reason" in forbidden.value.message_dict
    assert delivery.override_reason == "Kunde wartet dringend"
    assert delivery.posted_by == shipping_lead
    assert not Communication.objects.exists()


def test_an_agreement_names_who_agreed_and_a_contact_of_this_customer(
    customer_world: dict,
) -> None:
    other_customer_contact = Contact.objects.create(
        customer=CustomerFactory(number="K99999"), first_name="Eva", last_name="Fremd"
    )
    with pytest.raises(ValidationError) as invalid:
        partial_delivery_agreement_record(
            order=customer_world["order"],
            contact=other_customer_contact,
            agreed_by="",
            agreed_at=timezone.now() + datetime.timedelta(days=1),
            channel="phone",
            by=None,
        )

    assert {"contact", "agreed_at"} <= set(invalid.value.message_dict)


def test_a_cancelled_order_ships_nothing(customer_world: dict, shipper: User) -> None:
    Order.objects.filter(pk=customer_world["order"].pk).update(status="cancelled")

    with pytest.raises(BusinessRuleError) as refused:
        delivery_post(order=customer_world["order"], lines=FULL, by=shipper)

    assert refused.value.code == "order_closed"
