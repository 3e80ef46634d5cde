"""`compute_deadlines`: every deadline that applies to a dossier. Pure Python.

Reference: ads-reference.md §3.2..§3.18 and §8.2. Each deadline carries its article (`basis`)
and a French explanation of the facts used. Deadlines come back in date order.

Scope choices (documented where the reference is silent or marked [?]):
- instruction-type délais (completeness, pieces, instruction, consultations, conformity) go
  through the suspension calendar; posting, transmission, retrait and validity do not;
- appeal-type deadlines (déféré, third-party appeals, R600-1) move to the next working day;
  instruction délais never do (§3.17);
- without a notified decision, the post-decision windows are projected from the tacit date when
  silence would give a grant ("à défaut de décision...").
"""

from __future__ import annotations

from dataclasses import replace

from workflow.clock.facts import Consultation, Deadline, Facts
from workflow.clock.instruction import (
    Schedule,
    decision_in_time,
    effective_type,
    instruction,
    suspension_notes,
    tacit_outcome,
)
from workflow.clock.months import DEFAULT_CALENDAR, SuspensionCalendar, add_days, format_fr
from workflow.clock.rules import (
    CERTIFICATES,
    DECLARATIONS,
    DELIVERED_ONLY,
    HOLDER_DECLARATIONS,
    INSTRUCTED,
    PERMITS,
    Consequence,
    ExceptionFlag,
    ServiceKind,
)
from workflow.clock.windows import (
    conformity_window,
    decision_windows,
    join,
    third_party_windows,
)

__all__ = [
    "Deadline",
    "Facts",
    "compute_deadlines",
    "consultation_deadline",
    "decision_in_time",
    "tacit_outcome",
]

C = Consequence


def _instruction_phase(facts: Facts, ins: Schedule) -> list[Deadline]:
    """R423-6 posting, R423-38/42 window, R423-39 pieces, délai end and tacit decision."""
    out: list[Deadline] = []
    if facts.filed is None:  # a question that starts from the decision
        return out
    filed = format_fr(facts.filed)
    if ins.completeness is not None:
        out.append(
            Deadline(
                "filing_notice_posting",
                "Affichage en mairie de l'avis de dépôt",
                add_days(facts.filed, 15),
                C.DEADLINE_ONLY,
                "R423-6",
                f"Avis de dépôt à afficher en mairie dans les quinze jours du dépôt du {filed}, "
                f"pendant toute l'instruction.",
            )
        )
        window = ins.completeness
        requested = facts.pieces_requested
        if requested is None:
            status = "Aucune demande de pièces enregistrée."
        elif ins.pieces is not None:
            status = f"Demande de pièces notifiée le {format_fr(requested)}, dans le délai."
        else:
            status = (
                f"La demande de pièces du {format_fr(requested)} est tardive et n'a pas "
                f"interrompu le délai (R423-41)."
            )
        out.append(
            Deadline(
                "completeness_deadline",
                "Date limite de demande des pièces manquantes",
                window.end,
                C.DEEMED_COMPLETE,
                "R423-38, R423-22, R423-41",
                join(
                    f"Un mois à compter du dépôt du {filed} pour notifier une demande unique et "
                    f"exhaustive de pièces ; à défaut, le dossier est réputé complet au dépôt.",
                    status,
                    *suspension_notes(window),
                ),
            )
        )
        out.append(
            Deadline(
                "majoration_notice_deadline",
                "Date limite de notification d'une majoration du délai",
                window.end,
                C.DEADLINE_ONLY,
                "R423-18, R423-42",
                join(
                    f"Un mois à compter du dépôt du {filed} pour notifier le nouveau délai et ses "
                    f"motifs ; une majoration notifiée plus tard est sans effet "
                    f"(CE 24 oct. 2023 n°462511).",
                    *suspension_notes(window),
                ),
            )
        )
    if ins.pieces is not None and facts.pieces_requested is not None:  # one implies the other
        negative = C.TACIT_OPPOSITION if ins.type_code in DECLARATIONS else C.TACIT_REFUSAL
        received = facts.pieces_received
        out.append(
            Deadline(
                "pieces_deadline",
                "Date limite de production des pièces manquantes",
                ins.pieces.end,
                negative,
                "R423-39",
                join(
                    f"Trois mois à compter de la notification de la demande de pièces le "
                    f"{format_fr(facts.pieces_requested)} ; à défaut, {negative.label} "
                    f"(R423-39 b).",
                    f"Pièces reçues le {format_fr(received)}." if received else "",
                    *suspension_notes(ins.pieces),
                ),
            )
        )
    # The clock sets the outcome whenever it sets an end or a tacit date (Schedule).
    if ins.end is not None and ins.outcome is not None:
        delay = ins.delay
        out.append(
            Deadline(
                "instruction_end",
                "Fin du délai d'instruction",
                ins.end.end,
                ins.outcome,
                delay.basis,
                join(
                    ins.start_note,
                    f"Délai de {delay.months} mois ({delay.basis}).",
                    *delay.notes,
                    *suspension_notes(ins.end),
                    "La décision doit être notifiée (et non seulement signée) au plus tard ce "
                    "jour.",
                ),
            )
        )
        if _is_instructed_type(facts) and facts.sursis_confirmation is None:
            out.append(
                Deadline(
                    "prolongation_notice_deadline",
                    "Date limite de notification d'une prolongation exceptionnelle",
                    ins.end.end,
                    C.DEADLINE_ONLY,
                    "R423-44",
                    "Une prolongation exceptionnelle (R423-34 à R423-37) doit être notifiée avant "
                    "l'expiration du délai en cours.",
                )
            )
    last = ins.last_day
    if ins.tacit_date is not None and ins.outcome is not None and last is not None:
        out.append(
            Deadline(
                "tacit_decision",
                "Date de la décision tacite",
                ins.tacit_date,
                ins.outcome,
                ins.outcome_basis,
                join(
                    f"À défaut de décision notifiée au plus tard le {format_fr(last)}, "
                    f"{ins.outcome.label} le lendemain (CE 14 nov. 2025 n°496754).",
                    *ins.outcome_notes,
                ),
            )
        )
    return out


