"""Hypothesis properties of the statutory clock."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.clock import (
    DEFAULT_CALENDAR,
    NO_SUSPENSIONS,
    ExceptionFlag,
    Facts,
    Majoration,
    MajorationReason,
    SuspensionCalendar,
    SuspensionPeriod,
    add_months,
    compute_deadlines,
    instruction,
)

CLOCKED = ["PCMI", "PC", "PA", "PD", "DP", "DPLT", "CUA", "CUB"]
INSTRUCTED = ["PCMI", "PC", "PA", "PD", "DP", "DPLT"]

dates = st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31))
reasons = st.sampled_from(list(MajorationReason))
flags = st.frozensets(st.sampled_from(list(ExceptionFlag)), max_size=4)
majoration_sets = st.lists(reasons, max_size=3, unique=True).map(tuple)

settings.register_profile("clock", deadline=None, max_examples=150)


def consistent(majorations, flag_set) -> frozenset:
    """The flags a majoration set requires (clock.consistency refuses R423-28 b without ERP or
    IGH): an ERP is added where needed."""
    if MajorationReason.R423_28_B_ERP_IGH in [getattr(m, "reason", m) for m in majorations]:
        return frozenset(flag_set) | {ExceptionFlag.ERP}
    return frozenset(flag_set)


settings.load_profile("clock")


@st.composite
def facts(draw, codes=CLOCKED):
    code = draw(st.sampled_from(codes))
    filed = draw(dates)
    kwargs = {}
    if draw(st.booleans()):
        requested = filed + timedelta(days=draw(st.integers(0, 60)))
        kwargs["pieces_requested"] = requested
        if draw(st.booleans()):
            kwargs["pieces_received"] = requested + timedelta(days=draw(st.integers(0, 120)))
    majs = draw(majoration_sets)
    return Facts(code, filed, majorations=majs, flags=consistent(majs, draw(flags)), **kwargs)


def _key(deadlines):
    return [(x.name, x.date, x.consequence) for x in deadlines]


@given(facts(), reasons)
def test_a_majoration_never_shortens_the_delai(base, reason):
    if reason in base.majorations:
        return
    more = Facts(
        base.procedure,
        base.filed,
        pieces_requested=base.pieces_requested,
        pieces_received=base.pieces_received,
        flags=consistent([reason], base.flags),
        majorations=(*base.majorations, Majoration(reason)),
    )
    before, after = instruction(base), instruction(more)
    assert after.delay.months >= before.delay.months
    if before.end is not None:
        assert after.end.end >= before.end.end


@given(facts(), reasons, st.integers(1, 200))
def test_a_late_majoration_changes_nothing_but_the_facts_it_reveals(base, reason, days_late):
    """A late majoration moves no date (R423-42, CE n°462511); the situation that justified it
    (an MH inscrit, a réserve naturelle…) stays true and keeps its effect (R424-2)."""
    window_end = DEFAULT_CALENDAR.run(base.filed, months=1).end
    late = Facts(
        base.procedure,
        base.filed,
        pieces_requested=base.pieces_requested,
        pieces_received=base.pieces_received,
        flags=consistent([reason], base.flags),
        majorations=(Majoration(reason, window_end + timedelta(days=days_late)),),
    )
    plain = Facts(
        base.procedure,
        base.filed,
        pieces_requested=base.pieces_requested,
        pieces_received=base.pieces_received,
        flags=late.flags,
    )
    assert _key(compute_deadlines(late)) == _key(compute_deadlines(plain))


@given(facts())
def test_tacit_date_is_the_day_after_the_instruction_end(f):
    found = {x.name: x for x in compute_deadlines(f)}
    tacit = found["tacit_decision"]
    last = found["instruction_end"] if "instruction_end" in found else found["pieces_deadline"]
    assert tacit.date == last.date + timedelta(days=1)
    assert tacit.consequence is last.consequence


@given(
    st.sampled_from(INSTRUCTED),
    dates,
    majoration_sets,
    flags,
    st.integers(1, 300),
    st.integers(0, 200),
)
def test_a_pieces_request_after_the_first_month_changes_nothing(
    code, filed, majs, fl, late, received_after
):
    fl = consistent(majs, fl)
    plain = Facts(code, filed, majorations=majs, flags=fl)
    window_end = DEFAULT_CALENDAR.run(filed, months=1).end
    requested = window_end + timedelta(days=late)
    late_request = Facts(
        code,
        filed,
        majorations=majs,
        flags=fl,
        pieces_requested=requested,
        pieces_received=requested + timedelta(days=received_after),
    )
    assert _key(compute_deadlines(late_request)) == _key(compute_deadlines(plain))


@given(facts())
def test_the_2020_suspension_never_shortens_a_deadline(f):
    """Same deadline, same effect on the same ground: never earlier. (The suspension may
    change the ground or the effect: a pieces request made during it is timely, see the next
    test.)"""
    without = {x.name: x for x in compute_deadlines(f, calendar=NO_SUSPENSIONS)}
    with_suspension = {x.name: x for x in compute_deadlines(f)}
    for name, plain in without.items():
        suspended = with_suspension.get(name)
        same = suspended is not None and suspended.consequence == plain.consequence
        if same and suspended.basis == plain.basis:
            assert suspended.date >= plain.date


def test_a_pieces_request_made_during_the_2020_suspension_is_timely():
    """Filed on 1 April 2020, pieces asked on 2 May: without the suspension the request comes
    after the month of R423-38 and does not stop the délai (a tacit grant); with it, the month
    only began on 24 May 2020, the request counts and, the pieces never coming, the dossier is
    tacitly rejected three months after the suspension ended (R423-39)."""
    f = Facts(procedure="PCMI", filed=date(2020, 4, 1), pieces_requested=date(2020, 5, 2))
    plain = {x.name: x for x in compute_deadlines(f, calendar=NO_SUSPENSIONS)}["tacit_decision"]
    suspended = {x.name: x for x in compute_deadlines(f)}["tacit_decision"]
    assert plain.consequence != suspended.consequence
    assert "permis tacite" in plain.explanation and "refus tacite" in suspended.explanation
    assert suspended.date == date(2020, 8, 25)


def test_a_timely_pieces_request_may_bring_a_refusal_forward_on_another_ground():
    """Hypothesis found it: where silence means refusal (R424-2) and the délai is majorated
    (défrichement: enquête publique), a request made on 13 March 2020, a day late without the
    suspension, is timely with it. Both are tacit refusals, on different grounds and dates:
    without the suspension, R424-2 at the end of the majorated délai; with it, the request
    counts and R423-39 b applies, three months after it (counted from the suspension's end)."""
    f = Facts(
        procedure="PCMI",
        filed=date(2020, 2, 12),
        pieces_requested=date(2020, 3, 13),
        majorations=(Majoration(MajorationReason.R423_29_DEFRICHEMENT_ENQUETE, None),),
        flags=frozenset([ExceptionFlag.R424_2_CASE]),
    )
    plain = {x.name: x for x in compute_deadlines(f, calendar=NO_SUSPENSIONS)}["tacit_decision"]
    suspended = {x.name: x for x in compute_deadlines(f)}["tacit_decision"]
    assert plain.consequence == suspended.consequence
    assert (plain.basis, plain.date) == ("R424-2", date(2020, 9, 13))
    assert (suspended.basis, suspended.date) == ("R423-39 b", date(2020, 8, 25))


@st.composite
def calendars(draw):
    periods = []
    cursor = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 1, 1)))
    for _ in range(draw(st.integers(0, 3))):
        start = cursor + timedelta(days=draw(st.integers(1, 400)))
        end = start + timedelta(days=draw(st.integers(0, 120)))
        periods.append(SuspensionPeriod(start, end, "test", "test"))
        cursor = end
    return SuspensionCalendar(tuple(periods))


@given(calendars(), dates, st.integers(0, 36), st.integers(0, 30))
def test_any_suspension_never_shortens_and_adds_at_most_its_length(cal, start, months, days):
    span = cal.run(start, months=months, days=days)
    plain = NO_SUSPENSIONS.run(start, months=months, days=days).end
    assert span.end >= plain
    assert span.effective_start >= start
    # the shift is bounded by the suspensions plus month-end clamping effects (<= 3 days)
    total = sum(p.days for p in cal.periods)
    assert (span.end - plain).days <= total + 3


@given(dates, dates, st.integers(0, 24))
def test_add_months_is_monotonic(a, b, months):
    if a <= b:
        assert add_months(a, months) <= add_months(b, months)


@given(st.sampled_from(CLOCKED), dates, dates)
def test_later_filing_never_gives_an_earlier_tacit_date(code, a, b):
    first, second = sorted((a, b))
    assert instruction(Facts(code, first)).tacit_date <= instruction(Facts(code, second)).tacit_date
