"""The IDU parser (reference §5.1), with property tests over every accepted form."""

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from cadastre.idu import (
    Idu,
    InvalidIdu,
    cadastral_codes,
    municipality_code,
    parse_reference,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
departements = st.one_of(
    st.integers(1, 95).map(lambda n: f"{n:02d}").filter(lambda d: d != "20"),
    st.sampled_from(["2A", "2B", "97"]),
)
communes = st.builds(lambda d, n: f"{d}{n:03d}", departements, st.integers(1, 999))
prefixes = st.integers(0, 999).map(lambda n: f"{n:03d}")
sections = st.one_of(
    st.sampled_from(LETTERS).map(lambda c: "0" + c),
    st.tuples(st.sampled_from(LETTERS), st.sampled_from(LETTERS)).map("".join),
)
numeros = st.integers(1, 9999).map(lambda n: f"{n:04d}")
idus = st.builds(lambda c, p, s, n: c + p + s + n, communes, prefixes, sections, numeros)


@given(idus)
def test_every_valid_idu_round_trips(text):
    idu = Idu.parse(text)
    assert str(idu) == text
    assert len(str(idu)) == 14


@given(idus)
def test_trimmed_etalab_parts_give_back_the_padded_idu(text):
    idu = Idu.parse(text)
    again = Idu.from_parts(idu.commune, idu.section_trimmed, idu.numero_trimmed, idu.prefixe)
    assert again == idu
    assert Idu.from_parts(idu.commune, idu.section, idu.numero, idu.prefixe) == idu


@given(idus)
def test_edigeo_twelve_characters_plus_departement_give_the_national_idu(text):
    idu = Idu.parse(text)
    assert Idu.from_edigeo(text[2:], text[:2]) == idu


@given(idus)
def test_a_typed_section_and_numero_in_the_commune_designate_the_idu(text):
    idu = Idu.parse(text)
    typed = f"{idu.section_trimmed.lower()} {int(idu.numero)}"
    if idu.prefixe != "000":
        typed = f"{idu.prefixe} {typed}"
    assert parse_reference(typed, idu.commune) == idu
    assert parse_reference(text, "75056") == idu  # a full IDU keeps its own commune


@given(st.text(max_size=20))
def test_the_parser_accepts_or_refuses_with_a_french_message(text):
    try:
        idu = Idu.parse(text)
    except InvalidIdu as exc:
        assert "14 caractères" in exc.message
    else:
        assert str(idu) == "".join(text.split()).upper()


@pytest.mark.parametrize(
    "text",
    ["91216000AB037", "91216000AB00377", "9121600AB0037", "91216000A-0037", "99A16000AB0037"],
)
def test_malformed_idus_are_refused(text):
    with pytest.raises(InvalidIdu):
        Idu.parse(text)


def test_reference_examples_of_the_domain_reference():
    idu = Idu.parse("75118000AA0002")
    assert (idu.commune, idu.prefixe, idu.section, idu.numero) == ("75118", "000", "AA", "0002")
    assert idu.municipality == "75056"
    assert Idu.from_parts("91216", "A", "2") == Idu.parse("912160000A0002")
    assert Idu.from_parts("2A004", "ab", 37).label == "AB 37"
    assert Idu.parse("2B033000AB0001").municipality == "2B033"


@pytest.mark.parametrize(
    ("arrondissement", "municipal"),
    [
        ("75101", "75056"),
        ("75120", "75056"),
        ("69381", "69123"),
        ("69389", "69123"),
        ("13201", "13055"),
        ("13216", "13055"),
        ("75121", "75121"),
        ("69390", "69390"),
        ("13217", "13217"),
        ("91216", "91216"),
        ("2A004", "2A004"),
    ],
)
def test_paris_lyon_marseille_arrondissements_belong_to_their_commune(arrondissement, municipal):
    assert municipality_code(arrondissement) == municipal


def test_arrondissement_mapping_agrees_with_the_settings():
    assert {cadastral_codes(c)[0][:2]: c for c in ("75056", "69123", "13055")} == (
        settings.MUNICIPAL_ARRONDISSEMENTS
    )
    assert len(cadastral_codes("75056")) == 20
    assert len(cadastral_codes("69123")) == 9
    assert len(cadastral_codes("13055")) == 16
    assert cadastral_codes("91216") == ("91216",)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AB 37", "91216000AB0037"),
        ("ab0037", "91216000AB0037"),
        ("A 2", "912160000A0002"),
        ("0A-2", "912160000A0002"),
        ("A2", "912160000A0002"),
        ("123 AB 5", "91216123AB0005"),
        ("AB/37", "91216000AB0037"),
    ],
)
def test_typed_references(typed, expected):
    assert str(parse_reference(typed, "91216")) == expected


@pytest.mark.parametrize("typed", ["", "37", "AB", "AB 0", "ABC 37", "AB 12345"])
def test_unusable_references_are_refused(typed):
    with pytest.raises(InvalidIdu):
        parse_reference(typed, "91216")
