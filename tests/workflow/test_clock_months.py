"""Month arithmetic, the suspension calendar and working days (§3.17)."""

from datetime import date

import pytest

from tests.workflow._helpers import by_name, d
from workflow.clock import (
    COVID_2020,
    DEFAULT_CALENDAR,
    NO_SUSPENSIONS,
    Facts,
    SuspensionCalendar,
    SuspensionPeriod,
    add_months,
    format_fr,
    french_public_holidays,
    next_working_day,
)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2026-01-21", 1, "2026-02-21"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2024-02-29", 36, "2027-02-28"),
        ("2026-12-15", 2, "2027-02-15"),
        ("2026-05-31", -2, "2026-03-31"),
    ],
)
def test_add_months_quantieme_with_month_end_clamping(start, months, end):
    assert add_months(d(start), months) == d(end)


def test_covid_period_is_12_march_to_23_may_2020_inclusive():
    assert (COVID_2020.start, COVID_2020.end) == (d("2020-03-12"), d("2020-05-23"))
    assert COVID_2020.days == 73
    assert DEFAULT_CALENDAR.periods == (COVID_2020,)
    assert NO_SUSPENSIONS.periods == ()


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        # Running on 12 March: the 73 days of the suspension are added.
        ("2020-03-01", 1, "2020-06-13"),  # 1 Apr + 73 days
        ("2020-02-01", 3, "2020-07-13"),  # 1 May + 73 days
        ("2020-03-11", 1, "2020-06-23"),  # every counted day fell inside the suspension
        # Starting inside: runs from the day after the suspension (24 May).
        ("2020-03-12", 1, "2020-06-24"),
        ("2020-04-15", 1, "2020-06-24"),
        ("2020-05-23", 2, "2020-07-24"),
        # Untouched: ends before, or starts after.
        ("2019-12-01", 1, "2020-01-01"),
        ("2020-02-11", 1, "2020-03-11"),
        ("2020-05-24", 1, "2020-06-24"),
    ],
)
def test_covid_suspension_shifts_running_periods(start, months, end):
    assert DEFAULT_CALENDAR.run(d(start), months=months).end == d(end)
    assert NO_SUSPENSIONS.run(d(start), months=months).end == add_months(d(start), months)


def test_suspension_reports_what_moved_the_end():
    span = DEFAULT_CALENDAR.run(d("2020-04-15"), months=1)
    assert span.effective_start == d("2020-05-24")
    assert span.suspensions == (COVID_2020,)
    assert span.shifted
    assert not DEFAULT_CALENDAR.run(d("2021-04-15"), months=1).shifted


def test_several_suspensions_chain():
    first = SuspensionPeriod(d("2030-01-10"), d("2030-01-19"), "A", "test")
    second = SuspensionPeriod(d("2030-02-15"), d("2030-02-24"), "B", "test")
    calendar = SuspensionCalendar((second, first))  # order given does not matter
    assert calendar.periods == (first, second)
    # 5 Jan + 1 month = 5 Feb; +10 (A) = 15 Feb, which reaches B: +10 = 25 Feb.
    assert calendar.run(d("2030-01-05"), months=1).end == d("2030-02-25")


def test_suspension_calendar_rejects_bad_periods():
    with pytest.raises(ValueError, match="ends before"):
        SuspensionPeriod(d("2030-01-10"), d("2030-01-09"), "x", "x")
    a = SuspensionPeriod(d("2030-01-10"), d("2030-01-20"), "A", "x")
    b = SuspensionPeriod(d("2030-01-20"), d("2030-01-25"), "B", "x")
    with pytest.raises(ValueError, match="overlapping"):
        SuspensionCalendar((a, b))


def test_2020_suspension_shifts_dp_instruction_and_is_explained():
    facts = Facts("DP", d("2020-03-01"))
    shifted = by_name(facts)
    plain = by_name(facts, calendar=NO_SUSPENSIONS)
    assert plain["instruction_end"].date == d("2020-04-01")
    assert shifted["instruction_end"].date == d("2020-06-13")
    assert shifted["tacit_decision"].date == d("2020-06-14")
    assert "73 jours" in shifted["instruction_end"].explanation
    assert "2020-306" in shifted["instruction_end"].explanation
    # The completeness month ran into the suspension too.
    assert shifted["completeness_deadline"].date == d("2020-06-13")


def test_2020_suspension_defers_start_of_pc_filed_during_it():
    found = by_name(Facts("PC", d("2020-04-02")))
    assert found["instruction_end"].date == d("2020-08-24")
    assert "Point de départ reporté au 24 mai 2020" in found["instruction_end"].explanation


def test_custom_calendar_is_passed_explicitly():
    strike = SuspensionPeriod(d("2031-02-01"), d("2031-02-10"), "grève", "test")
    facts = Facts("DP", d("2031-01-20"))
    assert by_name(facts)["instruction_end"].date == d("2031-02-20")
    moved = by_name(facts, calendar=SuspensionCalendar((strike,)))
    assert moved["instruction_end"].date == d("2031-03-02")


def test_posting_and_validity_are_not_suspended():
    found = by_name(
        Facts(
            "PCMI",
            d("2020-03-01"),
            decision_signed=d("2020-04-20"),
            decision_notified=d("2020-04-22"),
        )
    )
    assert found["filing_notice_posting"].date == d("2020-03-16")
    assert found["prefet_transmission"].date == d("2020-05-05")
    assert found["validity_end"].date == d("2023-04-22")


def test_french_public_holidays_2026():
    holidays = french_public_holidays(2026)
    assert len(holidays) == 11
    assert d("2026-04-06") in holidays  # lundi de Pâques
    assert d("2026-05-14") in holidays  # Ascension
    assert d("2026-05-25") in holidays  # lundi de Pentecôte
    assert d("2026-07-14") in holidays


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-07-10", "2026-07-10"),  # Friday
        ("2026-07-11", "2026-07-13"),  # Saturday
        ("2026-07-12", "2026-07-13"),  # Sunday
        ("2026-07-14", "2026-07-15"),  # fête nationale (Tuesday)
        ("2026-05-01", "2026-05-04"),  # Friday holiday, then weekend
        ("2026-12-25", "2026-12-28"),
    ],
)
def test_next_working_day(day, expected):
    assert next_working_day(d(day)) == d(expected)


def test_format_fr():
    assert format_fr(date(2026, 3, 1)) == "1er mars 2026"
    assert format_fr(date(2026, 2, 21)) == "21 février 2026"
    assert format_fr(date(2026, 8, 15)) == "15 août 2026"
