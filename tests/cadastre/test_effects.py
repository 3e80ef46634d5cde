"""What each servitude and zone means for the procedure (reference §5.5), pure Python."""

import pytest

from cadastre.effects import impact_of, servitude_effects, zone_effects
from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind


def codes(effects):
    return [(e.code, e.to_confirm) for e in effects]


def test_abords_of_a_monument_mean_abf_accord_and_one_more_month():
    (effect,) = servitude_effects("AC1", "Église", "Périmètre de protection", "Zone tampon")
    assert effect.flags == (ExceptionFlag.ABORDS_MH, ExceptionFlag.ABF_ACCORD_REQUIRED)
    assert effect.majorations == (MajorationReason.R423_24_C_SPR_ABORDS_MH,)
    assert effect.consultations == (ServiceKind.ABF,)
    assert effect.abf_opinion == "accord" and not effect.to_confirm
    assert MajorationReason.R423_24_C_SPR_ABORDS_MH.effect("DP").months == 1


@pytest.mark.parametrize(
    ("protection", "expected"),
    [
        ("Inscrit", [("mh_inscrit", True), ("abords_mh", False)]),
        ("Classé", [("mh_classe", True), ("abords_mh", False)]),
    ],
)
def test_the_monument_itself_depends_on_the_works(protection, expected):
    effects = servitude_effects(
        "AC1", "Église", "Périmètre de protection", "Egal au générateur", protection, "Monument"
    )
    assert codes(effects) == expected


def test_spr_sites_reserves_and_ppr():
    assert codes(servitude_effects("AC4", "SPR de Bastia")) == [("spr", False)]
    (spr,) = servitude_effects("ac4", "SPR")
    assert ExceptionFlag.SPR in spr.flags and spr.abf_opinion == "accord"
    assert codes(servitude_effects("AC2", "Site classé du golfe")) == [
        ("site_classe", False),
        ("site_classe_ministre", True),
    ]
    assert codes(servitude_effects("AC2", "Les rives", generator_protection="inscrit")) == [
        ("site_inscrit", False)
    ]
    assert codes(servitude_effects("AC2", "Les rives")) == [("site_protege", True)]
    assert codes(servitude_effects("AC3", "Scandola")) == [
        ("reserve_naturelle", False),
        ("reserve_naturelle_nationale", True),
    ]
    assert codes(servitude_effects("PM1", "PPRI")) == [("ppr", False)]
    assert servitude_effects("I4", "Ligne électrique") == []


def test_zones_a_and_n_may_need_the_cdpenaf():
    assert codes(zone_effects("A", "Ap")) == [("cdpenaf", True)]
    assert codes(zone_effects("N", "Nh")) == [("cdpenaf", True)]
    assert zone_effects("U", "Ua") == [] and zone_effects("AUc", "1AU") == []


def test_the_impact_keeps_established_effects_apart_from_those_to_confirm():
    effects = [
        *servitude_effects("AC1", "Église", mode := None, "Zone tampon"),
        *servitude_effects("AC1", "Église", None, "Zone tampon"),  # same one twice
        *servitude_effects("AC1", "Château", None, "Egal au générateur", "Inscrit"),
        *zone_effects("N", "N"),
    ]
    assert mode is None
    impact = impact_of(effects)
    assert [e.code for e in impact.effects] == ["abords_mh", "mh_inscrit", "abords_mh", "cdpenaf"]
    assert impact.flags == {ExceptionFlag.ABORDS_MH, ExceptionFlag.ABF_ACCORD_REQUIRED}
    assert impact.majorations == {MajorationReason.R423_24_C_SPR_ABORDS_MH}
    assert {e.code for e in impact.to_confirm} == {"mh_inscrit", "cdpenaf"}
    data = impact.as_dict()
    assert data["flags"] == ["ABF_ACCORD_REQUIRED", "ABORDS_MH"]
    assert data["effects"][1]["majorations"] == ["R423_28_A_MH_INSCRIT"]
