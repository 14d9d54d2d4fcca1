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
        (_("Customers"), reverse("customers:list"), Perm.CUSTOMER_VIEW),
        (_("Administration"), reverse("admin:index"), Perm.ADMIN_SITE),
    ]
    items = []
    for label, url, perm in entries:
        if perm is not None and not user.has_treue_perm(perm):
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label=str(label), url=url, active=active))
    return items
