"""Every transition of the instruction, declared once (like Wagtail's action registry): its
French label, who may fire it, when the system fires it on its own, the letter it issues, the
mail it sends and the fields of the officer's form. `transitions.fire`, the timers, the views,
the side-effect hook (permits.signals) and the history read them from here; the guards stay on
the model's methods (workflow/models/instruction.py).

workflow is below permits: a letter is named by its `DocumentKind` value and a form by the kinds
of its posted fields; permits resolves both (permits.act_letters, permits.act_forms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workflow.actors import APPLICANT, SYSTEM
from workflow.clock import format_fr
from workflow.models.instruction import PENDING_DECISION, RETRAIT_REPLY_DAYS, Instruction
from workflow.states import State

S = State
OFFICER, SIGNATORY, GUICHET = "officer", "signatory", "guichet"
# The kinds of an officer form's posted fields (permits.act_forms parses them).
TEXT, LIST, LINES, DATE, OPTIONAL_DATE = "text", "list", "lines", "date", "optional_date"


@dataclass(frozen=True)
class Timer:
    """The system fires the transition `days` after the date `on` while the dossier is in one
    of `states`: `on` names a clock deadline, or else a date field or method of the dossier.
    `applies`, if given, says whether the dossier has that branch at all."""

    states: tuple[str, ...]
    on: str
    days: int = 1
    applies: Callable[[Instruction], bool] | None = None


@dataclass(frozen=True)
class Mail:
    """The e-mail to the applicant, sent after the commit. `body` is a text, or a function of
    (dossier, facts) returning it, None for no mail; facts are the transition's arguments and
    the event's payload."""

    subject: str
    body: str | Callable[[Instruction, dict[str, Any]], str | None]

    def text(self, dossier: Instruction, facts: dict[str, Any]) -> str | None:
        """The body for this dossier and act; None when this act sends no mail."""
        return self.body if isinstance(self.body, str) else self.body(dossier, facts)


@dataclass(frozen=True)
class Declaration:
    """One transition as the product sees it; its guards stay on the model's method `name`."""

    name: str
    label: str
    roles: frozenset[str]
    timer: Timer | None = None
    letter: str = ""  # a permits DocumentKind value, issued in the transition's transaction
    mail: Mail | None = None
    form: dict[str, str] | None = None  # posted field → kind; None: not on the officer's page

    @property
    def automatic(self) -> bool:
        """Whether the system fires it on its own (a timer), so no user is offered it."""
        return self.timer is not None


def retrait_reply_until(letter_on: date) -> date:
    """The last day for the holder's observations (CRPA L121-1, L122-1); `retract` is possible
    the day after."""
    return letter_on + timedelta(days=RETRAIT_REPLY_DAYS - 1)


def _has_executory_branch(dossier: Instruction) -> bool:
    return dossier.has_executory_branch  # the model's one named rule (§8.5, L424-8)


def _filing_confirmed(dossier: Instruction, facts: dict[str, Any]) -> str | None:
    """An online filing is confirmed with the date of the tacit decision, which the first month
    may still change (R423-5); a filing at the counter has its own receipt mail, a follow-up
    none."""
    if facts.get("channel") != "online" or dossier.filed_on is None:  # submit requires it
        return None
    lines = [
        f"Votre demande ({dossier.get_procedure_display()}) a été déposée le "
        f"{format_fr(dossier.filed_on)} sous le numéro {dossier.display_number}."
    ]
    tacit = dossier.deadline("tacit_decision")
    if tacit is not None:
        lines.append(
            f"Sans réponse de l'administration, {tacit.consequence.label} "
            f"interviendra le {format_fr(tacit.date)} ({tacit.basis})."
        )
    lines.append(
        "Dans le mois qui suit le dépôt, l'administration peut vous demander des pièces "
        "manquantes ou vous notifier un délai différent : cette date ne vaudrait alors plus "
        "(R423-5)."
    )
    return "\n\n".join(lines)


def _electronic_notification(dossier: Instruction, facts: dict[str, Any]) -> str | None:
    """R424-10, décret 2021-981: the decision sent electronically is deemed received the next
    day; a notification by registered letter sends no mail."""
    if not facts.get("electronic"):
        return None
    return (
        "La décision sur votre demande est disponible dans votre espace, sur la page du "
        f"dossier. Elle est réputée reçue le {dossier.decision_notified_on:%d/%m/%Y}."
    )


def _retrait_announced(dossier: Instruction, facts: dict[str, Any]) -> str | None:
    if dossier.retrait_letter_on is None:  # announce_retrait has just recorded it
        return None
    return (
        "La commune envisage de retirer votre autorisation (article L424-5 du code de "
        "l'urbanisme). La lettre qui en expose les motifs est sur la page du dossier. Vous "
        "pouvez présenter vos observations jusqu'au "
        f"{retrait_reply_until(dossier.retrait_letter_on):%d/%m/%Y} inclus, par la messagerie "
        "du dossier (articles L121-1 et L122-1 du code des relations entre le public et "
        "l'administration)."
    )


