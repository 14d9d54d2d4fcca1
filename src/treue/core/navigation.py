"""The navigation: each department sees the work that is theirs."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(user: User, path: str) -> list[NavItem]:
    entries: list[tuple[object, str, Perm | None]] = [
        (_("Overview"), reverse("home"), None),
        (_("My activities"), reverse("activities:mine"), None),
        # Heads see their department's work, management every department's.
        (
            _("Department activities"),
            reverse("activities:department"),
            Perm.ACTIVITY_HAND_OVER_ANY,
        ),
        (_("Customers"), reverse("customers:list"), Perm.CUSTOMER_VIEW),
        (_("Lead times"), reverse("orders:production_cycle"), Perm.ORDER_CHANGE),
        (_("Delivery reliability"), reverse("scorecards:delivery"), Perm.DELIVERY_FIGURES_VIEW),
        # Whoever keeps up the correspondence prints the letters of contacts who want letters.
        (_("Letters"), reverse("communications:print_queue"), Perm.CONTACT_CHANGE),
        (_("Administration"), reverse("admin:index"), Perm.ADMIN_SITE),
    ]
    shown = [
        (label, url) for label, url, perm in entries if perm is None or user.has_treue_perm(perm)
    ]
    # The entry with the longest matching URL is the current one: /activities/department/ is
    # "Department activities", not "My activities" at /activities/.
    matching = [
        url for _label, url in shown if (path == url if url == "/" else path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    return [NavItem(label=str(label), url=url, active=url == current) for label, url in shown]
