import datetime

import pytest
from django.test import Client
from django.utils import timezone

from treue.complaints.models import Complaint, ComplaintEvent
from treue.complaints.services import complaint_create
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality_client(client: Client) -> Client:
    client.force_login(UserFactory(username="qm", role="quality"))
    return client


def file(world: dict, **fields: object) -> Complaint:
    values = {
        "customer": world["customer"],
        "contact": world["contact"],
        "category": "packaging",
        "severity": "medium",
        "description": "Karton eingedrückt",
        "by": None,
        **fields,
    }
    return complaint_create(**values)  # type: ignore[arg-type]


def test_the_queue_shows_the_most_urgent_complaint_first(
    quality_client: Client, customer_world: dict
) -> None:
    later = file(customer_world, severity="low")
    urgent = file(customer_world, severity="critical")

    page = quality_client.get("/complaints/").content.decode()

    assert page.index(urgent.number) < page.index(later.number)


def test_an_empty_queue_says_so(quality_client: Client, customer_world: dict) -> None:
    page = quality_client.get("/complaints/").content.decode()

    assert "Keine offenen Reklamationen" in page


def test_staff_file_a_complaint_by_the_numbers_on_paper(
    quality_client: Client, customer_world: dict
) -> None:
    response = quality_client.post(
        "/complaints/new/",
        {
            "customer": "K10001",
            "contact": customer_world["contact"].pk,
            "order": "A-2024-0001",
            "category": "transport_damage",
            "severity": "high",
            "description": "Palette beim Transport umgekippt",
        },
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{complaint.number}/"
    assert (complaint.order.number, complaint.source, complaint.policy.name) == (
        "A-2024-0001",
        "staff",
        "Hoch",
    )


def test_an_unknown_order_number_is_named_and_nothing_is_filed(
    quality_client: Client, customer_world: dict
) -> None:
    response = quality_client.post(
        "/complaints/new/",
        {
            "customer": "K10001",
            "order": "A-0000",
            "category": "packaging",
            "severity": "low",
            "description": "x",
        },
    )

    assert response.status_code == 422
    assert "A-0000" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_quality_walks_a_complaint_through_the_page_and_a_missing_solution_is_told(
    quality_client: Client, customer_world: dict
) -> None:
    complaint = file(customer_world)
    url = f"/complaints/{complaint.number}/"
    for to in ("acknowledged", "analysis"):
        complaint.refresh_from_db()
        quality_client.post(f"{url}transition/", {"to": to, "version": complaint.version})
    complaint.refresh_from_db()

    refused = quality_client.post(
        f"{url}transition/", {"to": "solution_proposed", "version": complaint.version}, follow=True
    )

    assert "Lösung" in refused.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "analysis"
    detail = quality_client.get(url).content.decode()
    assert "Eingang bestätigt" in detail  # the timeline shows the steps


def test_a_save_on_a_page_loaded_before_someone_elses_change_is_refused(
    quality_client: Client, customer_world: dict
) -> None:
    complaint = file(customer_world)
    stale = complaint.version
    Complaint.objects.filter(pk=complaint.pk).update(version=stale + 1)

    response = quality_client.post(
        f"/complaints/{complaint.number}/save/",
        {"severity": "critical", "category": "packaging", "version": stale},
        follow=True,
    )

    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.severity == "medium"


def test_someone_outside_quality_and_the_responsible_department_cannot_work_on_it(
    client: Client, customer_world: dict
) -> None:
    complaint = file(customer_world)
    client.force_login(UserFactory(username="prod", role="production"))

    detail = client.get(f"/complaints/{complaint.number}/")
    step = client.post(
        f"/complaints/{complaint.number}/transition/",
        {"to": "acknowledged", "version": complaint.version},
    )
    comment = client.post(f"/complaints/{complaint.number}/comment/", {"text": "Wir prüfen"})

    assert detail.status_code == 200
    assert "Nächster Schritt" not in detail.content.decode()
    assert step.status_code == 403
    assert comment.status_code == 302  # everybody may comment
    complaint.refresh_from_db()
    assert complaint.status == "new"
    assert ComplaintEvent.objects.filter(kind="comment", note="Wir prüfen").exists()


def test_the_owner_from_another_department_may_work_on_it(
    client: Client, customer_world: dict
) -> None:
    owner = UserFactory(username="prod", role="production")
    complaint = file(customer_world, owner=owner)
    client.force_login(owner)

    client.post(
        f"/complaints/{complaint.number}/transition/",
        {"to": "acknowledged", "version": complaint.version},
    )

    complaint.refresh_from_db()
    assert complaint.status == "acknowledged"
    assert complaint.acknowledged_at is not None
    assert complaint.acknowledged_at <= timezone.now() + datetime.timedelta(seconds=1)


def test_the_figures_count_complaints_per_100_deliveries_and_the_service_levels(
    quality_client: Client, customer_world: dict
) -> None:
    from treue.complaints.services import complaint_transition
    from treue.orders.models import Delivery

    Delivery.objects.create(
        number="L-1", order=customer_world["order"], shipped_on=timezone.localdate()
    )
    complaint = file(customer_world)
    complaint_transition(complaint=complaint, to="acknowledged", by=None)

    page = quality_client.get("/complaints/figures/").content.decode()
    customer = quality_client.get("/customers/K10001/").content.decode()

    assert 'id="complaints-per-100">100,0<' in page  # one complaint, one delivery
    assert "by-department" in page
    assert 'id="complaint-figures"' in customer


def test_the_figures_say_when_there_is_nothing_to_count(
    quality_client: Client, customer_world: dict
) -> None:
    page = quality_client.get("/complaints/figures/").content.decode()

    assert "In den letzten 12 Monaten ist keine Reklamation eingegangen." in page


def test_the_status_report_lists_who_moved_which_complaint_from_where_to_where(
    quality_client: Client, customer_world: dict
) -> None:
    from treue.complaints.services import complaint_transition

    complaint = file(customer_world)
    complaint_transition(
        complaint=complaint,
        to="acknowledged",
        by=UserFactory(username="cr", first_name="Claudia", last_name="Richter"),
    )

    page = quality_client.get("/complaints/status-changes/").content.decode()
    refused = quality_client.get("/complaints/status-changes/?since=2026-02-01&until=2026-01-01")

    assert complaint.number in page
    assert "Claudia Richter" in page
    assert "Neu" in page
    assert "Eingang bestätigt" in page
    assert refused.status_code == 422
