"""Service-level clocks of complaints: which policy applies, and per target when it is due, how
many business minutes are left, whether the clock is paused and whether it broke.

Pure reads over a complaint and its pauses; `services` stores the earliest due time on the
complaint (`next_due_at`) so that the queue sorts by risk without computing.
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings

from treue.core.business_hours import BusinessCalendar, Span

from .models import Complaint, ComplaintPause, SlaPolicy, SlaTarget

WARNING_SHARE = 0.75


@functools.cache
def _calendar(state: str) -> BusinessCalendar:
    return BusinessCalendar(state=state)


def site_calendar() -> BusinessCalendar:
    """The calendar of the site (TREUE_SITE_STATE): its working hours and public holidays."""
    return _calendar(settings.SITE_STATE)


def policy_for(*, severity: str, category: str, segment: str) -> SlaPolicy | None:
    """The policy naming the most of the complaint's criteria (an empty criterion matches all)."""
    candidates = SlaPolicy.objects.filter(
        severity__in=[severity, ""], category__in=[category, ""], segment__in=[segment, ""]
    )
    return max(
        candidates,
        key=lambda p: (bool(p.severity) + bool(p.category) + bool(p.segment), bool(p.severity)),
        default=None,
    )


@dataclass(frozen=True)
class TargetState:
    target: str
    minutes: int
    due_at: datetime.datetime
    met_at: datetime.datetime | None
    remaining_business_minutes: int  # negative once breached; 0 when met in time
    paused: bool
    breached: bool
    used_share: float  # business time used of the target's minutes

    @property
    def label(self) -> str:
        return str(SlaTarget(self.target).label)

    @property
    def at_risk(self) -> bool:
        return self.met_at is None and not self.breached and self.used_share >= WARNING_SHARE


def pause_spans(pauses: list[ComplaintPause], *, now: datetime.datetime) -> list[Span]:
    """The pauses as spans; an open one ends now (the due time moves on while it lasts)."""
    return [(p.started_at, p.ended_at or now) for p in pauses]


def _met_at(complaint: Complaint, target: str) -> datetime.datetime | None:
    return {
        SlaTarget.ACKNOWLEDGE: complaint.acknowledged_at,
        SlaTarget.PROPOSE: complaint.proposed_at,
        SlaTarget.RESOLVE: complaint.resolved_at,
    }[SlaTarget(target)]


def target_states(
    complaint: Complaint,
    *,
    now: datetime.datetime,
    pauses: list[ComplaintPause] | None = None,
    calendar: BusinessCalendar | None = None,
) -> list[TargetState]:
    """One state per target of the complaint's policy; none without a policy or as a draft."""
    policy = complaint.policy
    if policy is None or complaint.is_draft:
        return []
    calendar = calendar or site_calendar()
    pauses = list(complaint.pauses.all()) if pauses is None else pauses
    paused = any(p.ended_at is None for p in pauses)
    spans = pause_spans(pauses, now=now)
    states = []
    for target in SlaTarget:
        minutes = policy.minutes(target)
        due = calendar.add_minutes(complaint.received_at, minutes, pauses=spans)
        met = _met_at(complaint, target) or (None if complaint.is_open else complaint.closed_at)
        until = met or now
        used = calendar.minutes_between(complaint.received_at, until, pauses=spans)
        remaining = 0 if met else round(calendar.minutes_between(now, due, pauses=spans))
        states.append(
            TargetState(
                target=target.value,
                minutes=minutes,
                due_at=due,
                met_at=met,
                remaining_business_minutes=remaining,
                paused=paused and met is None,
                breached=until > due,
                used_share=used / minutes if minutes else 1.0,
            )
        )
    return states


def next_due(states: list[TargetState]) -> datetime.datetime | None:
    """The earliest due time of a target not met; None while paused or when all are met."""
    open_states = [s for s in states if s.met_at is None]
    if not open_states or any(s.paused for s in open_states):
        return None
    return min(s.due_at for s in open_states)


# The field on the complaint that keeps whether a target was met late.
LATE_FIELDS = {
    SlaTarget.ACKNOWLEDGE: "acknowledged_late",
    SlaTarget.PROPOSE: "proposed_late",
    SlaTarget.RESOLVE: "resolved_late",
}


def late_flags(states: list[TargetState]) -> dict[str, bool | None]:
    """Per late field: whether its target was met late; None while it is not met."""
    flags: dict[str, bool | None] = dict.fromkeys(LATE_FIELDS.values())
    for state in states:
        if state.met_at is not None:
            flags[LATE_FIELDS[SlaTarget(state.target)]] = state.breached
    return flags
