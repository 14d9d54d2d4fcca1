"""Roles and the permission matrix: one table that pages, API and docs/permissions.md all read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    SALES = "sales", _("Sales")
    PRODUCTION = "production", _("Production")
    QUALITY = "quality", _("Quality")
    SHIPPING = "shipping", _("Shipping")
    PURCHASING = "purchasing", _("Purchasing")
    ACCOUNTING = "accounting", _("Accounting")
    SERVICE = "service", _("Service")
    ADMIN = "admin", _("Administrator")


class Perm(models.TextChoices):
    CUSTOMER_VIEW = "customer.view", _("See customers, contacts and interactions")
    CUSTOMER_CHANGE = "customer.change", _("Create and change customers")
    CONTACT_CHANGE = "contact.change", _("Create and change contacts, record interactions")
    PRODUCT_VIEW = "product.view", _("See products")
    PRODUCT_CHANGE = "product.change", _("Create and change products")
    ORDER_VIEW = "order.view", _("See orders with prices")
    ORDER_MARGIN_VIEW = "order.margin_view", _("See costs and contribution margins")
    ORDER_CHANGE = "order.change", _("Create and change orders")
    DELIVERY_POST = "delivery.post", _("Post deliveries")
    INVOICE_VIEW = "invoice.view", _("See invoices and open items")
    INVOICE_CHANGE = "invoice.change", _("Create and change invoices and payments")
    CREDIT_RELEASE = "credit.release", _("Release orders held over the credit limit")
    PROMISE_RECORD = "promise.record", _("Record payment promises")
    DUNNING_RUN = "dunning.run", _("Preview and execute dunning runs")
    DUNNING_DECIDE = (
        "dunning.decide",
        _("Approve, edit or replace proposed dunning letters (own customers; accounting all)"),
    )
    DELIVERY_FIGURES_VIEW = "figures.delivery_view", _("See delivery-reliability figures")
    COMPLAINT_VIEW = "complaint.view", _("See and file complaints, comment on them")
    COMPLAINT_WORK = "complaint.work", _("Work on any complaint: workflow, 8D record, owner")
    ACTIVITY_HAND_OVER_ANY = "activity.hand_over_any", _("Hand over any activity of the department")
    ADMIN_SITE = "admin.site", _("Use the administration site")


ALL = frozenset(Role)
R = Role
PERMISSION_MATRIX: dict[Perm, frozenset[Role]] = {
    Perm.CUSTOMER_VIEW: ALL,
    Perm.CUSTOMER_CHANGE: frozenset({R.MANAGEMENT, R.SALES, R.ADMIN}),
    Perm.CONTACT_CHANGE: frozenset({R.MANAGEMENT, R.SALES, R.SERVICE, R.ADMIN}),
    Perm.PRODUCT_VIEW: ALL,
    Perm.PRODUCT_CHANGE: frozenset({R.PRODUCTION, R.PURCHASING, R.ADMIN}),
    Perm.ORDER_VIEW: ALL,
    Perm.ORDER_MARGIN_VIEW: frozenset({R.MANAGEMENT, R.SALES, R.ACCOUNTING, R.ADMIN}),
    Perm.ORDER_CHANGE: frozenset({R.SALES, R.PRODUCTION, R.SHIPPING, R.ADMIN}),
    Perm.DELIVERY_POST: frozenset({R.SHIPPING, R.ADMIN}),
    Perm.INVOICE_VIEW: frozenset({R.MANAGEMENT, R.SALES, R.ACCOUNTING, R.ADMIN}),
    Perm.INVOICE_CHANGE: frozenset({R.ACCOUNTING, R.ADMIN}),
    Perm.CREDIT_RELEASE: frozenset({R.MANAGEMENT, R.ACCOUNTING, R.ADMIN}),
    Perm.PROMISE_RECORD: frozenset({R.MANAGEMENT, R.SALES, R.ACCOUNTING, R.ADMIN}),
    Perm.DUNNING_RUN: frozenset({R.MANAGEMENT, R.ACCOUNTING, R.ADMIN}),
    # The account owner decides on a proposal for their customer (receivables.dunning).
    Perm.DUNNING_DECIDE: frozenset({R.MANAGEMENT, R.SALES, R.ACCOUNTING, R.ADMIN}),
    # Whoever keeps or sells the delivery promise; accounting has no part in it.
    Perm.DELIVERY_FIGURES_VIEW: ALL - {R.ACCOUNTING},
    # Every department hears complaints and may file one; quality and service work them, and the
    # owner and the responsible department work their own (complaints.selectors.may_work).
    Perm.COMPLAINT_VIEW: ALL,
    Perm.COMPLAINT_WORK: frozenset({R.QUALITY, R.SERVICE, R.MANAGEMENT, R.ADMIN}),
    Perm.ACTIVITY_HAND_OVER_ANY: frozenset({R.MANAGEMENT, R.ADMIN}),
    Perm.ADMIN_SITE: frozenset({R.ADMIN}),
}
# A department head may additionally hand over every activity of the own department.
HEAD_PERMS: frozenset[Perm] = frozenset({Perm.ACTIVITY_HAND_OVER_ANY})


def role_has_perm(role: str, perm: Perm, *, is_head: bool = False) -> bool:
    return role in PERMISSION_MATRIX[perm] or (is_head and perm in HEAD_PERMS)


def permission_matrix_markdown() -> str:
    """The matrix as the Markdown table in docs/permissions.md (a test keeps both equal).

    The last column is what a department head of any role gains on top (for the own department).
    """
    roles = list(Role)
    header = "| permission | " + " | ".join(r.value for r in roles) + " | department head |"
    rule = "|---|" + "---|" * (len(roles) + 1)
    rows = [
        f"| `{perm.value}` | "
        + " | ".join("✓" if role in allowed else "" for role in roles)
        + (" | ✓ |" if perm in HEAD_PERMS else " |  |")
        for perm, allowed in PERMISSION_MATRIX.items()
    ]
    return "\n".join([header, rule, *rows])
