"""Service-level clocks count working time only: weekends, holidays of the federal state and
pauses do not count."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from treue.core.business_hours import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
BW = BusinessCalendar(state="BW")


def at(day: str, time: str = "00:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BERLIN)


def test_minutes_inside_one_working_day() -> None:
    assert BW.add_minutes(at("2026-03-10", "09:00"), 120) == at("2026-03-10", "11:00")


def test_the_clock_carries_over_the_evening_into_the_next_morning() -> None:
    # 16:00 + 2 h: one hour on Tuesday until 17:00, one on Wednesday from 8:00
    assert BW.add_minutes(at("2026-03-10", "16:00"), 120) == at("2026-03-11", "09:00")


def test_a_friday_afternoon_target_lands_on_monday() -> None:
    assert BW.add_minutes(at("2026-03-13", "15:00"), 4 * 60) == at("2026-03-16", "10:00")


def test_a_mail_on_saturday_starts_the_clock_on_monday_at_eight() -> None:
    assert BW.add_minutes(at("2026-03-14", "11:30"), 0) == at("2026-03-16", "08:00")
    assert BW.add_minutes(at("2026-03-14", "11:30"), 30) == at("2026-03-16", "08:30")


def test_public_holidays_of_the_state_do_not_count() -> None:
    # 6 January (Epiphany) is a holiday in Baden-Württemberg, not in Berlin
    start = at("2026-01-05", "16:00")  # Monday
    assert BW.add_minutes(start, 120) == at("2026-01-07", "09:00")
    assert BusinessCalendar(state="BE").add_minutes(start, 120) == at("2026-01-06", "09:00")


def test_easter_is_skipped_from_good_friday_to_easter_monday() -> None:
    # Thursday 2 April 2026, 16:00 + 2 h -> Tuesday 7 April, 9:00
    assert BW.add_minutes(at("2026-04-02", "16:00"), 120) == at("2026-04-07", "09:00")


def test_a_pause_stops_the_clock() -> None:
    pauses = [(at("2026-03-10", "10:00"), at("2026-03-11", "14:00"))]

    due = BW.add_minutes(at("2026-03-10", "09:00"), 180, pauses=pauses)

    # 1 h before the pause, then from Wednesday 14:00 two more hours
    assert due == at("2026-03-11", "16:00")
    assert BW.minutes_between(at("2026-03-10", "09:00"), due, pauses=pauses) == 180


def test_an_open_pause_never_lets_the_target_come() -> None:
    pauses = [(at("2026-03-10", "10:00"), datetime.datetime.max.replace(tzinfo=datetime.UTC))]

    assert BW.minutes_between(at("2026-03-10", "09:00"), at("2026-04-10"), pauses=pauses) == 60
    with pytest.raises(ValueError, match="do not fit"):
        BW.add_minutes(at("2026-03-10", "09:00"), 120, pauses=pauses)


def test_minutes_between_counts_only_working_time_and_is_negative_when_overdue() -> None:
    friday_noon, monday_noon = at("2026-03-13", "12:00"), at("2026-03-16", "12:00")

    assert BW.minutes_between(friday_noon, monday_noon) == 9 * 60
    assert BW.minutes_between(monday_noon, friday_noon) == -9 * 60


def test_the_clock_runs_on_wall_clock_hours_across_the_change_to_summer_time() -> None:
    # The night from 28 to 29 March 2026 has one hour less; working hours stay 8-17
    due = BW.add_minutes(at("2026-03-27", "16:00"), 120)

    assert due == at("2026-03-30", "09:00")
    assert due.utcoffset() == datetime.timedelta(hours=2)


def test_datetimes_in_utc_are_read_in_the_site_time_zone() -> None:
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)  # 9:00 in Berlin

    assert BW.add_minutes(start, 60) == at("2026-03-10", "10:00")


def test_custom_working_hours() -> None:
    saturday_shift = BusinessCalendar(state="BY", hours={5: (datetime.time(6), datetime.time(14))})

    assert saturday_shift.add_minutes(at("2026-03-10", "12:00"), 60) == at("2026-03-14", "07:00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"state": "XX"}, "no German federal state"),
        ({"hours": {0: (datetime.time(17), datetime.time(8))}}, "invalid"),
        ({"hours": {}}, "at least one weekday"),
    ],
)
def test_a_wrong_calendar_is_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)


def test_naive_datetimes_and_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        BW.add_minutes(datetime.datetime(2026, 3, 10, 9), 10)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="negative"):
        BW.add_minutes(at("2026-03-10", "09:00"), -1)
