"""A customer files a complaint with a photo from the tracking page; the acknowledgement arrives;
quality staff walk it through the workflow while an SLA about to break raises an activity; the
closing asks the customer for satisfaction, and the figures count the complaint."""

import datetime
import re
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from treue.communications.services import communication_deliver_due
from treue.complaints import sla
from treue.complaints.models import Complaint
from treue.complaints.services import complaints_escalate
from treue.core.tests.factories import UserFactory
from treue.customers.models import Contact

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _mails(smtp_server) -> list[tuple[str, str, str]]:
    """(recipient, subject, body) of what arrived so far."""
    mails = []
    for envelope in smtp_server.messages:
        mail = message_from_bytes(envelope.original_content)
        mails.append(
            (
                envelope.rcpt_tos[0],
                str(make_header(decode_header(mail["Subject"]))),
                mail.get_payload(decode=True).decode(),
            )
        )
    return mails


def _deliver(smtp_server) -> list[tuple[str, str, str]]:
    communication_deliver_due(now=timezone.now() + datetime.timedelta(minutes=2))
    return _mails(smtp_server)


def test_a_complaint_from_the_tracking_page_to_the_customers_satisfaction(
    browser_page,
    chromium_browser,
    live_server,
    customer_world: dict,
    smtp_server,
    settings,
    tmp_path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    Contact.objects.filter(pk=customer_world["contact"].pk).update(preferred_channels=["email"])
    quality = UserFactory(username="qm", role="quality", first_name="Claudia", last_name="Richter")
    quality.department.head = quality
    quality.department.save()
    order = customer_world["order"]

    # The customer, without an account, files a complaint with a photo from the tracking page
    customer = chromium_browser.new_context(base_url=live_server.url, locale="de-DE")
    visitor = customer.new_page()
    visitor.goto(f"/track/{order.number}/{order.tracking_token}/")
    visitor.get_by_role(
        "link", name="Stimmt etwas nicht mit diesem Auftrag? Sagen Sie es uns."
    ).click()
    visitor.get_by_label("Ihre E-Mail-Adresse").fill("jens.krueger@bergmann.example")
    visitor.get_by_label("Worum geht es?").select_option("quality_defect")
    visitor.get_by_label("Was ist nicht in Ordnung?").fill("Riss im Gehäuse der Spindel.")
    visitor.set_input_files(
        "input[type=file]", files=[{"name": "riss.png", "mimeType": "image/png", "buffer": PNG}]
    )
    visitor.get_by_role("button", name="Reklamation senden").click()
    visitor.locator("text=Ihre Reklamation hat die Nummer").wait_for()
    complaint = Complaint.objects.get()
    assert complaint.number in visitor.locator("main").inner_text()
    assert complaint.attachments.get().name == "riss.png"

    # ... and the acknowledgement arrives in the contact's mailbox
    ((to, subject, body),) = _deliver(smtp_server)
    assert (to, subject) == (
        "jens.krueger@bergmann.example",
        f"Ihre Reklamation {complaint.number}",
    )
    assert "Wir haben sie erhalten" in body

    # Three quarters of the time to acknowledge pass (time controlled): quality is reminded
    minutes = complaint.policy.acknowledge_minutes
    late = sla.site_calendar().add_minutes(complaint.received_at, 0.8 * minutes)
    assert complaints_escalate(now=late).warnings == 1

    page = browser_page
    page.goto("/login/")
    page.get_by_label("Benutzername").fill("qm")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    page.goto("/activities/")
    assert f"Reklamation {complaint.number}: 75 % der Frist" in page.locator("main").inner_text()

    # Quality walks it through the workflow from the queue
    page.goto("/complaints/")
    page.get_by_role("link", name=complaint.number).click()
    assert "riss.png" in page.locator("main").inner_text()
    for step in ("Eingang bestätigt", "Analyse"):
        page.get_by_role("button", name=step, exact=True).click()
        page.locator(".messages").wait_for()
    # Proposing without a solution is refused with the reason
    page.get_by_role("button", name="Lösung vorgeschlagen", exact=True).click()
    assert "fehlt der Reklamation noch" in page.locator(".messages").inner_text()
    page.get_by_label("Dem Kunden vorgeschlagene Lösung").fill("Wir tauschen die Spindel.")
    page.get_by_label("Grundursache").fill("Gussfehler im Gehäuse vom Zulieferer.")
    page.get_by_label("Ursachenkategorie").select_option("purchased_component")
    page.get_by_label("Lieferant").fill("Guss AG")
    page.get_by_label("Korrekturmaßnahme").fill("Röntgenprüfung im Wareneingang.")
    page.get_by_role("button", name="Speichern").click()
    page.locator("text=Gespeichert.").wait_for()
    for step in ("Lösung vorgeschlagen", "Lösung vereinbart", "Umgesetzt", "Abgeschlossen"):
        page.get_by_role("button", name=step, exact=True).click()
        page.locator(".messages").wait_for()
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert "Abgeschlossen" in page.locator("h1").inner_text()

    # Closing asks the customer for satisfaction, by link without login
    closing = [m for m in _deliver(smtp_server) if "abgeschlossen" in m[2]]
    assert closing
    link = re.search(r"https?://[^/\s]+(/feedback/\S+/)", closing[-1][2])
    assert link is not None
    visitor.goto(link.group(1))
    visitor.check("input[name=score][value='4']")
    visitor.get_by_role("button", name="Senden").click()
    visitor.locator("text=Vielen Dank").wait_for()
    customer.close()
    complaint.refresh_from_db()
    assert complaint.satisfaction_score == 4

    # The figures count it, with the answer and the supplier for purchasing
    page.goto("/complaints/figures/")
    text = page.locator("main").inner_text()
    assert "(1 Reklamation)" in text
    assert "Guss AG" in text
    assert "4,0" in text
