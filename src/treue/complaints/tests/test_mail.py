"""Complaints by e-mail from a Maildir folder into drafts."""

import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.complaints.mail import complaints_from_mailbox
from treue.complaints.models import Complaint
from treue.complaints.services import complaint_confirm
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def maildir(tmp_path: Path) -> mailbox.Maildir:
    return mailbox.Maildir(tmp_path / "complaints", create=True)


def mail(sender: str, subject: str, text: str, *, message_id: str = "<m1@bergmann>") -> bytes:
    message = EmailMessage()
    message["From"] = f"Jens Krüger <{sender}>"
    message["To"] = "reklamation@muster.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 09 Mar 2026 09:30:00 +0100"
    message.set_content(text)
    message.add_attachment(PNG, maintype="image", subtype="png", filename="riss.png")
    message.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="tool.exe"
    )
    return message.as_bytes()


def test_a_mail_from_a_contact_becomes_a_draft_with_its_photo_and_order(
    maildir: mailbox.Maildir, customer_world: dict
) -> None:
    maildir.add(
        mail("jens.krueger@bergmann.example", "Riss im Gehäuse, A-2024-0001", "Siehe Foto.")
    )

    result = complaints_from_mailbox(source=f"maildir:{maildir._path}")

    assert result.drafts == 1
    complaint = Complaint.objects.get()
    assert complaint.is_draft
    assert (complaint.source, complaint.contact, complaint.order) == (
        "email",
        customer_world["contact"],
        customer_world["order"],
    )
    assert "Riss im Gehäuse" in complaint.description
    assert [a.name for a in complaint.attachments.all()] == ["riss.png"]
    assert complaint.events.filter(kind="comment", note__contains="tool.exe").exists()
    assert complaint.next_due_at is None  # no clock runs for a draft
    assert not Communication.objects.exists()  # nor is the customer told yet
    assert all("S" in m.get_flags() for m in maildir)  # read, not deleted
    assert len(maildir) == 1


def test_the_same_mail_read_twice_files_one_complaint(
    maildir: mailbox.Maildir, customer_world: dict
) -> None:
    raw = mail("jens.krueger@bergmann.example", "Riss", "x")
    maildir.add(raw)
    maildir.add(raw)  # e.g. read again after a crash before it was marked

    result = complaints_from_mailbox(source=f"maildir:{maildir._path}")

    assert (result.drafts, result.skipped) == (1, 1)
    assert Complaint.objects.count() == 1


def test_confirming_the_draft_starts_the_clock_and_tells_the_customer(
    maildir: mailbox.Maildir, customer_world: dict
) -> None:
    maildir.add(mail("jens.krueger@bergmann.example", "Riss", "x"))
    complaints_from_mailbox(source=f"maildir:{maildir._path}")
    draft = Complaint.objects.get()

    complaint_confirm(complaint=draft, by=UserFactory(username="qm", role="quality"))

    draft.refresh_from_db()
    assert not draft.is_draft
    assert draft.next_due_at is not None
    assert Communication.objects.filter(type="complaint_update").count() == 1


def test_a_mail_from_an_unknown_sender_goes_to_the_head_of_quality(
    maildir: mailbox.Maildir, customer_world: dict
) -> None:
    head = UserFactory(username="qhead", role="quality")
    head.department.head = head
    head.department.save()
    maildir.add(mail("someone@elsewhere.example", "Defekt", "Bitte melden"))

    result = complaints_from_mailbox(source=f"maildir:{maildir._path}")

    assert result.unknown_senders == 1
    assert Complaint.objects.count() == 0
    activity = Activity.objects.get(owner=head)
    assert "someone@elsewhere.example" in activity.title


def test_no_mailbox_configured_reads_nothing(customer_world: dict) -> None:
    assert complaints_from_mailbox(source="").drafts == 0


class FakeImapServer:
    """Just enough IMAP4rev1 on 127.0.0.1 for the intake: login, select, search the unseen
    messages, fetch one, mark it seen, log out."""

    def __init__(self, messages: list[bytes]) -> None:
        import socket
        import threading

        self.messages = dict(enumerate(messages, start=1))
        self.seen: set[int] = set()
        self.logins: list[tuple[str, str]] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _address = self.listener.accept()
        with connection, connection.makefile("rwb") as stream:
            stream.write(b"* OK fake IMAP ready\r\n")
            stream.flush()
            for raw in stream:
                tag, command, *args = raw.decode().strip().split(" ")
                out = self._answer(command.upper(), args)
                stream.write(out + f"{tag} OK done\r\n".encode())
                stream.flush()
                if command.upper() == "LOGOUT":
                    return

    def _answer(self, command: str, args: list[str]) -> bytes:
        if command == "CAPABILITY":
            return b"* CAPABILITY IMAP4rev1\r\n"
        if command == "LOGIN":
            self.logins.append((args[0].strip('"'), args[1].strip('"')))
            return b""
        if command == "SELECT":
            return f"* {len(self.messages)} EXISTS\r\n".encode()
        if command == "LOGOUT":
            return b"* BYE\r\n"
        if command == "UID" and args[0].upper() == "SEARCH":
            unseen = " ".join(str(uid) for uid in self.messages if uid not in self.seen)
            return f"* SEARCH {unseen}\r\n".encode()
        if command == "UID" and args[0].upper() == "FETCH":
            uid = int(args[1])
            body = self.messages[uid]
            return f"* {uid} FETCH (UID {uid} BODY[] {{{len(body)}}}\r\n".encode() + body + b")\r\n"
        if command == "UID" and args[0].upper() == "STORE":
            self.seen.add(int(args[1]))
            return f"* {args[1]} FETCH (FLAGS (\\Seen))\r\n".encode()
        return b""


def test_mails_are_read_from_an_imap_folder_and_marked_seen(customer_world: dict) -> None:
    server = FakeImapServer(
        [
            mail("jens.krueger@bergmann.example", "Riss, A-2024-0001", "Siehe Foto."),
            mail("someone@elsewhere.example", "Defekt", "x", message_id="<m2@elsewhere>"),
        ]
    )

    result = complaints_from_mailbox(
        source=f"imap://reklamation:geheim%21@127.0.0.1:{server.port}/INBOX"
    )

    assert (result.drafts, result.unknown_senders) == (1, 1)
    assert server.logins == [("reklamation", "geheim!")]
    assert server.seen == {1, 2}  # read, not deleted
    complaint = Complaint.objects.get()
    assert (complaint.source, complaint.order) == ("email", customer_world["order"])
    assert [a.name for a in complaint.attachments.all()] == ["riss.png"]
