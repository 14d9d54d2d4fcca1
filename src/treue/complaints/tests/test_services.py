import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from treue.activities.models import Activity
from treue.communications.models import Communication
from treue.complaints import sla
from treue.complaints.models import Complaint, ComplaintEvent, Escalation, ImmutableError
from treue.complaints.services import (
    complaint_create,
    complaint_pause,
    complaint_resume,
    complaint_transition,
    complaint_update,
    complaints_escalate,
)
from treue.complaints.tests.factories import walk
from treue.core.errors import BusinessRuleError
from treue.core.tests.factories import UserFactory
from treue.customers.tests.factories import CustomerFactory
from treue.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday morning in Baden-Württemberg, no holiday near.
MONDAY = datetime.datetime(2026, 3, 9, 8, 0, tzinfo=BERLIN)


@pytest.fixture
def quality() -> object:
    head = UserFactory(username="qhead", role="quality", language="en")
    head.department.head = head
    head.department.save()
    return UserFactory(username="qstaff", role="quality", department=head.department)


def file(world: dict, **fields: object) -> Complaint:
    values = {
        "customer": world["customer"],
        "contact": world["contact"],
        "order": world["order"],
        "category": "quality_defect",
        "severity": "critical",
        "description": "Spindel läuft unrund",
        "by": None,
        "received_at": MONDAY,
        **fields,
    }
    return complaint_create(**values)  # type: ignore[arg-type]


def test_a_filed_complaint_gets_a_number_a_policy_due_times_and_an_acknowledgement(
    customer_world: dict,
) -> None:
    complaint = file(customer_world)

    assert complaint.number == "R-2026-00001"
    assert complaint.policy.name == "Kritisch"
    states = {s.target: s for s in sla.target_states(complaint, now=MONDAY)}
    # Critical: acknowledge within 60 business minutes, propose within a working day (9 hours),
    # resolve within five: by Friday evening.
    assert states["acknowledge"].due_at == MONDAY + datetime.timedelta(hours=1)
    assert states["propose"].due_at == datetime.datetime(2026, 3, 9, 17, 0, tzinfo=BERLIN)
    assert states["resolve"].due_at == datetime.datetime(2026, 3, 13, 17, 0, tzinfo=BERLIN)
    assert complaint.next_due_at == MONDAY + datetime.timedelta(hours=1)
    (notice,) = Communication.objects.filter(type="complaint_update")
    assert notice.contact == customer_world["contact"]
    assert "R-2026-00001" in notice.subject
    assert file(customer_world).number == "R-2026-00002"


def test_a_complaint_naming_another_customers_order_is_refused(customer_world: dict) -> None:
    other = OrderFactory(customer=CustomerFactory(number="K20002"))

    with pytest.raises(ValidationError) as refused:
        file(customer_world, order=other)

    assert "order" in refused.value.message_dict
    assert Complaint.objects.count() == 0


def test_the_workflow_walks_from_new_to_closed_and_keeps_every_step(
    customer_world: dict, quality: object
) -> None:
    complaint = file(customer_world, category="packaging")
    complaint = walk(
        complaint, until="closed", solution="Ersatzlieferung in neuer Verpackung", by=quality
    )

    assert complaint.status == "closed"
    statuses = list(
        ComplaintEvent.objects.filter(complaint=complaint, kind="status").values_list("old", "new")
    )
    assert statuses[0] == ("new", "acknowledged")
    assert statuses[-1] == ("implemented", "closed")
    assert complaint.acknowledged_at is not None
    assert complaint.proposed_at is not None
    assert complaint.resolved_at is not None


@pytest.mark.parametrize("to", ["closed", "solution_agreed", "implemented"])
def test_a_jump_the_workflow_does_not_allow_is_refused(customer_world: dict, to: str) -> None:
    complaint = file(customer_world)

    with pytest.raises(BusinessRuleError) as refused:
        complaint_transition(complaint=complaint, to=to, by=None)

    assert refused.value.code == "transition_not_allowed"
    complaint.refresh_from_db()
    assert complaint.status == "new"


