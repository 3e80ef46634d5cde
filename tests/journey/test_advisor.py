"""The guided choice of a procedure (R421-1 ff., reference §1.1)."""

import pytest

from permits.journey.advisor import NO_FORMALITY, Answers, advise


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
