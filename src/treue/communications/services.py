"""Writes of communications: plan, deliver, and what people do with them (print, cancel).

Delivery is at-least-once and never silently doubled: an e-mail's claim (`send_started_at`) is
committed before the mail server is asked and the result after it answers. A job that finds a
claim older than `SEND_TIMEOUT` without a result cannot know whether the server accepted the mail;
it marks the communication "in doubt" with its Message-ID for a person to check, instead of
sending it again.
"""

import datetime
import hashlib
import logging
import smtplib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from treue.activities.models import ActivityOrigin
from treue.activities.services import activity_create
from treue.core.models import User
from treue.customers.models import AddressKind, Channel, Contact, Customer
from treue.orders.models import Order

from . import documents, policy
from .models import (
    Communication,
    CommunicationEvent,
    CommunicationStatus,
    RecipientRule,
)
from .rendering import Stored, render, stored_templates

logger = logging.getLogger(__name__)

SEND_TIMEOUT = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
MESSAGES_PER_CONNECTION = 100
# After the n-th failed attempt the next one waits BACKOFF[n - 1].
BACKOFF = [datetime.timedelta(minutes=m) for m in (1, 5, 15, 60)]
CONVERSATION_CHANNELS = {Channel.PHONE, Channel.MEETING}


def _event(communication: Communication, status: str, detail: str = "") -> None:
    CommunicationEvent.objects.create(
        communication=communication, status=status, detail=detail[:500]
    )


def _message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "treue.local"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"<treue.{digest}@{domain}>"


# Inside the caller's transaction without a savepoint of its own: a failure here fails the
# caller's change as a whole, which is what every caller wants (and two queries less per plan).
@transaction.atomic(savepoint=False)
def communication_plan(
    *,
    type: str,
    customer: Customer,
    items: Sequence[dict[str, Any]],
    order: Order | None = None,
    context: dict[str, Any] | None = None,
    by: User | None = None,
    now: datetime.datetime | None = None,
    to: Contact | None = None,
) -> list[Communication]:
    """Plan telling `customer` of changes (`items`, each with a unique "key") through the policy.

    Changes of the same order for the same recipient join the message that is still waiting;
    planning an item twice changes nothing. Several items planned at once go out as one message
    (whose idempotency key is that of the first). `to` names the one contact to tell (who filed
    a complaint hears of it, whatever the recipient rule says). Returns the communications that
    carry them.
    """
    if not items:
        return []
    now = now or timezone.now()
    first_key = items[0]["key"]
    rule = RecipientRule.objects.filter(type=type).first()
    wait = datetime.timedelta(seconds=rule.wait_seconds if rule else policy.DEFAULT_WAIT_SECONDS)
    contacts = [to] if to is not None else list(customer.contacts.all())
    has_address = customer.addresses.filter(kind=AddressKind.BILLING).exists()
    chosen = policy.recipients(
        rule=None if to is not None else rule,
        contacts=contacts,
        has_postal_address=has_address,
        customer_language=policy.customer_language(customer),
    )
    waiting = list(
        Communication.objects.select_for_update().filter(
            type=type,
            customer=customer,
            order=order,
            status=CommunicationStatus.PLANNED,
            send_started_at__isnull=True,
            send_after__gt=now,
        )
    )
    # What rendering reads, from the rows in hand instead of a query each.
    stored = stored_templates(type=type)
    contacts_by_id = {contact.pk: contact for contact in contacts}
    for communication in waiting:
        communication.customer = customer
        communication.order = order
        if communication.contact_id in contacts_by_id:
            communication.contact = contacts_by_id[communication.contact_id]
    waiting_for = {(c.contact_id, c.channel) for c in waiting}
    keys = {
        recipient: f"{type}:{first_key}:{recipient.contact.pk if recipient.contact else 'owner'}"
        for recipient in chosen
        if (recipient.contact.pk if recipient.contact else None, recipient.channel)
        not in waiting_for
    }
    existing_by_key = (
        {
            c.idempotency_key: c
            for c in Communication.objects.filter(idempotency_key__in=list(keys.values()))
        }
        if keys
        else {}
    )
    planned = []
    for recipient in chosen:
        contact_id = recipient.contact.pk if recipient.contact else None
        same = [c for c in waiting if c.contact_id == contact_id and c.channel == recipient.channel]
        if same:
            communication = same[0]
            carried = {i.get("key") for i in communication.items}
            new = [item for item in items if item["key"] not in carried]
            if new:
                communication.items = [*communication.items, *new]
                _render_into(communication, context or {}, stored)
                communication.save(update_fields=["items", "subject", "body"])
                joined = ", ".join(item["key"] for item in new)
                _event(communication, CommunicationStatus.PLANNED, f"joined {joined}")
            planned.append(communication)
            continue
        key = keys[recipient]
        existing = existing_by_key.get(key)
        if existing is not None:
            planned.append(existing)
            continue
        communication = Communication(
            type=type,
            customer=customer,
            contact=recipient.contact,
            order=order,
            channel=recipient.channel,
            language=recipient.language,
            depth=recipient.depth,
            items=list(items),
            idempotency_key=key,
            message_id=_message_id(key),
            send_after=now + wait,
            created_by=by,
        )
        _render_into(communication, context or {}, stored)
        communication.save()
        _event(communication, CommunicationStatus.PLANNED, recipient.note)
        planned.append(communication)
        _schedule(communication)
    return planned


