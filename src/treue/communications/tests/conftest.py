import datetime
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Mailbox:
    """An SMTP server on localhost that keeps what it accepted and can refuse recipients."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def delay_item() -> dict[str, object]:
    return {
        "key": "promised-date-change:1",
        "line_no": 10,
        "article_number": "M-100",
        "product": "Fräszentrum FZ 100",
        "quantity": "2",
        "old_date": "2024-04-02",
        "new_date": "2024-04-03",
        "days_later": 1,
        "reason": "Lieferung der Spindel verzögert",
    }


@pytest.fixture
def later() -> datetime.datetime:
    """A moment after every wait of a plan made now."""
    return datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=5)
