import datetime

import pytest
from django.core.exceptions import ValidationError

from treue.communications.models import Communication
from treue.core.errors import BusinessRuleError
from treue.orders.models import OrderLine, PromisedDateChange
from treue.orders.services import order_line_promised_date_change, order_lines_promised_date_change

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


def test_a_replanning_moves_many_lines_and_tells_each_recipient_once_per_order(
    customer_world: dict,
) -> None:
    changes = order_lines_promised_date_change(
        changes=[
            (line(customer_world, 10), datetime.date(2024, 4, 5)),
            (line(customer_world, 20), datetime.date(2024, 4, 25)),
        ],
        reason="Härterei ausgefallen",
        by=customer_world["owner"],
        today=TODAY,
    )

    assert [(c.order_line.position, c.new_date, c.source) for c in changes] == [
        (10, datetime.date(2024, 4, 5), "import"),
        (20, datetime.date(2024, 4, 25), "import"),
    ]
    assert line(customer_world, 10).promised_date == datetime.date(2024, 4, 5)
    assert line(customer_world, 20).promised_date == datetime.date(2024, 4, 25)
    notice = Communication.objects.get()  # one recipient, one order: one notice for both lines
    assert [item["line_no"] for item in notice.items] == [10, 20]
    assert notice.body.count("Härterei ausgefallen") >= 1


def test_a_replanning_joins_the_notice_that_still_waits(customer_world: dict) -> None:
    order_line_promised_date_change(
        line=line(customer_world, 10),
        new_date=datetime.date(2024, 4, 5),
        reason="Spindel",
        by=None,
        today=TODAY,
    )
    order_lines_promised_date_change(
        changes=[(line(customer_world, 20), datetime.date(2024, 4, 25))],
        reason="Härterei",
        by=None,
        today=TODAY,
    )

    notice = Communication.objects.get()
    assert [item["line_no"] for item in notice.items] == [10, 20]
    assert "Spindel" in notice.body
    assert "Härterei" in notice.body


def test_a_replanning_with_one_bad_line_names_it_and_moves_none(customer_world: dict) -> None:
    with pytest.raises(ValidationError) as refused:
        order_lines_promised_date_change(
            changes=[
                (line(customer_world, 10), datetime.date(2024, 4, 5)),
                (line(customer_world, 20), datetime.date(2024, 3, 1)),
            ],
            reason="Härterei",
            by=None,
            today=TODAY,
        )

    (message,) = refused.value.message_dict["changes"]
    assert message.startswith("A-2024-0001 Position 20: ")
    assert "in der Vergangenheit" in message
    assert line(customer_world, 10).promised_date == datetime.date(2024, 4, 2)
    assert PromisedDateChange.objects.count() == 0
    assert Communication.objects.count() == 0


def test_a_replanning_refuses_a_line_given_twice_with_different_dates(customer_world: dict) -> None:
    with pytest.raises(ValidationError) as refused:
        order_lines_promised_date_change(
            changes=[
                (line(customer_world, 10), datetime.date(2024, 4, 5)),
                (line(customer_world, 10), datetime.date(2024, 4, 6)),
            ],
            reason="Härterei",
            by=None,
            today=TODAY,
        )

    assert "zwei verschiedene neue Termine" in refused.value.message_dict["changes"][0]
    assert PromisedDateChange.objects.count() == 0


def test_a_replanning_of_a_completed_order_is_refused_by_number(customer_world: dict) -> None:
    order = customer_world["order"]
    order.status = "completed"
    order.save()

    with pytest.raises(ValidationError) as refused:
        order_lines_promised_date_change(
            changes=[(line(customer_world, 10), datetime.date(2024, 4, 5))],
            reason="x",
            by=None,
            today=TODAY,
        )

    assert "A-2024-0001 Position 10: " in refused.value.message_dict["changes"][0]
    assert PromisedDateChange.objects.count() == 0
