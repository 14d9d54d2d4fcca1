"""Complaints by e-mail, the way most arrive: a job reads a mailbox and turns each new mail into a
draft complaint for quality staff to confirm.

The mailbox is `COMPLAINT_MAILBOX`: a Maildir folder (`maildir:/path`, for tests and small
installations) or an IMAP folder (`imaps://user:password@host:993/INBOX`). A mail is matched to a
contact by its sender; its attachments that are photos or PDFs come along, the others are named
in the timeline. A mail from nobody known becomes an activity for the quality department's head.
Mails are marked read, never deleted; the same mail read twice (a crash before the mark) files
one complaint, by its Message-ID.
"""

import datetime
import email
import email.policy
import email.utils
import imaplib
import logging
import mailbox
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from treue.activities.models import ActivityOrigin
from treue.activities.services import activity_create
from treue.core.models import Department
from treue.customers.models import Contact
from treue.orders.models import Order

from . import attachments
from .models import Complaint, ComplaintCategory, ComplaintSource, Severity
from .services import complaint_comment, complaint_create

logger = logging.getLogger(__name__)

ORDER_NUMBER = re.compile(r"\b[A-Z]{1,4}-\d{4}-\d{3,7}\b")


@dataclass
class IntakeResult:
    drafts: int = 0
    unknown_senders: int = 0
    skipped: int = 0


def complaints_from_mailbox(*, source: str | None = None) -> IntakeResult:
    """Read the new mails of the mailbox into drafts; each mail on its own (one broken mail
    does not hold up the others)."""
    source = settings.COMPLAINT_MAILBOX if source is None else source
    result = IntakeResult()
    if not source:
        return result
    for raw, mark_read in _new_mails(source):
        try:
            outcome = complaint_from_mail(raw)
        except Exception:
            logger.exception("a complaint mail could not be read; it stays unread")
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
        mark_read()
    return result


def _new_mails(source: str) -> Iterator[tuple[bytes, Callable[[], None]]]:
    if source.startswith("maildir:"):
        yield from _maildir(source.removeprefix("maildir:"))
    elif source.startswith(("imap://", "imaps://")):
        yield from _imap(source)
    else:
        raise ValueError(f"COMPLAINT_MAILBOX must start with maildir: or imaps://, not {source!r}")


def _maildir(path: str) -> Iterator[tuple[bytes, Callable[[], None]]]:
    box = mailbox.Maildir(path, create=False)
    for key in list(box.keys()):
        message = box[key]
        if "S" in message.get_flags():
            continue

        def mark(key: str = key, message: mailbox.MaildirMessage = message) -> None:
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message

        yield message.as_bytes(), mark


def _imap(url: str) -> Iterator[tuple[bytes, Callable[[], None]]]:
    parts = urlsplit(url)
    secure = parts.scheme == "imaps"
    port = parts.port or (993 if secure else 143)
    connection = (imaplib.IMAP4_SSL if secure else imaplib.IMAP4)(parts.hostname or "", port)
    try:
        connection.login(unquote(parts.username or ""), unquote(parts.password or ""))
        connection.select(unquote(parts.path.lstrip("/")) or "INBOX")
        _status, found = connection.uid("search", "UNSEEN")
        for uid in (found[0] or b"").decode().split():
            _status, data = connection.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in data if isinstance(item, tuple)), b"")

            def mark(uid: str = uid) -> None:
                connection.uid("store", uid, "+FLAGS", "(\\Seen)")

            yield raw, mark
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.warning("closing the IMAP connection failed", exc_info=True)


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if body.get_content_type() == "text/html":
        content = strip_tags(content)
    return str(content).strip()


def _received_at(message: EmailMessage) -> datetime.datetime:
    try:
        sent = email.utils.parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return timezone.now()
    if sent.tzinfo is None:
        return timezone.now()
    return min(sent, timezone.now())


@transaction.atomic
def complaint_from_mail(raw: bytes) -> str:
    """One mail into a draft complaint; says what became of it (a field of IntakeResult)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101 - the default policy makes these
    message_id = str(message["Message-ID"] or "").strip()[:300]
    if message_id and Complaint.objects.filter(mail_message_id=message_id).exists():
        return "skipped"
    _name, sender = email.utils.parseaddr(str(message["From"] or ""))
    subject = str(message["Subject"] or "").strip()
    text = _text(message)
    contact = (
        Contact.objects.select_related("customer").filter(email__iexact=sender).first()
        if sender
        else None
    )
    if contact is None:
        _tell_quality_head(sender, subject, text)
        return "unknown_senders"
    files, refused = [], []
    for part in message.iter_attachments():
        content = part.get_content()
        upload = SimpleUploadedFile(
            part.get_filename() or "anhang",
            content if isinstance(content, bytes) else str(content).encode(),
            content_type=part.get_content_type(),
        )
        try:
            files.append(attachments.check(upload))
        except ValidationError as exc:
            refused.extend(exc.messages)
    numbers = set(ORDER_NUMBER.findall(f"{subject}\n{text}"))
    order = (
        Order.objects.filter(customer=contact.customer, number__in=numbers).first()
        if numbers
        else None
    )
    complaint = complaint_create(
        customer=contact.customer,
        contact=contact,
        order=order,
        category=ComplaintCategory.QUALITY_DEFECT,
        severity=Severity.MEDIUM,
        description=(f"{subject}\n\n{text}".strip() or _("(empty mail)"))[:10000],
        source=ComplaintSource.EMAIL,
        by=None,
        is_draft=True,
        received_at=_received_at(message),
        files=files,
    )
    Complaint.objects.filter(pk=complaint.pk).update(mail_message_id=message_id)
    for reason in refused:
        complaint_comment(
            complaint=complaint,
            text=_("An attachment of the mail was not taken: %(reason)s") % {"reason": reason},
            by=None,
        )
    return "drafts"


def _tell_quality_head(sender: str, subject: str, text: str) -> None:
    department = Department.objects.filter(code="quality").select_related("head").first()
    head = department.head if department else None
    if head is None:
        logger.warning(
            "a complaint mail from %s matches no contact and nobody heads quality", sender
        )
        return
    activity_create(
        title=(_("Complaint mail from an unknown sender: %(sender)s") % {"sender": sender})[:200],
        owner=head,
        due_on=timezone.localdate(),
        description=f"{subject}\n\n{text}"[:5000],
        origin=ActivityOrigin.SYSTEM,
    )