def _is_instructed_type(facts: Facts) -> bool:
    return facts.procedure != "PROROGATION" and effective_type(facts) in INSTRUCTED


def _consultation_rule(facts: Facts, kind: ServiceKind) -> tuple[int, Consequence, str, str]:
    """(months, consequence of silence, basis, French note) for one consultee (§3.6)."""
    type_code = effective_type(facts)
    flags = facts.flags
    permit = type_code in PERMITS
    if kind is ServiceKind.ABF:
        if type_code == "PD" and ExceptionFlag.SITE_INSCRIT in flags:
            return (
                2,
                C.TACIT_UNFAVOURABLE_OPINION,
                "R423-67-2",
                "Permis de démolir en site inscrit : le silence de l'ABF vaut refus.",
            )
        if permit and flags & {
            ExceptionFlag.SPR,
            ExceptionFlag.ABORDS_MH,
            ExceptionFlag.ABF_ACCORD_REQUIRED,
        }:
            return (
                2,
                C.TACIT_FAVOURABLE_OPINION,
                "R423-67",
                "Permis en site patrimonial remarquable ou aux abords d'un monument "
                "historique : accord de l'ABF, deux mois.",
            )
        if permit and (
            ExceptionFlag.SITE_CLASSE in flags
            or (type_code != "PD" and ExceptionFlag.SITE_INSCRIT in flags)
        ):
            return (
                2,
                C.TACIT_FAVOURABLE_OPINION,
                "R423-67",
                "Permis en site classé ou PC/PA en site inscrit : deux mois.",
            )
        return (
            1,
            C.TACIT_FAVOURABLE_OPINION,
            "R423-59",
            "Délai de droit commun d'un mois (pour une DP en SPR ou abords, règle générale "
            "présumée [à vérifier]).",
        )
    if kind is ServiceKind.ENV_AUTHORITY_REGIONAL:
        return 2, C.TACIT_FAVOURABLE_OPINION, "R423-69-1", "Autorité environnementale régionale."
    if kind is ServiceKind.ENV_AUTHORITY_NATIONAL:
        return 3, C.TACIT_FAVOURABLE_OPINION, "R423-69-1", "Autorité environnementale nationale."
    return 1, C.TACIT_FAVOURABLE_OPINION, "R423-59", "Délai de droit commun d'un mois."


def _consultations(facts: Facts, calendar: SuspensionCalendar) -> list[Deadline]:
    out: list[Deadline] = []
    seen: dict[ServiceKind, int] = {}
    for consultation in sorted(facts.consultations, key=lambda c: c.sent):
        kind = consultation.kind
        seen[kind] = seen.get(kind, 0) + 1
        suffix = f"_{seen[kind]}" if seen[kind] > 1 else ""
        months, consequence, basis, note = _consultation_rule(facts, kind)
        span = calendar.run(consultation.sent, months=months)
        out.append(
            Deadline(
                f"consultation_answer_{kind.value}{suffix}",
                f"Date limite de réponse : {kind.label}",
                span.end,
                consequence,
                basis,
                join(
                    f"Consultation reçue le {format_fr(consultation.sent)} ; réponse dans un délai "
                    f"de {months} mois, à défaut {consequence.label}.",
                    note,
                    *suspension_notes(span),
                ),
            )
        )
    return out


def compute_deadlines(
    facts: Facts, calendar: SuspensionCalendar = DEFAULT_CALENDAR
) -> list[Deadline]:
    """Every deadline that applies to `facts`, in date order (ties keep a fixed order)."""
    ins = instruction(facts, calendar)
    out = _instruction_phase(facts, ins)
    out += _consultations(facts, calendar)
    out += decision_windows(facts, ins)
    if (
        facts.procedure not in DELIVERED_ONLY | HOLDER_DECLARATIONS
        and ins.type_code not in CERTIFICATES
    ):
        out += third_party_windows(facts)
    out += conformity_window(facts, calendar)
    return sorted(out, key=lambda d: d.date)


def consultation_deadline(
    facts: Facts, consultation: Consultation, calendar: SuspensionCalendar = DEFAULT_CALENDAR
) -> Deadline:
    """The answer deadline of one consultation, and what silence gives (R423-59, R423-67)."""
    return _consultations(replace(facts, consultations=(consultation,)), calendar)[0]
