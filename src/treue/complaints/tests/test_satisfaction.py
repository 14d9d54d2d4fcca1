import pytest
from django.test import Client

from treue.complaints.models import Complaint
from treue.complaints.services import complaint_create
from treue.complaints.tests.factories import walk

pytestmark = pytest.mark.django_db


def closed(world: dict) -> Complaint:
    complaint = complaint_create(
        customer=world["customer"],
        contact=world["contact"],
        category="packaging",
        severity="low",
        description="Karton eingedrückt",
        by=None,
    )
    return walk(complaint, until="closed")


def test_the_customer_answers_the_one_question_by_link_without_login(
    client: Client, customer_world: dict
) -> None:
    complaint = closed(customer_world)
    url = f"/feedback/{complaint.number}/{complaint.satisfaction_token}/"

    page = client.get(url)
    answered = client.post(url, {"score": "4", "comment": "Schnell gelöst"})

    assert page.status_code == 200
    assert answered.status_code == 200
    assert "Vielen Dank" in answered.content.decode()
    complaint.refresh_from_db()
    assert (complaint.satisfaction_score, complaint.satisfaction_comment) == (4, "Schnell gelöst")


@pytest.mark.parametrize("score", ["0", "6", "gut", ""])
def test_a_score_outside_1_to_5_is_refused(
    client: Client, customer_world: dict, score: str
) -> None:
    complaint = closed(customer_world)

    response = client.post(
        f"/feedback/{complaint.number}/{complaint.satisfaction_token}/", {"score": score}
    )

    assert response.status_code == 422
    complaint.refresh_from_db()
    assert complaint.satisfaction_score is None


def test_a_forged_token_or_number_answers_404(client: Client, customer_world: dict) -> None:
    complaint = closed(customer_world)

    assert client.get(f"/feedback/{complaint.number}/forged/").status_code == 404
    assert client.get(f"/feedback/R-1999-00001/{complaint.satisfaction_token}/").status_code == 404
    assert client.post(f"/feedback/{complaint.number}/forged/", {"score": "1"}).status_code == 404
