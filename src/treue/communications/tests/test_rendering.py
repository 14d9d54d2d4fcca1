import pytest
from django.test import Client

from treue.communications.admin import CommunicationTemplateForm
from treue.communications.models import CommunicationTemplate
from treue.communications.rendering import render
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEM = {"key": "k", "line_no": 10, "product": "Spindel", "old_date": "2026-03-02",
        "new_date": "2026-03-03", "reason": "Zulieferer"}  # fmt: skip


def _render(**kwargs: str):
    variant = {"type": "delay_notice", "channel": "email", "depth": "summary", "language": "de"}
    return render(**{**variant, **kwargs}, context={"order": None, "items": [ITEM]})


def test_the_admins_template_replaces_the_built_in_text() -> None:
    CommunicationTemplate.objects.create(
        type="delay_notice",
        channel="email",
        depth="summary",
        language="de",
        subject="Termin {{ items.0.new_date|date:'d.m.' }}",
        body="Neu: {% for i in items %}{{ i.product }}{% endfor %}",
    )

    rendered = _render()

    assert rendered.subject == "Termin 03.03."
    assert rendered.body == "Neu: Spindel\n"


def test_a_letter_without_its_own_template_uses_the_e_mail_text() -> None:
    assert _render(channel="letter").body == _render(channel="email").body


def test_a_phone_call_gets_talking_points_in_the_contacts_language() -> None:
    rendered = _render(channel="phone", language="en")

    assert rendered.subject.startswith("New delivery date for your order")
    assert "now on 3 March 2026 instead of 2 March 2026" in rendered.body


def test_a_template_with_a_syntax_error_is_refused_with_a_field_message() -> None:
    form = CommunicationTemplateForm(
        data={
            "type": "delay_notice",
            "channel": "email",
            "depth": "summary",
            "language": "de",
            "subject": "Termin",
            "body": "{% for i in items %}unclosed",
        }
    )

    assert not form.is_valid()
    assert "body" in form.errors
    assert CommunicationTemplate.objects.count() == 0


def test_the_admin_shows_a_preview_with_sample_data(client: Client) -> None:
    template = CommunicationTemplate.objects.create(
        type="delay_notice",
        channel="email",
        depth="summary",
        language="de",
        subject="Auftrag {{ order.number }}",
        body="{{ contact.first_name }}: {{ items.0.reason }}",
    )
    client.force_login(UserFactory(username="root", role="admin", is_staff=True, is_superuser=True))

    body = client.get(
        f"/admin/communications/communicationtemplate/{template.pk}/change/"
    ).content.decode()

    assert "Auftrag A-2026-0001" in body
    assert "Erika: Lieferverzug eines Zulieferers" in body
