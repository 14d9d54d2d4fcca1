from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treue.core.models import Department
from treue.customers.models import Customer


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActivityOrigin(models.TextChoices):
    MANUAL = "manual", _("Created by hand")
    PLAYBOOK = "playbook", _("Playbook")
    SYSTEM = "system", _("System")


class Activity(models.Model):
    """A follow-up owned by one person and one department (Aufgabe)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    # The object the follow-up is about (an order, an invoice …), named "app.model:pk".
    subject = models.CharField(_("linked object"), max_length=100, blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=ActivityOrigin.choices, default=ActivityOrigin.MANUAL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="activity_owner_idx"),
            models.Index(fields=["customer", "status", "due_on"], name="activity_customer_idx"),
            models.Index(fields=["department", "status", "due_on"], name="activity_department_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", completed_at__isnull=True)
                | models.Q(status="done", completed_at__isnull=False),
                name="activity_done_has_completed_at",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityEvent(models.Model):
    """Audit trail of an activity: created, postponed, handed over, done."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        POSTPONED = "postponed", _("postponed")
        HANDED_OVER = "handed_over", _("handed over")
        DONE = "done", _("done")
        REDIRECTED = "redirected", _("redirected to deputy")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind}"
