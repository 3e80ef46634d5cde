"""Dossier numbers (A423-3, reference §2): formatting and parsing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permits.numbering import DossierNumber, InvalidNumber, parse
from workflow.procedures import FOLLOW_UP_BY_SUFFIX, NUMBER_PREFIXES

departments = st.one_of(
    st.integers(1, 95).map(lambda n: f"0{n:02d}"),
    st.sampled_from(["02A", "02B", "971", "972", "973", "974", "976", "975", "987"]),
)
suffixes = st.one_of(
    st.just(""),
    st.just("P0"),
    st.tuples(st.sampled_from(sorted(FOLLOW_UP_BY_SUFFIX)), st.integers(1, 99)).map(
        lambda p: f"{p[0]}{p[1]:02d}"
    ),
)
numbers = st.builds(
    DossierNumber,
    prefix=st.sampled_from(NUMBER_PREFIXES),
    department=departments,
    commune=st.integers(0, 999).map(lambda n: f"{n:03d}"),
    year=st.integers(0, 99),
    sequence=st.one_of(
        st.integers(1, 99999).map(lambda n: f"{n:05d}"),
        # Older numbers: a letter for the instruction service, then 4 digits.
        st.tuples(st.sampled_from("ABCXYZ"), st.integers(0, 9999)).map(
            lambda p: f"{p[0]}{p[1]:04d}"
        ),
    ),
    suffix=suffixes,
)


@given(numbers)
def test_display_form_parses_back_to_the_same_number(number):
    assert parse(number.display) == number
    assert parse(number.display).display == number.display


@given(numbers)
def test_compact_form_parses_back_to_the_same_number(number):
    assert parse(number.compact) == number
    assert parse(number.compact).compact == number.compact


def test_every_follow_up_kind_has_a_distinct_suffix_letter():
    assert sorted(FOLLOW_UP_BY_SUFFIX) == ["A", "D", "M", "R", "T"]
    assert "P" not in FOLLOW_UP_BY_SUFFIX  # P0 marks the initial instruction (openADS)


def test_new_number_for_a_metropolitan_commune():
    number = DossierNumber.for_commune("PC", "91216", 2026, 1)
    assert number.display == "PC 091 216 26 00001"
    assert number.compact == "PC0912162600001"


@pytest.mark.parametrize(
    ("insee", "expected"),
    [
        ("69123", "PC 069 123 24 00001"),
        ("2A004", "PC 02A 004 24 00001"),
        ("97105", "PC 971 105 24 00001"),
        ("97411", "PC 974 411 24 00001"),
    ],
)
def test_new_number_takes_department_and_commune_from_the_insee_code(insee, expected):
    assert DossierNumber.for_commune("PC", insee, 2024, 1).display == expected


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("PC0912162600001", "PC 091 216 26 00001"),
        ("pc 091 216 26 00001", "PC 091 216 26 00001"),
        ("PC0130551600001P0", "PC 013 055 16 00001 P0"),  # openADS initial instruction
        ("PC0000001600020.M02", "PC 000 000 16 00020 M02"),  # openADS modificatif
        ("PC 069 123 24 00001 T01", "PC 069 123 24 00001 T01"),
        ("DP 091 216 26 00012", "DP 091 216 26 00012"),
        ("PC 069 123 24 X0012", "PC 069 123 24 X0012"),  # old service letter
    ],
)
def test_parser_reads_the_forms_other_software_writes(text, display):
    assert parse(text).display == display


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PC",
        "XX0912162600001",
        "PC091216260001",
        "PC09121626000011",
        "PC0912162600001M1",
        "PC0912162600001Z01",
        "PCMI0912162600001",
    ],
)
def test_parser_refuses_malformed_numbers_with_a_french_message(text):
    with pytest.raises(InvalidNumber, match="n'est pas un numéro de dossier valide"):
        parse(text)


def test_base_drops_the_suffix():
    assert parse("PC0912162600001M03").base == parse("PC 091 216 26 00001")


@pytest.mark.parametrize("sequence", [0, 100000])
def test_sequence_outside_five_digits_is_refused(sequence):
    with pytest.raises(InvalidNumber):
        DossierNumber.for_commune("PC", "91216", 2026, sequence)
