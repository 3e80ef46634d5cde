"""Decision outcomes and which procedure may receive which (reference §3.8, §3.16, §8.5)."""

from django.db import models

from workflow.clock.rules import CERTIFICATES, DECLARATIONS, PERMITS


class Outcome(models.TextChoices):
    GRANT = "grant", "Accord"
    GRANT_WITH_PRESCRIPTIONS = "grant_with_prescriptions", "Accord avec prescriptions"
    REFUSAL = "refusal", "Refus"
    NON_OPPOSITION = "non_opposition", "Non-opposition"
    NON_OPPOSITION_WITH_PRESCRIPTIONS = (
        "non_opposition_with_prescriptions",
        "Non-opposition avec prescriptions",
    )
    OPPOSITION = "opposition", "Opposition"
    SURSIS_A_STATUER = "sursis_a_statuer", "Sursis à statuer"
    CU_DELIVERED = "cu_delivered", "Certificat d'urbanisme délivré"
    CU_POSITIVE = "cu_positive", "Certificat d'urbanisme opérationnel positif"
    CU_NEGATIVE = "cu_negative", "Certificat d'urbanisme opérationnel négatif"
    TACIT_GRANT = "tacit_grant", "Décision tacite favorable"
    TACIT_REJECTION = "tacit_rejection", "Décision tacite de rejet"


Oc = Outcome
NEGATIVE = frozenset({Oc.REFUSAL, Oc.OPPOSITION, Oc.CU_NEGATIVE, Oc.TACIT_REJECTION})
WITH_PRESCRIPTIONS = frozenset({Oc.GRANT_WITH_PRESCRIPTIONS, Oc.NON_OPPOSITION_WITH_PRESCRIPTIONS})
# L424-3: refusals, oppositions, prescriptions and sursis must be motivated (all grounds).
NEEDS_GROUNDS = frozenset({Oc.REFUSAL, Oc.OPPOSITION, Oc.SURSIS_A_STATUER, Oc.CU_NEGATIVE})
NEEDS_GROUNDS |= WITH_PRESCRIPTIONS

_EXPRESS = {
    "permit": (Oc.GRANT, Oc.GRANT_WITH_PRESCRIPTIONS, Oc.REFUSAL, Oc.SURSIS_A_STATUER),
    "declaration": (
        Oc.NON_OPPOSITION,
        Oc.NON_OPPOSITION_WITH_PRESCRIPTIONS,
        Oc.OPPOSITION,
        Oc.SURSIS_A_STATUER,
    ),
    "CUA": (Oc.CU_DELIVERED,),
    "CUB": (Oc.CU_POSITIVE, Oc.CU_NEGATIVE),
    "other": (Oc.GRANT, Oc.REFUSAL),  # prorogation, transfert
}


def express_outcomes(type_code: str) -> tuple[Outcome, ...]:
    """The express decisions open to a procedure (its effective type for a modificatif)."""
    if type_code in PERMITS:
        return _EXPRESS["permit"]
    if type_code in DECLARATIONS:
        return _EXPRESS["declaration"]
    if type_code in CERTIFICATES:
        return _EXPRESS[type_code]
    return _EXPRESS["other"]
