"""The applicant block from the identity pivot, on FranceConnect's own test identities."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from accounts import referential
from accounts.identity import PresumedDate, applicant_fields_from_claims

IDENTITIES = Path(settings.BASE_DIR).parent / "shared/data/franceconnect/fcp-low_citizen_base.csv"


def identity(login: str) -> dict:
    """The claims FranceConnect sends for a test identity (absent claims left out)."""
    with IDENTITIES.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["login"] == login:
                return {k: v for k, v in row.items() if v and k != "login"}
    raise KeyError(login)


def test_a_usage_name_and_a_commune_of_birth():
    prefill = applicant_fields_from_claims(identity("avec_nom_dusage"))
    assert prefill.fields == {
        "kind": "person",
        "civility": "monsieur",
        "birth_name": "MERCIER",
        "usage_name": "DUBOIS",
        "given_names": "Pierre",
        "birth_date": "1969-03-17",
        "birth_place": "Gonesse",
        "birth_department": "Val-d'Oise (95)",
        "birth_country": "FRANCE",
        "email": "ymmyffarapp-1777@yopmail.com",
    }
    assert prefill.certified == set(prefill.fields) - {"kind", "email"}


def test_born_abroad_has_no_commune_but_a_country():
    prefill = applicant_fields_from_claims(identity("naissance_Portugal"))
    assert prefill.fields["birth_place"] == "" and prefill.fields["birth_department"] == ""
    assert prefill.fields["birth_country"] == "PORTUGAL"
    assert "birth_place" not in prefill.certified and "birth_country" in prefill.certified


@pytest.mark.parametrize(
    "login", ["naissance_etranger_birthplace_cog", "naissance_etranger_birthplace_texte"]
)
def test_a_birthplace_sent_for_a_foreign_birth_is_ignored(login):
    prefill = applicant_fields_from_claims(identity(login))
    assert prefill.fields["birth_place"] == "" and prefill.fields["birth_country"] == "ALGERIE"


@pytest.mark.parametrize(
    ("login", "raw", "shown"),
    [
        ("étranger_présumé_né_jour", "1992-11-00", "novembre 1992 (jour inconnu)"),
        ("étranger_présumé_né_jour_et_mois", "1992-00-00", "1992 (jour et mois inconnus)"),
        ("mois_00", "1977-00-03", "1977 (jour et mois inconnus)"),
        ("plusieurs_prénoms_2", "1955-01-01", "1er janvier 1955"),
    ],
)
def test_presumed_dates_are_kept_as_received(login, raw, shown):
    prefill = applicant_fields_from_claims(identity(login))
    assert prefill.fields["birth_date"] == raw
    assert str(PresumedDate.parse(raw)) == shown


def test_a_malformed_birthdate_is_left_for_the_person_to_fill():
    prefill = applicant_fields_from_claims({"birthdate": "24/08/1962"})
    assert prefill.fields["birth_date"] == "" and "birth_date" not in prefill.certified


@pytest.mark.parametrize(
    ("login", "place", "department"),
    [
        ("test", "Paris 7e Arrondissement", "Paris (75)"),
        ("test_CORSE_2A", "Ajaccio", "Corse-du-Sud (2A)"),
        ("carac_speciaux", "Aghione", "Haute-Corse (2B)"),
        ("sans_prenom", "Acoua", "Mayotte (976)"),
        ("naissance_polynesie_française", "Moorea-Maiao", "Polynésie française (987)"),
    ],
)
def test_communes_of_birth_come_from_the_cog(login, place, department):
    fields = applicant_fields_from_claims(identity(login)).fields
    assert (fields["birth_place"], fields["birth_department"]) == (place, department)


@pytest.mark.parametrize(
    ("login", "civility"), [("test", "madame"), ("genre_indéfini", ""), ("sans_genre", "")]
)
def test_civility_comes_from_gender(login, civility):
    prefill = applicant_fields_from_claims(identity(login))
    assert prefill.fields["civility"] == civility
    assert ("civility" in prefill.certified) is bool(civility)


def test_missing_claims_are_editable():
    prefill = applicant_fields_from_claims(identity("sans_nom_naissance"))
    assert prefill.fields["birth_name"] == "" and "birth_name" not in prefill.certified
    assert prefill.fields["given_names"] == "Anne-Laure Angélique"


def test_every_test_identity_gives_a_block():
    with IDENTITIES.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 38
    for row in rows:
        prefill = applicant_fields_from_claims({k: v for k, v in row.items() if v})
        assert prefill.fields["birth_country"], row["login"]


def test_the_referential_knows_old_codes_and_unknowns():
    assert referential.commune("91216").name == "Épinay-sur-Orge"
    assert referential.commune("01015").name == "Arbignieu"  # the commune déléguée's own name
    assert referential.commune("AAAAA") is None
    assert referential.country("99352") == "ALGERIE"
    assert referential.country("AZERTY") is None