SEE_PAGE = "Le détail et les dates sont sur la page du dossier, dans votre espace."
_TACIT = Timer(tuple(PENDING_DECISION), "tacit_decision", days=0)

# In the order the timers try them when several fall due on the same day.
DECLARATIONS: tuple[Declaration, ...] = (
    # §8.2: a paper filing is registered by an officer or the mairie's counter (GUICHET).
    Declaration(
        "submit",
        "dépôt du dossier",
        frozenset({APPLICANT, OFFICER, GUICHET}),
        mail=Mail("Dépôt de votre dossier", _filing_confirmed),
    ),
    Declaration(
        "request_pieces",
        "demande de pièces manquantes",
        frozenset({OFFICER}),
        letter="pieces_request",  # R423-38
        mail=Mail(
            "Pièces manquantes",
            "Le service urbanisme vous demande des pièces manquantes : vous avez trois mois "
            "pour les fournir depuis votre espace (R423-39). Le courrier est disponible sur la "
            "page du dossier.",
        ),
        form={"pieces": LIST, "on": DATE},
    ),
    Declaration(
        "receive_pieces",
        "réception des pièces manquantes",
        frozenset({OFFICER, APPLICANT}),
        mail=Mail(
            "Pièces reçues",
            "Les pièces demandées ont été reçues : le délai d'instruction court à compter de "
            "leur réception (R423-39). " + SEE_PAGE,
        ),
    ),
    Declaration(
        "declare_complete",
        "dossier déclaré complet",
        frozenset({OFFICER}),
        mail=Mail(
            "Dossier complet",
            "Votre dossier est complet : son instruction est en cours. " + SEE_PAGE,
        ),
        form={},
    ),
    Declaration(
        "deem_complete",
        "dossier réputé complet",
        frozenset({SYSTEM}),
        timer=Timer((S.DEPOSITED,), "completeness_deadline"),  # R423-22
        mail=Mail(
            "Dossier complet",
            "Aucune pièce ne vous a été demandée dans le mois : votre dossier est réputé "
            "complet (R423-22). " + SEE_PAGE,
        ),
    ),
    Declaration(
        "expire_pieces_window",
        "expiration du délai de production des pièces",
        frozenset({SYSTEM}),
        timer=Timer((S.INCOMPLETE,), "pieces_deadline"),  # R423-39 b
        mail=Mail(
            "Demande rejetée",
            "Les pièces demandées n'ont pas été fournies dans les trois mois : la demande est "
            "tacitement rejetée (R423-39 b). " + SEE_PAGE,
        ),
    ),
    Declaration(
        "notify_majoration",
        "notification d'une majoration de délai",
        frozenset({OFFICER}),
        letter="majoration",  # R423-42
        mail=Mail(
            "Délai d'instruction modifié",
            "Le délai d'instruction de votre demande est majoré (R423-42). " + SEE_PAGE,
        ),
        form={"reason": TEXT, "on": DATE},
    ),
    Declaration("qualify", "qualification du dossier", frozenset({OFFICER}), form={"flags": LIST}),
    Declaration(
        "propose_decision",
        "projet de décision",
        frozenset({OFFICER}),
        form={
            "outcome": TEXT,
            "grounds": LINES,
            "prescriptions": LINES,
            "sursis_until": OPTIONAL_DATE,
        },
    ),
    Declaration(
        "withdraw_proposal", "retrait du projet de décision", frozenset({OFFICER}), form={}
    ),
    Declaration("send_for_signature", "envoi à la signature", frozenset({OFFICER}), form={}),
    Declaration("return_for_changes", "renvoi du projet pour modification", frozenset({SIGNATORY})),
    Declaration("sign", "signature de la décision", frozenset({SIGNATORY})),
    Declaration(
        "notify_decision",
        "notification de la décision",
        frozenset({OFFICER, SYSTEM}),
        mail=Mail("Décision sur votre demande", _electronic_notification),
        form={"on": DATE},
    ),
    Declaration(
        "record_prefet_ack",
        "transmission au préfet (accusé de réception)",
        frozenset({OFFICER, SYSTEM}),
        mail=Mail(
            "Décision transmise au préfet",
            "La décision a été transmise au contrôle de légalité. " + SEE_PAGE,
        ),
        form={"on": DATE},
    ),
    Declaration(
        "arise_tacit_decision",
        "naissance d'une décision tacite",
        frozenset({SYSTEM}),
        timer=_TACIT,  # L424-2, R424-1
        mail=Mail(
            "Décision tacite",
            "Aucune décision ne vous a été notifiée dans le délai d'instruction : une décision "
            "tacite est née. " + SEE_PAGE,
        ),
    ),
    Declaration(
        "become_executory",
        "décision exécutoire",
        frozenset({SYSTEM}),
        # L424-8: a tacit permit or non-opposition is executory as soon as it exists.
        timer=Timer((S.TACIT_GRANTED,), "tacit_on", days=0, applies=_has_executory_branch),
    ),
    Declaration(
        "confirm_after_sursis", "confirmation de la demande après sursis", frozenset({APPLICANT})
    ),
    Declaration("withdraw", "désistement du demandeur", frozenset({APPLICANT})),
    Declaration(
        "declare_site_posting",
        "début de l'affichage sur le terrain",
        frozenset({APPLICANT, OFFICER}),
    ),
    # The officer sends the contradictory letter (signed in the maire's name); the retrait is
    # a decision of the authority itself, pronounced from the parapheur (L424-5).
    Declaration(
        "announce_retrait",
        "lettre préalable au retrait",
        frozenset({OFFICER, SIGNATORY}),
        letter="retrait_notice",  # CRPA L121-1, L122-1
        mail=Mail("Procédure de retrait de votre autorisation", _retrait_announced),
    ),
    Declaration(
        "retract",
        "retrait de la décision",
        frozenset({SIGNATORY}),
        letter="retrait",  # L424-5
        mail=Mail(
            "Retrait de votre autorisation",
            "Votre autorisation a été retirée (article L424-5 du code de l'urbanisme). L'arrêté "
            "de retrait, avec les voies de recours, est sur la page du dossier.",
        ),
    ),
    # Tried before become_definitive when both fall due on the same day.
    Declaration(
        "lapse",
        "péremption",
        frozenset({SYSTEM}),
        timer=Timer((S.EXECUTORY, S.DEFINITIVE), "validity_end"),  # R424-17
        mail=Mail(
            "Autorisation périmée",
            "Les travaux n'ayant pas commencé dans le délai de validité, l'autorisation est "
            "périmée (R424-17). " + SEE_PAGE,
        ),
    ),
    Declaration(
        "become_definitive",
        "décision définitive",
        frozenset({SYSTEM}),
        timer=Timer((S.EXECUTORY,), "definitive_on"),  # L424-5, CGCT L2131-6, R600-2
    ),
    Declaration(
        "open_works", "ouverture du chantier (DOC)", frozenset({APPLICANT, OFFICER, SYSTEM})
    ),
    Declaration(
        "complete_works",
        "achèvement des travaux (DAACT)",
        frozenset({APPLICANT, OFFICER, SYSTEM}),
    ),
    Declaration(
        "contest_conformity",
        "contestation de la conformité",
        frozenset({OFFICER}),
        letter="conformity_notice",  # R462-9
        mail=Mail(
            "Conformité des travaux contestée",
            "La commune conteste la conformité de vos travaux et vous met en demeure de déposer "
            "un permis modificatif ou de mettre les travaux en conformité (article R462-9 du "
            "code de l'urbanisme). Le courrier est sur la page du dossier.",
        ),
    ),
    Declaration(
        "close_conformity_window",
        "fin du délai de contestation de la conformité",
        frozenset({SYSTEM}),
        timer=Timer((S.WORKS_COMPLETED,), "conformity_contest_deadline"),  # R462-6
        mail=Mail(
            "Conformité des travaux",
            "La conformité de vos travaux ne peut plus être contestée (R462-6). Vous pouvez "
            "demander une attestation de non-contestation. " + SEE_PAGE,
        ),
    ),
    Declaration(
        "declare_interruption_lapse",
        "péremption pour interruption des travaux",
        frozenset({OFFICER}),
        mail=Mail(
            "Autorisation périmée",
            "Les travaux ayant été interrompus pendant plus d'un an, votre autorisation est "
            "périmée (article R424-17 du code de l'urbanisme). Le détail est sur la page du "
            "dossier.",
        ),
    ),
)

BY_NAME: dict[str, Declaration] = {d.name: d for d in DECLARATIONS}


def declaration(name: str) -> Declaration:
    """The declaration of transition `name`; ValueError for a name that is not one."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown transition {name!r}") from None


def timed(state: str) -> list[Declaration]:
    """The transitions the system fires on its own from `state`, in the order tried."""
    return [d for d in DECLARATIONS if d.timer is not None and state in d.timer.states]


def officer_forms() -> dict[str, Declaration]:
    """The transitions fired from the officer's instruction page by their own form."""
    return {d.name: d for d in DECLARATIONS if d.form is not None}
