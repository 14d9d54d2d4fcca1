import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from treue.customers.tests.factories import api_headers
from treue.orders.models import StageEvent
from treue.orders.selectors import order_tracking_url
from treue.orders.services import order_stage_event_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/A-2024-0001/stage-events"


def _at(hours_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours_ago)


def test_the_same_external_event_twice_is_recorded_once(customer_world: dict) -> None:
    order = customer_world["order"]

    first, created = order_stage_event_record(
        order=order, stage="manufacturing", occurred_at=_at(5), external_id="MES-4711"
    )
    again, created_again = order_stage_event_record(
        order=order, stage="manufacturing", occurred_at=_at(5), external_id="MES-4711"
    )

    assert (created, created_again) == (True, False)
    assert first == again
    assert StageEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("stage", "hours_ago", "field"),
    [("painting", 1, "stage"), ("assembly", -5, "occurred_at")],
)
def test_an_unknown_stage_or_a_future_event_is_refused(
    customer_world: dict, stage: str, hours_ago: int, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        order_stage_event_record(
            order=customer_world["order"], stage=stage, occurred_at=_at(hours_ago)
        )

    assert set(refused.value.message_dict) == {field}
    assert StageEvent.objects.count() == 0


def test_the_api_records_a_stage_and_the_customer_sees_it_on_the_tracking_page(
    client: Client, customer_world: dict
) -> None:
    headers = api_headers("production")
    payload = {"stage": "assembly", "occurred_at": _at(2).isoformat(), "external_id": "MES-1"}

    created = client.post(URL, payload, content_type="application/json", headers=headers)
    repeated = client.post(URL, payload, content_type="application/json", headers=headers)
    unknown = client.post(
        URL, {**payload, "stage": "x", "external_id": ""}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    tracking = client.get(
        order_tracking_url(order=customer_world["order"]).removeprefix("http://127.0.0.1:8000")
    ).content.decode()

    assert (created.status_code, repeated.status_code, unknown.status_code) == (201, 200, 422)
    assert created.json()["created"] is True
    assert repeated.json()["created"] is False
    assert "<strong>Status:</strong> Montage" in tracking
    assert StageEvent.objects.count() == 1


def test_the_order_page_shows_the_timeline(client: Client, customer_world: dict) -> None:
    from treue.core.tests.factories import UserFactory

    order_stage_event_record(order=customer_world["order"], stage="received", occurred_at=_at(48))
    order_stage_event_record(order=customer_world["order"], stage="engineering", occurred_at=_at(2))
    client.force_login(UserFactory(username="planner", role="production"))

    body = client.get("/orders/A-2024-0001/").content.decode()

    assert body.index("Auftrag eingegangen") < body.index("Konstruktion")
