import datetime

import pytest
from django.core.exceptions import ValidationError

from treue.communications.models import Communication
from treue.core.errors import BusinessRuleError
from treue.orders.models import OrderLine, PromisedDateChange
from treue.orders.services import order_line_promised_date_change

pytestmark = pytest.mark.django_db

# The customer world's line 10 is promised for 2024-04-02.
TODAY = datetime.date(2024, 3, 25)


def line(world: dict, position: int = 10) -> OrderLine:
    return world["order"].lines.get(position=position)


def test_a_one_day_postponement_is_recorded_and_plans_a_delay_notice(
    customer_world: dict,
) -> None:
    change = order_line_promised_date_change(
        line=line(customer_world),
        new_date=datetime.date(2024, 4, 3),
        reason="Spindel kommt einen Tag später",
        by=customer_world["owner"],
        today=TODAY,
    )

    assert (change.old_date, change.new_date, change.notice_days) == (
        datetime.date(2024, 4, 2),
        datetime.date(2024, 4, 3),
        8,
    )
    assert not change.announced_late
    refreshed = line(customer_world)
    assert refreshed.promised_date == datetime.date(2024, 4, 3)
    assert refreshed.first_promised_date == datetime.date(2024, 4, 2)
    notice = Communication.objects.get()
    assert notice.type == "delay_notice"
    assert notice.contact == customer_world["contact"]
    assert notice.items[0]["days_later"] == 1
    assert "Spindel kommt einen Tag später" in notice.body
    token = customer_world["order"].tracking_token
    assert f"http://127.0.0.1:8000/track/A-2024-0001/{token}/" in notice.body


def test_moving_a_date_forward_is_recorded_without_a_delay_notice(customer_world: dict) -> None:
    order_line_promised_date_change(
        line=line(customer_world),
        new_date=datetime.date(2024, 3, 30),
        reason="Früher fertig",
        by=None,
        today=TODAY,
    )

    assert PromisedDateChange.objects.count() == 1
    assert Communication.objects.count() == 0


def test_a_postponement_told_after_the_old_date_had_passed_is_flagged_late(
    customer_world: dict,
) -> None:
    change = order_line_promised_date_change(
        line=line(customer_world),
        new_date=datetime.date(2024, 4, 10),
        reason="Prüfung nicht bestanden",
        by=None,
        today=datetime.date(2024, 4, 5),
    )

    assert change.notice_days == -3
    assert change.announced_late


@pytest.mark.parametrize(
    ("new_date", "reason", "fields"),
    [
        (datetime.date(2024, 3, 24), "zu spät", {"new_date"}),
        (datetime.date(2024, 4, 2), "gleich", {"new_date"}),
        (datetime.date(2024, 4, 9), "  ", {"reason"}),
    ],
)
def test_a_past_or_unchanged_date_or_no_reason_is_refused_and_changes_nothing(
    customer_world: dict, new_date: datetime.date, reason: str, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        order_line_promised_date_change(
            line=line(customer_world), new_date=new_date, reason=reason, by=None, today=TODAY
        )

    assert set(refused.value.message_dict) == fields
    assert line(customer_world).promised_date == datetime.date(2024, 4, 2)
    assert PromisedDateChange.objects.count() == 0
    assert Communication.objects.count() == 0


def test_a_completed_order_keeps_its_dates(customer_world: dict) -> None:
    order = customer_world["order"]
    order.status = "completed"
    order.save()

    with pytest.raises(BusinessRuleError) as refused:
        order_line_promised_date_change(
            line=line(customer_world),
            new_date=datetime.date(2024, 4, 9),
            reason="x",
            by=None,
            today=TODAY,
        )

    assert refused.value.code == "order_closed"
    assert PromisedDateChange.objects.count() == 0


def test_a_line_delivered_in_full_keeps_its_date(customer_world: dict) -> None:
    from treue.orders.models import Delivery, DeliveryLine

    delivered = line(customer_world)
    delivery = Delivery.objects.create(
        number="L-1", order=customer_world["order"], shipped_on=datetime.date(2024, 3, 20)
    )
    DeliveryLine.objects.create(delivery=delivery, order_line=delivered, quantity=2)

    with pytest.raises(BusinessRuleError) as refused:
        order_line_promised_date_change(
            line=delivered, new_date=datetime.date(2024, 4, 9), reason="x", by=None, today=TODAY
        )

    assert refused.value.code == "line_delivered"
    assert PromisedDateChange.objects.count() == 0
