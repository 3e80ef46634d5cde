"""The legal states of an instruction (reference §8.2), named once for the whole product."""

from django.db import models


class State(models.TextChoices):
    """Where an instruction stands in law (§8.2); only the transitions of
    workflow.models.Instruction change it."""

    DRAFT = "draft", "Brouillon"
    DEPOSITED = "deposited", "Déposé"
    INCOMPLETE = "incomplete", "Incomplet (pièces demandées)"
    UNDER_INSTRUCTION = "under_instruction", "En cours d'instruction"
    DECISION_PROPOSED = "decision_proposed", "Décision proposée"
    AWAITING_SIGNATURE = "awaiting_signature", "En attente de signature"
    SIGNED = "signed", "Signé"
    NOTIFIED = "notified", "Notifié"
    TRANSMITTED_TO_PREFET = "transmitted_to_prefet", "Transmis au préfet"
    EXECUTORY = "executory", "Exécutoire"
    DEFINITIVE = "definitive", "Définitif"
    WORKS_OPENED = "works_opened", "Chantier ouvert"
    WORKS_COMPLETED = "works_completed", "Travaux achevés"
    CONFORM = "conform", "Conforme"
    NON_CONFORM = "non_conform", "Non conforme"
    TACIT_GRANTED = "tacit_granted", "Accord tacite"
    TACIT_REJECTED = "tacit_rejected", "Refus tacite"
    REFUSED = "refused", "Refusé"
    SURSIS_A_STATUER = "sursis_a_statuer", "Sursis à statuer"
    WITHDRAWN = "withdrawn", "Retiré par le demandeur"
    RETRACTED = "retracted", "Retiré par l'administration (retrait)"
    LAPSED = "lapsed", "Périmé"


# Filed and not yet decided: the officers' pending work and the public notice of filing (R423-6).
AWAITING_DECISION = (
    State.DEPOSITED,
    State.INCOMPLETE,
    State.UNDER_INSTRUCTION,
    State.DECISION_PROPOSED,
    State.AWAITING_SIGNATURE,
    State.SIGNED,
    State.TRANSMITTED_TO_PREFET,
)
