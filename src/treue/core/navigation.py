"""The navigation: each department sees the work that is theirs."""

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, URL name, the permission that shows the entry or None for everyone)
ENTRIES: tuple[tuple[object, str, Perm | None], ...] = (
    (_("Overview"), "home", None),
    (_("My activities"), "activities:mine", None),
    # Heads see their department's work, management every department's.
    (_("Department activities"), "activities:department", Perm.ACTIVITY_HAND_OVER_ANY),
    (_("Customers"), "customers:list", Perm.CUSTOMER_VIEW),
    (_("Complaints"), "complaints:queue", Perm.COMPLAINT_VIEW),
    (_("Receivables"), "receivables:overview", Perm.INVOICE_VIEW),
    (_("Dunning run"), "receivables:dunning", Perm.DUNNING_RUN),
    (_("Lead times"), "orders:production_cycle", Perm.ORDER_CHANGE),
    (_("Delivery reliability"), "scorecards:delivery", Perm.DELIVERY_FIGURES_VIEW),
    # Whoever keeps up the correspondence prints the letters of contacts who want letters.
    (_("Letters"), "communications:print_queue", Perm.CONTACT_CHANGE),
    (_("Administration"), "admin:index", Perm.ADMIN_SITE),
)


@functools.cache
def _entries(
    urlconf: str | None, script_prefix: str, language: str | None
) -> tuple[tuple[str, str, Perm | None], ...]:
    """The entries with their URLs and labels resolved.

    Every page shows the navigation; seven `reverse()` calls and translations per request were
    a tenth of a list page. URLs depend only on the URLconf and the script prefix, labels on the
    language, so each web process resolves them once per combination (`reverse` and `str` read
    the active ones themselves; the arguments are the cache key).
    """
    return tuple((str(label), reverse(name), perm) for label, name, perm in ENTRIES)


def navigation_for(user: User, path: str) -> list[NavItem]:
    entries = _entries(get_urlconf(), get_script_prefix(), translation.get_language())
    shown = [
        (label, url) for label, url, perm in entries if perm is None or user.has_treue_perm(perm)
    ]
    # The entry with the longest matching URL is the current one: /activities/department/ is
    # "Department activities", not "My activities" at /activities/.
    matching = [
        url for _label, url in shown if (path == url if url == "/" else path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    return [NavItem(label=label, url=url, active=url == current) for label, url in shown]
