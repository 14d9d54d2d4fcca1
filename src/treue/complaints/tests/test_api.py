import json
from typing import Any

import pytest
from django.test import Client

from treue.complaints.models import Complaint
from treue.customers.tests.factories import CustomerFactory, api_headers
from treue.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: object, role: str = "quality") -> Any:
    return client.post(
        url, json.dumps(data), content_type="application/json", headers=api_headers(role)
    )


def new(**fields: object) -> dict[str, object]:
    return {
        "customer": "K10001",
        "order": "A-2024-0001",
        "category": "quality_defect",
        "severity": "high",
        "description": "Spindel läuft unrund",
        **fields,
    }


def test_a_complaint_filed_through_the_api_answers_with_its_number_and_sla(
    client: Client, customer_world: dict
) -> None:
    created = post(client, "/api/v1/complaints", new(), role="sales")
    number = created.json()["number"]
    detail = client.get(f"/api/v1/complaints/{number}", headers=api_headers("sales"))

    assert created.status_code == 201
    assert number.startswith("R-")
    body = detail.json()
    assert (body["status"], body["order"], body["source"]) == ("new", "A-2024-0001", "api")
    assert [entry["target"] for entry in body["sla"]] == ["acknowledge", "propose", "resolve"]
    first = body["sla"][0]
    assert set(first) == {
        "target",
        "due_at",
        "remaining_business_minutes",
        "paused",
        "breached",
        "met_at",
    }
    assert first["paused"] is False


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"customer": "K99999"}, "customer"),
        ({"order": "A-9999"}, "order"),
        ({"category": "weather"}, "category"),
        ({"description": ""}, "description"),
    ],
)
def test_a_wrong_complaint_answers_422_and_files_nothing(
    client: Client, customer_world: dict, fields: dict, loc: str
) -> None:
    response = post(client, "/api/v1/complaints", new(**fields))

    assert response.status_code == 422
    assert loc in {error["loc"][-1] for error in response.json()["detail"]}
    assert Complaint.objects.count() == 0


def test_an_order_of_another_customer_answers_422(client: Client, customer_world: dict) -> None:
    OrderFactory(number="A-OTHER", customer=CustomerFactory(number="K20002"))

    response = post(client, "/api/v1/complaints", new(order="A-OTHER"))

    assert response.status_code == 422
    assert Complaint.objects.count() == 0


def test_transitions_move_it_and_a_jump_or_missing_field_answers_409(
    client: Client, customer_world: dict
) -> None:
    number = post(client, "/api/v1/complaints", new()).json()["number"]
    url = f"/api/v1/complaints/{number}/transitions"

    jump = post(client, url, {"to": "closed"})
    acknowledged = post(client, url, {"to": "acknowledged"})
    post(client, url, {"to": "analysis"})
    incomplete = post(client, url, {"to": "solution_proposed"})
    proposed = post(client, url, {"to": "solution_proposed", "solution": "Spindel tauschen"})

    assert (jump.status_code, jump.json()["code"]) == (409, "transition_not_allowed")
    assert acknowledged.json()["status"] == "acknowledged"
    assert (incomplete.status_code, incomplete.json()["code"]) == (409, "requirements_missing")
    assert proposed.status_code == 200
    body = proposed.json()
    assert body["status"] == "solution_proposed"
    # Waiting for the customer's agreement: the clocks not met yet are paused.
    assert [s["paused"] for s in body["sla"]] == [False, False, True]


def test_a_patch_with_a_stale_version_answers_409_and_changes_nothing(
    client: Client, customer_world: dict
) -> None:
    number = post(client, "/api/v1/complaints", new()).json()["number"]
    url = f"/api/v1/complaints/{number}"
    read = client.get(url, headers=api_headers("quality")).json()["version"]
    patch = {"content_type": "application/json", "headers": api_headers("quality")}

    first = client.patch(url, json.dumps({"version": read, "severity": "critical"}), **patch)
    second = client.patch(url, json.dumps({"version": read, "severity": "low"}), **patch)

    assert first.status_code == 200
    assert (second.status_code, second.json()["code"]) == (409, "changed_meanwhile")
    assert Complaint.objects.get().severity == "critical"


def test_a_comment_joins_the_timeline(client: Client, customer_world: dict) -> None:
    number = post(client, "/api/v1/complaints", new()).json()["number"]

    response = post(
        client, f"/api/v1/complaints/{number}/comments", {"text": "Muster ist unterwegs"}, "sales"
    )

    assert response.status_code == 201
    assert response.json()["text"] == "Muster ist unterwegs"


def test_photos_are_added_through_the_api_and_a_lying_file_answers_422(
    client: Client, customer_world: dict, settings, tmp_path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    number = post(client, "/api/v1/complaints", new()).json()["number"]
    url = f"/api/v1/complaints/{number}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    headers = api_headers("quality")

    added = client.post(
        url, {"files": [SimpleUploadedFile("riss.png", png, "image/png")]}, headers=headers
    )
    lying = client.post(
        url, {"files": [SimpleUploadedFile("riss.pdf", png, "application/pdf")]}, headers=headers
    )
    (attachment,) = added.json()["attachments"]
    download = client.get(f"{url}/{attachment['id']}", headers=headers)

    assert added.status_code == 201
    assert (attachment["name"], attachment["content_type"]) == ("riss.png", "image/png")
    assert lying.status_code == 422
    assert (
        len(client.get(f"/api/v1/complaints/{number}", headers=headers).json()["attachments"]) == 1
    )
    assert b"".join(download.streaming_content) == png