def test_a_quality_complaint_closes_only_with_root_cause_and_corrective_action(
    customer_world: dict,
) -> None:
    complaint = file(customer_world)
    complaint = walk(complaint, until="implemented", solution="Spindel tauschen")

    with pytest.raises(BusinessRuleError) as refused:
        complaint_transition(complaint=complaint, to="closed", by=None)
    assert refused.value.code == "requirements_missing"

    complaint = complaint_transition(
        complaint=complaint,
        to="closed",
        by=None,
        data={
            "root_cause": "Lager vom Zulieferer fehlerhaft",
            "cause_category": "purchased_component",
            "supplier": "Wälzlager AG",
            "corrective_action": "Wareneingangsprüfung der Lager",
        },
    )
    assert complaint.status == "closed"


def test_a_rejection_needs_a_reason(customer_world: dict) -> None:
    complaint = file(customer_world)

    with pytest.raises(BusinessRuleError):
        complaint_transition(complaint=complaint, to="rejected", by=None)
    complaint = complaint_transition(
        complaint=complaint,
        to="rejected",
        by=None,
        data={"rejection_reason": "Bedienfehler laut Protokoll"},
    )

    assert complaint.status == "rejected"
    reopened = complaint_transition(complaint=complaint, to="analysis", by=None)
    assert reopened.closed_at is None


def test_a_save_on_stale_data_is_told_that_the_complaint_changed_meanwhile(
    customer_world: dict,
) -> None:
    complaint = file(customer_world)
    seen = complaint.version
    complaint_update(complaint=complaint, data={"severity": "high"}, by=None, version=seen)

    with pytest.raises(BusinessRuleError) as refused:
        complaint_update(complaint=complaint, data={"severity": "low"}, by=None, version=seen)

    assert refused.value.code == "changed_meanwhile"
    complaint.refresh_from_db()
    assert complaint.severity == "high"
    assert complaint.policy.name == "Hoch"  # the severity chose the policy again


def test_every_field_change_is_an_event_that_cannot_be_changed(customer_world: dict) -> None:
    complaint = file(customer_world)
    complaint_update(complaint=complaint, data={"machine_serial": "FZ100-0815"}, by=None)

    event = ComplaintEvent.objects.get(field="machine_serial")
    assert (event.old, event.new) == ("", "FZ100-0815")
    event.note = "geändert"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()


def test_the_clock_stops_while_waiting_for_the_customer(customer_world: dict) -> None:
    complaint = file(customer_world, severity="high")  # propose within two working days
    complaint = complaint_transition(
        complaint=complaint, to="acknowledged", by=None, now=MONDAY + datetime.timedelta(hours=1)
    )
    complaint_pause(
        complaint=complaint,
        reason="Warten auf Musterteil",
        by=None,
        now=datetime.datetime(2026, 3, 9, 12, 0, tzinfo=BERLIN),
    )
    complaint.refresh_from_db()
    assert complaint.next_due_at is None  # a paused complaint is not at risk

    complaint_resume(
        complaint=complaint, by=None, now=datetime.datetime(2026, 3, 11, 12, 0, tzinfo=BERLIN)
    )
    complaint.refresh_from_db()
    propose = next(s for s in sla.target_states(complaint, now=MONDAY) if s.target == "propose")
    # Two working days (18 h) from Monday 8:00 end on Tuesday at 17:00; four hours were used
    # before the pause, which lasted two days: the other 14 end on Thursday at 17:00.
    assert propose.due_at == datetime.datetime(2026, 3, 12, 17, 0, tzinfo=BERLIN)


def test_escalation_warns_the_owner_at_75_percent_and_tells_head_and_account_owner_at_breach(
    customer_world: dict, quality: object
) -> None:
    complaint = file(customer_world, owner=quality)

    first = complaints_escalate(now=MONDAY + datetime.timedelta(minutes=46))
    again = complaints_escalate(now=MONDAY + datetime.timedelta(minutes=50))
    breach = complaints_escalate(now=MONDAY + datetime.timedelta(minutes=61))

    assert (first.warnings, again.warnings, breach.breaches) == (1, 0, 1)
    warned = Activity.objects.get(owner=quality)
    assert complaint.number in warned.title
    assert Escalation.objects.filter(complaint=complaint).count() == 2
    told = set(Activity.objects.exclude(owner=quality).values_list("owner__username", flat=True))
    assert told == {"qhead", customer_world["owner"].username}
    assert "run out" in Activity.objects.get(owner__username="qhead").title
