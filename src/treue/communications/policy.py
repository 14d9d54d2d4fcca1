"""The channel policy: who hears of a communication, through which channel, how deep, in which
language. Pure functions over already loaded rows, so that a plan for many orders costs no
queries per recipient.

- Recipients are the customer's contacts that the type's `RecipientRule` names (buying-center
  role and topic). When nobody fits, the account owner conveys it (an activity).
- Each recipient gets their first preferred channel that has an address: e-mail needs an e-mail
  address, a letter a postal address of the customer, a phone call a number; a meeting is always
  possible (the account owner arranges it). When none of their channels works, the account owner
  conveys it by phone.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from treue.customers.models import Channel, Contact, Customer, Depth

from .models import RecipientRule

DEFAULT_WAIT_SECONDS = 60


@dataclass(frozen=True)
class Recipient:
    contact: Contact | None  # None: nobody fits, the account owner conveys it
    channel: str
    language: str
    depth: str
    note: str = ""  # why the policy chose a fallback, for the status history


GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})


def customer_language(customer: Customer) -> str:
    """The language of documents addressed to the company as a whole, not to a contact."""
    return "de" if customer.country in GERMAN_SPEAKING else "en"


def channel_available(channel: str, contact: Contact, *, has_postal_address: bool) -> bool:
    if channel == Channel.EMAIL:
        return bool(contact.email)
    if channel == Channel.LETTER:
        return has_postal_address
    if channel == Channel.PHONE:
        return bool(contact.phone)
    return channel == Channel.MEETING


def recipients(
    *,
    rule: RecipientRule | None,
    contacts: Iterable[Contact],
    has_postal_address: bool,
    customer_language: str,
) -> list[Recipient]:
    chosen = []
    for contact in contacts:
        if rule is not None and not rule.matches(contact):
            continue
        chosen.append(_recipient(contact, has_postal_address=has_postal_address))
    if not chosen:
        return [
            Recipient(
                contact=None,
                channel=Channel.PHONE,
                language=customer_language,
                depth=Depth.SUMMARY,
                note="no contact matches the recipient rule",
            )
        ]
    return chosen


def _recipient(contact: Contact, *, has_postal_address: bool) -> Recipient:
    preferred: Sequence[str] = contact.preferred_channels or []
    for position, channel in enumerate(preferred):
        if channel_available(channel, contact, has_postal_address=has_postal_address):
            skipped = ", ".join(preferred[:position])
            return Recipient(
                contact=contact,
                channel=channel,
                language=contact.language,
                depth=contact.preferred_depth,
                note=f"no address for {skipped}" if skipped else "",
            )
    return Recipient(
        contact=contact,
        channel=Channel.PHONE,
        language=contact.language,
        depth=contact.preferred_depth,
        note="none of the preferred channels has an address; the account owner calls",
    )
