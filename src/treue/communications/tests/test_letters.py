import io

import pytest
from django.test import Client
from pypdf import PdfReader

from treue.communications.models import Communication, CommunicationStatus, CommunicationType
from treue.communications.services import communication_plan
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(customer_world: dict, delay_item: dict) -> Communication:
    (planned,) = communication_plan(
        type=CommunicationType.DELAY_NOTICE,
        customer=customer_world["customer"],
        order=customer_world["order"],
        items=[delay_item],
    )
    assert planned.channel == "letter"
    return planned


def test_the_print_queue_lists_the_letter_and_its_pdf_reads_as_the_notice(
    client: Client, letter: Communication, django_assert_max_num_queries
) -> None:
    client.force_login(UserFactory(username="rep2", role="sales"))

    with django_assert_max_num_queries(6):
        queue = client.get("/communications/letters/").content.decode()
    pdf = client.get(f"/communications/letters/{letter.pk}/pdf/")

    assert "Neuer Liefertermin für Ihren Auftrag A-2024-0001" in queue
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Bergmann Antriebstechnik GmbH" in text
    assert "Jens Krüger" in text
    assert "Hauptstr. 1" in text
    assert "70173 Stuttgart" in text
    assert "neu am 03.04.2024 statt am 02.04.2024" in text
    assert "Muster Maschinenbau GmbH" in text


def test_a_printed_letter_leaves_the_queue_as_sent(client: Client, letter: Communication) -> None:
    client.force_login(UserFactory(username="rep2", role="sales"))

    response = client.post(f"/communications/letters/{letter.pk}/printed/")
    queue = client.get("/communications/letters/").content.decode()

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == CommunicationStatus.SENT
    assert "Keine Briefe warten auf den Druck." in queue


def test_who_keeps_no_correspondence_cannot_print_letters(
    client: Client, letter: Communication
) -> None:
    client.force_login(UserFactory(username="planner", role="production"))

    assert client.get("/communications/letters/").status_code == 403
    assert client.get(f"/communications/letters/{letter.pk}/pdf/").status_code == 403
    assert client.post(f"/communications/letters/{letter.pk}/printed/").status_code == 403
    letter.refresh_from_db()
    assert letter.status == CommunicationStatus.PLANNED
