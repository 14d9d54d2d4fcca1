"""Walk every URL of the application as every role and as an anonymous visitor.

A new URL pattern that is not listed in CASES fails `test_every_url_pattern_is_walked`, so the
expected status of each page for each role is always written down here.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from treue.activities.tests.factories import ActivityFactory
from treue.core.models import User
from treue.core.roles import Perm, Role
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
# Department heads walked besides the roles: user name -> the department (code) they head. The
# activity tried below belongs to the sales user, so one head heads its department, one another.
HEADS = {"head_sales": "sales", "head_shipping": "shipping"}
ALLOWED = 200


def _all_routes() -> set[str]:
    routes: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                routes.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def _perm(perm: Perm, *, denied: int = 403) -> Callable[[User], int]:
    return lambda user: ALLOWED if user.has_treue_perm(perm) else denied


def _everyone(user: User) -> int:
    return ALLOWED


def _owner_or_hand_over_any(user: User) -> int:
    # The activity belongs to a sales user; others get 404 unless they may hand over any
    # (management, admin) or head the sales department.
    if user.username == "sales" or user.role in {Role.MANAGEMENT, Role.ADMIN}:
        return ALLOWED
    if HEADS.get(user.username) == "sales":
        return ALLOWED
    return 404


def _heads_and_management(user: User) -> int:
    # Every head sees the own department's activities, management and admin every department's.
    if user.username in HEADS or user.role in {Role.MANAGEMENT, Role.ADMIN}:
        return ALLOWED
    return 403


# route -> (method, concrete path, expected status for a logged-in user, for an anonymous one)
CASES: dict[str, tuple[str, str, Callable[[User], int], int]] = {
    "": ("get", "/", _everyone, 302),
    "login/": ("get", "/login/", lambda u: 302, 200),
    "logout/": ("post", "/logout/", lambda u: 302, 302),
    "healthz": ("get", "/healthz", lambda u: 503, 503),
    "customers/": ("get", "/customers/", _perm(Perm.CUSTOMER_VIEW), 302),
    "customers/<str:number>/": ("get", "/customers/K10001/", _perm(Perm.CUSTOMER_VIEW), 302),
    "customers/<str:number>/#invoices": (
        "get",
        "/customers/K10001/?section=invoices",
        _perm(Perm.INVOICE_VIEW),
        302,
    ),
    "activities/": ("get", "/activities/", _everyone, 302),
    "activities/department/": ("get", "/activities/department/", _heads_and_management, 302),
    "activities/<int:pk>/done/": (
        "post",
        "/activities/{activity}/done/",
        lambda u: 302 if _owner_or_hand_over_any(u) == 200 else 404,
        302,
    ),
    "activities/<int:pk>/postpone/": (
        "get",
        "/activities/{activity}/postpone/",
        _owner_or_hand_over_any,
        302,
    ),
    "activities/<int:pk>/hand-over/": (
        "get",
        "/activities/{activity}/hand-over/",
        _owner_or_hand_over_any,
        302,
    ),
    "orders/<str:number>/": ("get", "/orders/A-2024-0001/", _perm(Perm.ORDER_VIEW), 302),
    "orders/production-cycle/": (
        "get",
        "/orders/production-cycle/",
        _perm(Perm.ORDER_CHANGE),
        302,
    ),
    "orders/<str:number>/lines/<int:line_no>/promised-date/": (
        "get",
        "/orders/A-2024-0001/lines/10/promised-date/",
        _perm(Perm.ORDER_CHANGE),
        302,
    ),
    "orders/<str:number>/confirm/": (
        "post",
        "/orders/A-2024-0001/confirm/",
        lambda u: 302 if u.has_treue_perm(Perm.ORDER_CHANGE) else 403,
        302,
    ),
    # No such version: who may see orders gets 404, never another document.
    "orders/<str:number>/confirmations/<int:version>.pdf": (
        "get",
        "/orders/A-2024-0001/confirmations/99.pdf",
        lambda u: 404 if u.has_treue_perm(Perm.ORDER_VIEW) else 403,
        302,
    ),
    "orders/<str:number>/deliveries/new/": (
        "get",
        "/orders/A-2024-0001/deliveries/new/",
        _perm(Perm.DELIVERY_POST),
        302,
    ),
    "orders/<str:number>/partial-delivery-agreement/": (
        "get",
        "/orders/A-2024-0001/partial-delivery-agreement/",
        _perm(Perm.CONTACT_CHANGE),
        302,
    ),
    # Public; a wrong token answers 404 to everyone (the right one: orders/tests/test_tracking.py).
    "track/<str:number>/<str:token>/": (
        "get",
        "/track/A-2024-0001/wrong-token/",
        lambda u: 404,
        404,
    ),
    # Public; a wrong token answers 404 (the right one: complaints/tests/test_satisfaction.py).
    "feedback/<str:number>/<str:token>/": (
        "get",
        "/feedback/R-2026-00001/wrong-token/",
        lambda u: 404,
        404,
    ),
    "communications/letters/": (
        "get",
        "/communications/letters/",
        _perm(Perm.CONTACT_CHANGE),
        302,
    ),
    # No letter has that id: who may print letters gets 404, never another object.
    "communications/letters/<int:pk>/pdf/": (
        "get",
        "/communications/letters/999999/pdf/",
        lambda u: 404 if u.has_treue_perm(Perm.CONTACT_CHANGE) else 403,
        302,
    ),
    "communications/letters/<int:pk>/printed/": (
        "post",
        "/communications/letters/999999/printed/",
        lambda u: 404 if u.has_treue_perm(Perm.CONTACT_CHANGE) else 403,
        302,
    ),
    "scorecards/delivery/": (
        "get",
        "/scorecards/delivery/",
        _perm(Perm.DELIVERY_FIGURES_VIEW),
        302,
    ),
    "complaints/": ("get", "/complaints/", _perm(Perm.COMPLAINT_VIEW), 302),
    "complaints/new/": ("get", "/complaints/new/", _perm(Perm.COMPLAINT_VIEW), 302),
    "complaints/figures/": ("get", "/complaints/figures/", _perm(Perm.COMPLAINT_VIEW), 302),
    "complaints/status-changes/": (
        "get",
        "/complaints/status-changes/",
        _perm(Perm.COMPLAINT_VIEW),
        302,
    ),
    # No complaint has that number: everybody who may see complaints gets 404 (who may work on
    # an existing one: complaints/tests/test_views.py).
    **{
        f"complaints/<str:number>/{action}": (
            "post" if action else "get",
            f"/complaints/R-1999-99999/{action}",
            lambda u: 404 if u.has_treue_perm(Perm.COMPLAINT_VIEW) else 403,
            302,
        )
        for action in (
            "",
            "save/",
            "transition/",
            "confirm/",
            "pause/",
            "resume/",
            "comment/",
            "attachments/",
        )
    },
    "complaints/<str:number>/attachments/<int:pk>/": (
        "get",
        "/complaints/R-1999-99999/attachments/1/",
        lambda u: 404 if u.has_treue_perm(Perm.COMPLAINT_VIEW) else 403,
        302,
    ),
    # Public like the tracking page; a wrong token answers 404 (complaints/tests/test_intake.py).
    "track/<str:number>/<str:token>/complaint/": (
        "get",
        "/track/A-2024-0001/wrong-token/complaint/",
        lambda u: 404,
        404,
    ),
    "receivables/": ("get", "/receivables/", _perm(Perm.INVOICE_VIEW), 302),
    "receivables/export.csv": ("get", "/receivables/export.csv", _perm(Perm.INVOICE_VIEW), 302),
    "receivables/figures/": ("get", "/receivables/figures/", _perm(Perm.INVOICE_VIEW), 302),
    # No hold, payment or notice has that id: who may act gets 404, never another object.
    "receivables/holds/<int:pk>/release/": (
        "post",
        "/receivables/holds/999999/release/",
        lambda u: 404 if u.has_treue_perm(Perm.CREDIT_RELEASE) else 403,
        302,
    ),
    "receivables/payments/<int:pk>/allocate/": (
        "post",
        "/receivables/payments/999999/allocate/",
        lambda u: 404 if u.has_treue_perm(Perm.INVOICE_CHANGE) else 403,
        302,
    ),
    "receivables/customers/<str:number>/promise/": (
        "get",
        "/receivables/customers/K10001/promise/",
        _perm(Perm.PROMISE_RECORD),
        302,
    ),
    "receivables/dunning/": ("get", "/receivables/dunning/", _perm(Perm.DUNNING_RUN), 302),
    "receivables/dunning/run/": (
        "post",
        "/receivables/dunning/run/",
        lambda u: 302 if u.has_treue_perm(Perm.DUNNING_RUN) else 403,
        302,
    ),
    **{
        f"receivables/dunning/<int:pk>/{action}": (
            "post" if action.endswith("/") and action else "get",
            f"/receivables/dunning/999999/{action}",
            lambda u, perm=perm: 404 if u.has_treue_perm(perm) else 403,
            302,
        )
        for action, perm in (
            ("", Perm.INVOICE_VIEW),
            ("letter.pdf", Perm.INVOICE_VIEW),
            ("approve/", Perm.DUNNING_DECIDE),
            ("call/", Perm.DUNNING_DECIDE),
        )
    },
    "i18n/setlang/": ("post", "/i18n/setlang/", lambda u: 302, 302),
    "admin/": (
        "get",
        "/admin/",
        lambda u: ALLOWED if u.has_treue_perm(Perm.ADMIN_SITE) else 302,
        302,
    ),
}
# Whole trees that are walked by one representative URL above.
TREES = ("admin/", "api/v1/")


def test_every_url_pattern_is_walked() -> None:
    missing = sorted(r for r in _all_routes() if r not in CASES and not r.startswith(TREES))

    assert missing == []


def _users() -> dict[str, User]:
    users = {role: UserFactory(username=role, role=role) for role in ROLES}
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for username, department in HEADS.items():
        head = UserFactory(username=username, role=department)
        assert head.department.code == department
        head.department.head = head
        head.department.save()
    return {u.username: u for u in User.objects.select_related("department")}


@pytest.mark.parametrize("role", [*ROLES, *HEADS, "anonymous"])
def test_every_url_answers_each_role_as_the_matrix_says(role: str, customer_world: dict) -> None:
    users = _users()
    activity = ActivityFactory(owner=users["sales"], customer=customer_world["customer"])
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    results = {}
    expected = {}
    for route, (method, path, logged_in, anonymous) in CASES.items():
        url = path.format(activity=activity.pk)
        results[route] = getattr(client, method)(url).status_code
        expected[route] = anonymous if role == "anonymous" else logged_in(users[role])
        if role != "anonymous" and route in {"logout/"}:
            client.force_login(users[role])

    assert results == expected