def _render_into(
    communication: Communication, context: dict[str, Any], stored: Stored | None = None
) -> None:
    rendered = render(
        stored=stored,
        type=communication.type,
        channel=communication.channel,
        depth=communication.depth,
        language=communication.language,
        context={
            "customer": communication.customer,
            "contact": communication.contact,
            "order": communication.order,
            **context,
            "items": communication.items,
        },
    )
    communication.subject, communication.body = rendered.subject, rendered.body


def _schedule(communication: Communication) -> None:
    from .tasks import communication_deliver_task

    task = communication_deliver_task
    if task.get_backend().supports_defer:
        task = task.using(run_after=communication.send_after)
    pk = communication.pk
    transaction.on_commit(lambda: task.enqueue(pk))


def _for_delivery() -> QuerySet[Communication]:
    return Communication.objects.select_related("customer__account_owner", "contact", "order")


def communication_deliver(
    *,
    communication_id: int,
    now: datetime.datetime | None = None,
    connection: BaseEmailBackend | None = None,
    loaded: Communication | None = None,
) -> Communication:
    """Deliver a planned communication whose wait is over; safe to call twice or concurrently.

    An e-mail goes over `connection` when given (a sweep's, left open for the next message),
    otherwise over a connection of its own. `loaded` is the row as a sweep read it (with
    `_for_delivery`'s relations), to save reading it again."""
    now = now or timezone.now()
    communication = loaded or _for_delivery().get(pk=communication_id)
    if (
        _due(communication, now)
        and communication.send_started_at is None
        and communication.channel == Channel.EMAIL
        and communication.contact is not None
    ):
        # The common case in one statement: claim it unless someone else claimed, sent or
        # cancelled it since it was read (its status and attempts would differ).
        claimed = Communication.objects.filter(
            pk=communication.pk,
            status=communication.status,
            attempts=communication.attempts,
            send_started_at__isnull=True,
        ).update(send_started_at=now, attempts=F("attempts") + 1)
        if claimed:
            communication.send_started_at = now
            communication.attempts += 1
            return _send_email(communication, now, connection)
    return _deliver_locked(communication_id, now, connection)


def _deliver_locked(
    communication_id: int, now: datetime.datetime, connection: BaseEmailBackend | None
) -> Communication:
    """Decide on the row locked: letters, conversations, claims without result, e-mails."""
    with transaction.atomic():
        communication = _for_delivery().select_for_update(of=("self",)).get(pk=communication_id)
        if not _due(communication, now):
            return communication
        if communication.send_started_at is not None:
            if now - communication.send_started_at < SEND_TIMEOUT:
                return communication  # another worker is sending it right now
            _set_status(
                communication,
                CommunicationStatus.IN_DOUBT,
                _(
                    "Sending started at %(at)s without a result; check with the mail server "
                    "whether %(message_id)s was accepted before sending it again."
                )
                % {
                    "at": communication.send_started_at.isoformat(),
                    "message_id": communication.message_id,
                },
            )
            return communication
        if communication.channel == Channel.LETTER:
            return communication  # waits in the print queue for a person
        if communication.channel in CONVERSATION_CHANNELS or communication.contact is None:
            _hand_to_account_owner(communication, reason="")
            return communication
        communication.send_started_at = now
        communication.attempts += 1
        communication.save(update_fields=["send_started_at", "attempts"])
    return _send_email(communication, now, connection)


def _due(communication: Communication, now: datetime.datetime) -> bool:
    if communication.status == CommunicationStatus.PLANNED:
        return communication.send_after <= now
    if communication.status == CommunicationStatus.FAILED:
        return communication.next_attempt_at is not None and communication.next_attempt_at <= now
    return False


def _send_email(
    communication: Communication,
    now: datetime.datetime,
    connection: BaseEmailBackend | None = None,
) -> Communication:
    contact = communication.contact
    assert contact is not None  # noqa: S101 - conversations were handled above
    message = EmailMessage(
        subject=communication.subject,
        body=communication.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        headers={"Message-ID": communication.message_id},
        attachments=documents.attachments(communication),
    )
    try:
        _transmit(message, connection)
    except smtplib.SMTPRecipientsRefused as exc:
        return _failed(communication, now, _refusal(exc), permanent=True)
    except smtplib.SMTPResponseException as exc:
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        reason = f"{exc.smtp_code} {text}"
        return _failed(communication, now, reason, permanent=exc.smtp_code >= 500)
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(communication, now, f"{type(exc).__name__}: {exc}", permanent=False)
    with transaction.atomic():
        communication.status = CommunicationStatus.SENT
        communication.sent_at = timezone.now()
        communication.reason = ""
        communication.next_attempt_at = None
        communication.save(update_fields=["status", "sent_at", "reason", "next_attempt_at"])
        _event(communication, CommunicationStatus.SENT, contact.email)
    return communication


