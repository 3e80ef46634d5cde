"""Decision outcomes and which procedure may receive which (reference §3.8, §3.16, §8.5)."""

from collections.abc import Iterable

from django.db import models

from workflow.clock.rules import CERTIFICATES, DECLARATIONS, PERMITS


class Outcome(models.TextChoices):
    """What the decision says, express or tacit; which ones a procedure may receive is
    `express_outcomes`, and the negative ones are refusals for every later rule."""

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


# Outcomes that authorise the works: the ones an avis conforme can forbid.
AUTHORISING = frozenset(
    {Oc.GRANT, Oc.GRANT_WITH_PRESCRIPTIONS, Oc.NON_OPPOSITION, Oc.NON_OPPOSITION_WITH_PRESCRIPTIONS}
)


def binding_opinion_conflict(outcome: str, opinions: Iterable[tuple[str, str]]) -> str:
    """Why `outcome` cannot be decided given the avis conformes, in French; "" if it can.

    `opinions`: (service name, opinion value, "" while pending) of each binding consultation.
    L632-2 code du patrimoine: works in an SPR or the abords of a monument historique need the
    ABF's accord; its refusal binds the authority (refusal or opposition, R424-3), its
    prescriptions are imposed by the decision, and no authorisation precedes the accord.
    """
    for service, opinion in opinions:
        if opinion in ("unfavourable", "tacit_unfavourable") and outcome not in NEGATIVE:
            return (
                f"{service} a refusé son accord : la décision ne peut être qu'un refus (ou une "
                "opposition à la déclaration préalable), l'autorité compétente étant liée par "
                "ce refus (article L632-2 du code du patrimoine, article R424-3 du code de "
                "l'urbanisme)."
            )
    for service, opinion in opinions:
        if opinion == "with_prescriptions" and outcome in AUTHORISING - WITH_PRESCRIPTIONS:
            return (
                f"{service} a assorti son accord de prescriptions : la décision doit les "
                "imposer (accord ou non-opposition avec prescriptions), ou refuser "
                "(article L632-2 du code du patrimoine)."
            )
        if not opinion and outcome in AUTHORISING:
            return (
                f"L'accord de {service} est requis et n'a pas encore été rendu : aucune "
                "autorisation ne peut être délivrée avant cet accord, exprès ou tacite "
                "(article L632-2 du code du patrimoine, article R423-67 du code de "
                "l'urbanisme)."
            )
    return ""
