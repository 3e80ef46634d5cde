"""Date arithmetic for statutory délais: months, suspensions, working days.

Pure Python. Reference: ads-reference.md §3.17.

- Délais run *de quantième à quantième* (CE 17 Sep 2010): a délai of n months that starts on
  21 Jan ends on 21 Feb + (n - 1) months; the day of the starting event is not counted.
- Where the target month has no such day number, the délai ends on the last day of that month
  (31 Jan + 1 month = 28/29 Feb). The reference marks this civil-law rule [?]; `relativedelta`
  implements exactly this clamping.
- Legal suspensions (COVID ordinances 2020-306 and 2020-427) are modelled by an explicit
  `SuspensionCalendar` object, never a global, so tests and future ordinances can pass their own.
- Only *appeal-type* deadlines move to the next working day when they end on a Saturday, Sunday
  or public holiday (CE 5 Jun 2009 n°312682); instruction délais never do (§3.17).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


def add_months(start: date, months: int) -> date:
    """`start` + `months`, same day number, clamped to the month's last day."""
    return start + relativedelta(months=months)


def add_days(start: date, days: int) -> date:
    """`start` + `days` calendar days: délais in days count every day, working or not."""
    return start + timedelta(days=days)


@dataclass(frozen=True)
class SuspensionPeriod:
    """A period (both ends inclusive) during which délais do not run."""

    start: date
    end: date
    label: str  # French, quoted in explanations
    basis: str  # the text that created it

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"suspension ends before it starts: {self.start} > {self.end}")

    @property
    def days(self) -> int:
        """Its length, ends included: the number of days a running délai is extended by."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Span:
    """Result of running a délai through a calendar."""

    start: date  # the starting event as given
    effective_start: date  # later than `start` when it fell inside a suspension
    end: date  # last day of the délai, suspensions included
    suspensions: tuple[SuspensionPeriod, ...]  # suspensions that moved the end

    @property
    def shifted(self) -> bool:
        """Whether a suspension moved the end, which the explanation must then say."""
        return bool(self.suspensions)


@dataclass(frozen=True)
class SuspensionCalendar:
    """Legal suspension periods, applied to délais that the periods cover.

    Rules (ord. 2020-306 art. 12 bis as amended by ord. 2020-427):
    - a délai running when a suspension begins is frozen for the whole suspension, i.e. every
      day of the suspension is added to its end;
    - a délai whose starting event falls inside a suspension starts running the day after the
      suspension ends (filed 1 Apr 2020, DP of 1 month: starts 24 May, ends 24 Jun 2020).
    """

    periods: tuple[SuspensionPeriod, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.periods, key=lambda p: p.start))
        for earlier, later in itertools.pairwise(ordered):
            if later.start <= earlier.end:
                raise ValueError(f"overlapping suspensions: {earlier.label} / {later.label}")
        object.__setattr__(self, "periods", ordered)

    def run(self, start: date, months: int = 0, days: int = 0) -> Span:
        """Run a délai of `months` + `days` from `start` through the suspensions."""
        applied: list[SuspensionPeriod] = []
        effective = start
        for period in self.periods:
            if effective in period:
                effective = period.end + ONE_DAY
                applied.append(period)
        end = effective + relativedelta(months=months, days=days)
        for period in self.periods:
            # Periods are sorted, and `end` only grows, so later periods see the shifted end.
            if effective < period.start <= end:
                end += timedelta(days=period.days)
                applied.append(period)
        return Span(start, effective, end, tuple(applied))


COVID_2020 = SuspensionPeriod(
    start=date(2020, 3, 12),
    end=date(2020, 5, 23),
    label="état d'urgence sanitaire (12 mars - 23 mai 2020)",
    basis="ord. 2020-306 art. 12 bis, ord. 2020-427",
)

DEFAULT_CALENDAR = SuspensionCalendar((COVID_2020,))
NO_SUSPENSIONS = SuspensionCalendar(())


def french_public_holidays(year: int) -> frozenset[date]:
    """Metropolitan public holidays (C. trav. L3133-1).

    Alsace-Moselle adds Good Friday and 26 Dec; not handled here [?].
    """
    easter_sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter_sunday + timedelta(days=1),  # lundi de Pâques
            date(year, 5, 1),
            date(year, 5, 8),
            easter_sunday + timedelta(days=39),  # Ascension
            easter_sunday + timedelta(days=50),  # lundi de Pentecôte
            date(year, 7, 14),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    )


def is_working_day(day: date) -> bool:
    """Neither a weekend nor a French public holiday: an appeal deadline may end only on one."""
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the next one (CPC art. 642 logic)."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_fr(day: date) -> str:
    """`1er mars 2026`, `21 février 2026`: dates as written in letters and explanations."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"
