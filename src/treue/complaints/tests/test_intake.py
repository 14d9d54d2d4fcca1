"""The customer's way in from the tracking page, and photos and PDFs checked by what they are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from treue.communications.models import Communication
from treue.complaints.models import Complaint, ComplaintAttachment
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def url(world: dict) -> str:
    order = world["order"]
    return f"/track/{order.number}/{order.tracking_token}/complaint/"


def form(**fields: object) -> dict[str, object]:
    return {
        "email": "JENS.KRUEGER@bergmann.example",
        "category": "transport_damage",
        "description": "Gehäuse beim Transport verbeult",
        **fields,
    }


def test_a_customer_files_a_complaint_with_a_photo_from_the_tracking_page(
    client: Client, customer_world: dict
) -> None:
    photo = SimpleUploadedFile("schaden.png", PNG, content_type="image/png")

    response = client.post(url(customer_world), form(attachments=[photo]))

    assert response.status_code == 201
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"  # the token stays on the site
    complaint = Complaint.objects.get()
    assert complaint.number in response.content.decode()
    assert (complaint.source, complaint.contact, complaint.order) == (
        "tracking",
        customer_world["contact"],
        customer_world["order"],
    )
    (attachment,) = complaint.attachments.all()
    assert (attachment.name, attachment.content_type) == ("schaden.png", "image/png")
    assert attachment.file.read() == PNG
    assert Communication.objects.filter(type="complaint_update", contact=customer_world["contact"])


def test_a_stopped_production_makes_it_critical(client: Client, customer_world: dict) -> None:
    client.post(url(customer_world), form(production_stopped="on"))

    assert Complaint.objects.get().severity == "critical"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "says"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/octet-stream", "kein Foto"),
        ("foto.png", PDF, "image/png", "etwas anderes"),  # a PDF that claims to be a photo
        ("bericht.pdf", PNG, "application/pdf", "etwas anderes"),
    ],
)
def test_a_forbidden_or_lying_file_is_refused_and_nothing_is_filed(
    client: Client, customer_world: dict, name: str, content: bytes, content_type: str, says: str
) -> None:
    upload = SimpleUploadedFile(name, content, content_type=content_type)

    response = client.post(url(customer_world), form(attachments=[upload]))

    assert response.status_code == 422
    assert says in response.content.decode()
    assert Complaint.objects.count() == 0
    assert ComplaintAttachment.objects.count() == 0


def test_a_file_too_large_is_refused(client: Client, customer_world: dict, settings) -> None:
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 50
    upload = SimpleUploadedFile("gross.png", PNG, content_type="image/png")

    response = client.post(url(customer_world), form(attachments=[upload]))

    assert response.status_code == 422
    assert Complaint.objects.count() == 0


def test_a_forged_token_answers_404_and_files_nothing(client: Client, customer_world: dict) -> None:
    order = customer_world["order"]

    response = client.post(f"/track/{order.number}/forged/complaint/", form())

    assert response.status_code == 404
    assert Complaint.objects.count() == 0


def test_an_attachment_is_served_only_to_staff_and_a_forged_id_answers_404(
    client: Client, customer_world: dict
) -> None:
    client.post(
        url(customer_world),
        form(attachments=[SimpleUploadedFile("schaden.png", PNG, content_type="image/png")]),
    )
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    path = f"/complaints/{complaint.number}/attachments/{attachment.pk}/"

    anonymous = client.get(path)
    client.force_login(UserFactory(username="acc", role="accounting"))
    staff = client.get(path)
    forged = client.get(f"/complaints/R-1999-00001/attachments/{attachment.pk}/")

    assert anonymous.status_code == 302  # to the login
    assert staff.status_code == 200
    assert b"".join(staff.streaming_content) == PNG
    assert forged.status_code == 404