def _transmit(message: EmailMessage, connection: BaseEmailBackend | None) -> None:
    """Hand `message` to the mail server over `connection` (left open for the next message of
    a sweep), or over a connection of its own."""
    own = connection is None
    if connection is None:
        connection = get_connection()
    failed = True
    try:
        connection.open()  # opened here, send_messages leaves it open
        connection.send_messages([message])
        failed = False
    finally:
        # After a failure, whatever state the server is in, the next message starts afresh.
        if own or failed:
            _close(connection)


def _close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.warning("closing the SMTP connection failed", exc_info=True)


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(
        f"{address}: {code} {message.decode(errors='replace')}"
        for address, (code, message) in exc.recipients.items()
    )


def _failed(
    communication: Communication, now: datetime.datetime, reason: str, *, permanent: bool
) -> Communication:
    """The server did not accept the mail: it may be tried again (the claim is lifted)."""
    with transaction.atomic():
        communication.send_started_at = None
        last = permanent or communication.attempts >= MAX_ATTEMPTS
        communication.next_attempt_at = (
            None if last else now + BACKOFF[min(communication.attempts, len(BACKOFF)) - 1]
        )
        _set_status(communication, CommunicationStatus.FAILED, reason)
        if last:
            _hand_to_account_owner(communication, reason=reason)
    return communication


def _set_status(communication: Communication, status: str, reason: str) -> None:
    communication.status = status
    communication.reason = reason[:500]
    communication.save(
        update_fields=["status", "reason", "send_started_at", "next_attempt_at", "attempts"]
    )
    _event(communication, status, reason)


def _hand_to_account_owner(communication: Communication, *, reason: str) -> None:
    """A person conveys it: the account owner gets an activity with the text."""
    customer = communication.customer
    owner = customer.account_owner
    if owner is None:
        if communication.status != CommunicationStatus.FAILED:
            _set_status(
                communication,
                CommunicationStatus.FAILED,
                _("The customer has no account owner who could convey it."),
            )
        return
    with override(owner.language):
        if reason:
            title = _("Not delivered: %(subject)s") % {"subject": communication.subject}
            intro = _("The message could not be delivered (%(reason)s). Please convey it:") % {
                "reason": reason
            }
        else:
            title = _("Convey to %(whom)s: %(subject)s") % {
                "whom": communication.contact or customer.name,
                "subject": communication.subject,
            }
            intro = _("Please tell the customer (%(channel)s):") % {
                "channel": communication.get_channel_display()
            }
    activity = activity_create(
        title=title[:200],
        owner=owner,
        due_on=timezone.localdate(),
        customer=customer,
        subject=f"communications.communication:{communication.pk}",
        description=f"{intro}\n\n{communication.body}",
        origin=ActivityOrigin.SYSTEM,
    )
    communication.activity = activity
    communication.save(update_fields=["activity"])
    if not reason:
        communication.status = CommunicationStatus.SENT
        communication.sent_at = timezone.now()
        communication.save(update_fields=["status", "sent_at"])
        _event(communication, CommunicationStatus.SENT, str(activity.owner))


def communication_deliver_due(*, now: datetime.datetime | None = None) -> int:
    """Deliver what is due and not yet tried, retry failures whose wait is over, and settle
    claims that found no result; the worker runs this every minute.

    The e-mails of a sweep share one connection to the mail server (renewed after
    `MESSAGES_PER_CONNECTION` and after any failure); each is still claimed, sent and marked on
    its own, so a refused message fails alone and a crash leaves at most one in doubt."""
    now = now or timezone.now()
    due = Communication.objects.filter(
        status__in=[CommunicationStatus.PLANNED, CommunicationStatus.FAILED]
    ).exclude(channel=Channel.LETTER)
    ids: Iterable[int] = (
        due.filter(status=CommunicationStatus.PLANNED, send_after__lte=now)
        | due.filter(status=CommunicationStatus.FAILED, next_attempt_at__lte=now)
    ).values_list("pk", flat=True)
    count = 0
    connection = get_connection()
    pks = list(ids)
    try:
        for start in range(0, len(pks), MESSAGES_PER_CONNECTION):
            batch = pks[start : start + MESSAGES_PER_CONNECTION]
            loaded = _for_delivery().in_bulk(batch)
            for pk in batch:
                communication_deliver(
                    communication_id=pk, now=now, connection=connection, loaded=loaded.get(pk)
                )
                count += 1
            _close(connection)  # servers limit the messages per connection
    finally:
        _close(connection)
    return count


@transaction.atomic
def communication_mark_printed(*, communication: Communication, by: User) -> Communication:
    """A letter from the print queue went out by post."""
    communication = Communication.objects.select_for_update().get(pk=communication.pk)
    if (
        communication.channel != Channel.LETTER
        or communication.status != CommunicationStatus.PLANNED
    ):
        return communication
    communication.status = CommunicationStatus.SENT
    communication.sent_at = timezone.now()
    communication.save(update_fields=["status", "sent_at"])
    _event(communication, CommunicationStatus.SENT, _("printed by %(user)s") % {"user": by})
    return communication
