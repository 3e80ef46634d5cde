"""The guided choice of a procedure (R421-1 ff., reference §1.1)."""

import pytest

from permits.journey.advisor import NO_FORMALITY, Answers, Site, advise, questions_to_ask


@pytest.mark.parametrize(
    ("answers", "procedure"),
    [
        (Answers("new_building", 120, single_house=True), "PCMI"),
        (Answers("new_building", 400), "PC"),
        (Answers("new_building", 15, single_house=True), "DP"),
        (Answers("new_building", 3), NO_FORMALITY),
        (Answers("new_building", 3, protected_area=True), "DP"),
        (Answers("extension", 35, single_house=True, urban_zone=True, total_after_m2=120), "DP"),
        (Answers("extension", 35, single_house=True, urban_zone=False), "PCMI"),
        (Answers("extension", 35, single_house=True, urban_zone=True, total_after_m2=170), "PCMI"),
        (Answers("exterior"), "DP"),
        (Answers("fence"), "DP"),
        (Answers("demolition"), "PD"),
        (Answers("division", common_spaces=True), "PA"),
        (Answers("division"), "DPLT"),
        (Answers("information"), "CUA"),
        (Answers("feasibility"), "CUB"),
    ],
)
def test_advice_gives_the_procedure_and_its_article(answers, procedure):
    advice = advise(answers)
    assert advice.procedure == procedure
    assert advice.reasons and any("R4" in r or "L410" in r for r in advice.reasons)


# --- The thresholds applied with the site's facts (issue 16 §1) ---

PLU_N = Site("PLU", zones=(("NAB", "N"),))
PLU_U = Site("PLU", zones=(("UA", "U"),))
PLU_U_AND_N = Site("PLU", zones=(("UA", "U"), ("N1", "N")))
ABORDS = Site("PLU", zones=(("UA", "U"),), abords_mh=True)


@pytest.mark.parametrize(
    ("works", "area", "total", "site", "procedure", "article"),
    [
        # R421-14 a / R421-17 f: outside the U zones of a PLU the DP threshold is 20 m².
        ("extension", 30, 100, PLU_N, "PCMI", "R421-14 a"),
        ("extension", 20, 100, PLU_N, "DP", "R421-17 f"),
        # R421-14 b: 40 m² for an extension in a U zone of a PLU or a document in lieu…
        ("extension", 30, 100, PLU_U, "DP", "R421-14 b"),
        ("extension", 30, 100, Site("PLUI", zones=(("UB", "U"),)), "DP", "R421-14 b"),
        ("extension", 30, 100, Site("POS", zones=(("UC", "U"),)), "DP", "R421-14 b"),
        ("extension", 41, 100, PLU_U, "PCMI", "R421-14 b"),
        # …unless the total after works exceeds 150 m² (R421-14 b, R431-2)…
        ("extension", 30, 160, PLU_U, "PCMI", "R421-14 b"),
        # …and never under a carte communale or the RNU.
        ("extension", 30, 100, Site("CC"), "PCMI", "R421-14 a"),
        ("extension", 30, 100, Site("RNU"), "PCMI", "R421-14 a"),
        # New buildings: 20 m² whatever the zone (R421-9 a, R421-1).
        ("new_building", 30, 0, PLU_U, "PCMI", "R421-1"),
        ("new_building", 15, 0, PLU_N, "DP", "R421-9 a"),
        # Under 5 m²: nothing, except in the secteurs of R421-11 (abords MH, SPR, site classé).
        ("new_building", 4, 0, PLU_N, NO_FORMALITY, "R421-2"),
        ("new_building", 4, 0, ABORDS, "DP", "R421-11"),
        ("new_building", 4, 0, Site("RNU", spr=True), "DP", "R421-11"),
        ("new_building", 4, 0, Site("RNU", site_classe=True), "DP", "R421-11"),
    ],
)
def test_the_thresholds_follow_the_sites_facts(works, area, total, site, procedure, article):
    # The applicant's own answers say the opposite: the site's facts prevail.
    contrary = {"urban_zone": site.urban_zone is False, "protected_area": not site.protected_area}
    answers = Answers(works, area, single_house=True, total_after_m2=total, site=site, **contrary)
    advice = advise(answers)
    assert (advice.procedure, advice.article) == (procedure, article)


def test_the_dp_for_30_m2_in_zone_n_says_why_with_the_zone_and_the_article():
    advice = advise(Answers("extension", 30, single_house=True, total_after_m2=110, site=PLU_N))
    assert advice.procedure == "PCMI"
    reason = advice.reasons[0]
    assert "zone N (NAB) du plan local d'urbanisme" in reason
    assert "R421-14 a" in reason and "R421-17 f" in reason


def test_a_site_straddling_a_u_zone_asks_where_the_works_are():
    assert PLU_U_AND_N.urban_zone is None
    assert questions_to_ask(PLU_U_AND_N) == ("urban_zone",)
    urban = advise(Answers("extension", 30, urban_zone=True, site=PLU_U_AND_N))
    natural = advise(Answers("extension", 30, urban_zone=False, site=PLU_U_AND_N))
    assert (urban.procedure, natural.procedure) == ("DP", "PC")


def test_only_what_the_data_cannot_know_is_asked():
    assert questions_to_ask(None) == ("urban_zone", "protected_area")
    assert questions_to_ask(PLU_N) == ()
    assert questions_to_ask(Site("RNU")) == ()


@pytest.mark.parametrize(
    ("works", "area", "total", "required"),
    [
        ("new_building", 150, 0, False),
        ("new_building", 151, 0, True),
        ("extension", 45, 150, False),
        ("extension", 45, 190, True),
    ],
)
def test_the_architect_threshold_of_r431_2(works, area, total, required):
    advice = advise(Answers(works, area, total_after_m2=total, site=PLU_U))
    assert advice.is_permit
    assert advice.architect_required is required
    assert "R431-2" in advice.reasons[-1]


def test_demolition_in_a_protected_site_needs_a_permis_de_demolir():
    assert advise(Answers("demolition", site=Site("PLU", site_inscrit=True))).article == "R421-28"
    assert advise(Answers("demolition", site=PLU_N)).article == "R421-27"


def test_the_site_is_read_from_the_parcel_check():
    check = {
        "zones": [
            {"libelle": "NAB", "typezone": "N", "marginal": False},
            {"libelle": "UA", "typezone": "U", "marginal": True},  # a sliver: not crossed
        ],
        "procedure": {"flags": ["ABF_ACCORD_REQUIRED", "ABORDS_MH"]},
    }
    site = Site.from_check(check, "PLU")
    assert site == Site("PLU", zones=(("NAB", "N"),), abords_mh=True)
    assert site.urban_zone is False and site.protected_area
    facts = site.facts("plan local d'urbanisme (PLU), approuvé le 09/02/2022")
    assert facts[0] == "Règles applicables : plan local d'urbanisme (PLU), approuvé le 09/02/2022."
    assert "Zone du terrain : NAB (zone N)." in facts
    assert "Abords d'un monument historique (servitude AC1)." in facts


def test_a_carte_communale_sector_is_named_and_keeps_the_20_m2_threshold():
    site = Site("CC", zones=(("ZC", "01"),))
    assert "Secteur de la carte communale : ZC (secteur ouvert à la construction)." in site.facts()
    advice = advise(Answers("extension", 30, total_after_m2=100, site=site))
    assert (advice.procedure, advice.article) == ("PC", "R421-14 a")
    assert "carte communale" in advice.reasons[0]
