"""Business-hours arithmetic for service-level clocks (complaints, later other promises).

A `BusinessCalendar` knows the working hours of one site per weekday, in the site's time zone, and
the public holidays of its German federal state (`holidays` package). Clocks run only inside
working hours and outside *pauses* — spans in which the clock is stopped, e.g. while a complaint
waits for the customer. All datetimes in and out are aware; results are in the site's time zone.

    calendar = BusinessCalendar(state="BW")
    due = calendar.add_minutes(received_at, 8 * 60)  # one working day later
    left = calendar.minutes_between(now, due)
"""

import datetime
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

Span = tuple[datetime.datetime, datetime.datetime]

GERMAN_STATES = frozenset(holidays.Germany.subdivisions) - {"Augsburg"}
# Monday to Friday, 8:00 to 17:00 (a working day of eight hours and a lunch break left to people).
DEFAULT_HOURS: Mapping[int, tuple[datetime.time, datetime.time]] = {
    weekday: (datetime.time(8), datetime.time(17)) for weekday in range(5)
}
# Far enough for any service-level target, near enough that a wrong input cannot loop for long.
MAX_DAYS = 3660


@functools.lru_cache(maxsize=64)
def _holidays(state: str, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Germany(subdiv=state, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    state: str = "BW"
    hours: Mapping[int, tuple[datetime.time, datetime.time]] = field(
        default_factory=lambda: dict(DEFAULT_HOURS)
    )
    time_zone: str = "Europe/Berlin"

    def __post_init__(self) -> None:
        if self.state not in GERMAN_STATES:
            raise ValueError(
                f"{self.state!r} is no German federal state; use one of "
                f"{', '.join(sorted(GERMAN_STATES))}."
            )
        for weekday, (start, end) in self.hours.items():
            if not 0 <= weekday <= 6 or start >= end:
                raise ValueError(f"Working hours {start}-{end} on weekday {weekday} are invalid.")
        if not self.hours:
            raise ValueError("A calendar needs working hours on at least one weekday.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_holiday(self, day: datetime.date) -> bool:
        return day in _holidays(self.state, day.year)

    def working_spans(self, day: datetime.date) -> list[Span]:
        """The working hours of `day` as aware datetimes (none on weekends and holidays)."""
        hours = self.hours.get(day.weekday())
        if hours is None or self.is_holiday(day):
            return []
        start, end = hours
        zone = self.zone
        return [
            (
                datetime.datetime.combine(day, start, tzinfo=zone),
                datetime.datetime.combine(day, end, tzinfo=zone),
            )
        ]

    def _spans_from(self, moment: datetime.datetime) -> Iterator[Span]:
        day = moment.astimezone(self.zone).date()
        for offset in range(MAX_DAYS):
            for start, end in self.working_spans(day + datetime.timedelta(days=offset)):
                if end > moment:
                    yield max(start, moment), end

    def add_minutes(
        self, start: datetime.datetime, minutes: float, *, pauses: Sequence[Span] = ()
    ) -> datetime.datetime:
        """The moment at which `minutes` of working time have passed since `start`.

        With 0 minutes it is `start` itself when that lies in working time, else the next moment
        the clock runs.
        """
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        _require_aware(start)
        left = datetime.timedelta(minutes=minutes)
        for span_start, span_end in _without(self._spans_from(start), pauses):
            length = span_end - span_start
            if left <= length:
                return (span_start + left).astimezone(self.zone)
            left -= length
        raise ValueError(f"{minutes} working minutes do not fit into {MAX_DAYS} days.")

    def minutes_between(
        self, start: datetime.datetime, end: datetime.datetime, *, pauses: Sequence[Span] = ()
    ) -> float:
        """Working minutes from `start` to `end`; negative when `end` lies before `start`."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.minutes_between(end, start, pauses=pauses)
        total = datetime.timedelta()
        for span_start, span_end in _without(self._spans_from(start), pauses):
            if span_start >= end:
                break
            total += min(span_end, end) - span_start
        return total.total_seconds() / 60


def _require_aware(moment: datetime.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-hours arithmetic needs aware datetimes")


def _without(spans: Iterable[Span], pauses: Sequence[Span]) -> Iterator[Span]:
    """`spans` (in order) with the pauses cut out; an open pause has end = datetime.max."""
    ordered = sorted(pauses)
    for start, end in spans:
        pieces = [(start, end)]
        for pause_start, pause_end in ordered:
            if pause_end <= start or pause_start >= end:
                continue
            cut = []
            for piece_start, piece_end in pieces:
                if pause_start > piece_start:
                    cut.append((piece_start, min(piece_end, pause_start)))
                if pause_end < piece_end:
                    cut.append((max(piece_start, pause_end), piece_end))
            pieces = [(s, e) for s, e in cut if e > s]
        yield from pieces
