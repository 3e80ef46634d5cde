"""French elision and contraction of "de" (issue 16: "Commune d'Épinay-sur-Orge")."""

import pytest

from permits.french import of_noun, of_place


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Épinay-sur-Orge", "d'Épinay-sur-Orge"),
        ("Orsay", "d'Orsay"),
        ("Hyères", "d'Hyères"),
        ("Paris", "de Paris"),
        ("Le Mans", "du Mans"),
        ("Les Ulis", "des Ulis"),
        ("La Rochelle", "de La Rochelle"),
    ],
)
def test_a_place_name_takes_de_elided_or_contracted(name, expected):
    assert of_place(name) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("l'architecte des Bâtiments de France", "de l'architecte des Bâtiments de France"),
        ("le service consulté « SDIS »", "du service consulté « SDIS »"),
        ("la commission départementale", "de la commission départementale"),
        ("les services de l'État", "des services de l'État"),
        ("Enedis", "d'Enedis"),
    ],
)
def test_a_phrase_with_its_article_contracts_de(phrase, expected):
    assert of_noun(phrase) == expected
