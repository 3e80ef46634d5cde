"""Windows after the decision: transmission, posting, retrait, validity, appeals, conformity.

Pure Python. Reference: ads-reference.md §3.10..§3.14, §3.18 (second table), §8.4.
Posting, transmission, retrait and validity are not suspended by the suspension calendar; the
conformity délai is (ord. 2020-306 art. 12 bis covered récolement). Appeal-type deadlines move
to the next working day (CE 5 Jun 2009 n°312682). Refusals get no transmission, posting,
retrait or validity window (refusals need not be transmitted, §3.10 [?]).
"""

from __future__ import annotations

from datetime import date

from workflow.clock.facts import Deadline, Facts
from workflow.clock.instruction import GRANTS, Schedule, effective_type, suspension_notes
from workflow.clock.months import (
    SuspensionCalendar,
    add_days,
    add_months,
    format_fr,
    next_working_day,
)
from workflow.clock.rules import (
    CERTIFICATES,
    DELIVERED_ONLY,
    HOLDER_DECLARATIONS,
    INSTRUCTED,
    L600_12_2_IN_FORCE,
    RECOLEMENT_FLAGS,
    RETRAIT_MONTHS,
    Consequence,
)

C = Consequence


def join(*parts: str) -> str:
    """French sentences joined by spaces, empty ones dropped."""
    return " ".join(p for p in parts if p)


def _tacit_grant(ins: Schedule) -> tuple[Consequence, date] | None:
    """The grant silence gives at the end of the délai and its date; None if silence refuses."""
    if ins.outcome is not None and ins.outcome in GRANTS and ins.tacit_date is not None:
        return ins.outcome, ins.tacit_date
    return None


def _grant(facts: Facts, ins: Schedule) -> tuple[date, date, str] | None:
    """(decision date, start of validity, French note) of the grant, or None if none exists.

    An express decision notified late does not prevent the tacit grant (§3.9): the tacit date
    then counts. Without any notified decision, a grant is projected from the tacit date.
    """
    tacit_grant = _tacit_grant(ins)
    notified = facts.decision_notified
    if notified is not None:
        in_time = ins.last_day is None or notified <= ins.last_day
        if in_time or tacit_grant is None:
            if facts.decision_refused:
                return None
            decided = facts.decision_date or facts.decision_signed or notified
            return (
                decided,
                notified,
                (f"Décision du {format_fr(decided)}, notifiée le {format_fr(notified)}."),
            )
        outcome, tacit_on = tacit_grant
        return (
            tacit_on,
            tacit_on,
            (
                f"Décision notifiée le {format_fr(notified)}, après la fin du délai : "
                f"{outcome.label} acquis le {format_fr(tacit_on)} (une décision "
                f"contraire tardive vaut retrait)."
            ),
        )
    if tacit_grant is not None:
        outcome, tacit_on = tacit_grant
        return (
            tacit_on,
            tacit_on,
            (f"À défaut de décision notifiée à temps : {outcome.label} le {format_fr(tacit_on)}."),
        )
    return None


def decision_windows(facts: Facts, ins: Schedule) -> list[Deadline]:
    """Transmission, mairie posting, retrait, validity, prorogation request (§3.10..§3.13)."""
    out: list[Deadline] = []
    code = facts.procedure
    type_code = ins.type_code
    if facts.decision_signed is not None and not facts.decision_refused and code != "DAACT":
        out.append(
            Deadline(
                "prefet_transmission",
                "Transmission de la décision au préfet (contrôle de légalité)",
                add_days(facts.decision_signed, 15),
                C.DEADLINE_ONLY,
                "CGCT L2131-2, L424-7",
                f"Décision signée le {format_fr(facts.decision_signed)} : transmission dans les "
                f"quinze jours ; la décision n'est exécutoire qu'une fois notifiée et transmise "
                f"(L424-7). Sans objet pour une décision prise au nom de l'État [à vérifier].",
            )
        )
    if facts.prefet_ack is not None:
        limit = add_months(facts.prefet_ack, 2)
        out.append(
            _appeal(
                "deferre_deadline",
                "Fin du délai de déféré préfectoral",
                limit,
                "CGCT L2131-6",
                f"Accusé de réception de la préfecture du {format_fr(facts.prefet_ack)} : "
                f"deux mois pour déférer l'acte au tribunal administratif.",
            )
        )
    if code in DELIVERED_ONLY | HOLDER_DECLARATIONS:
        return out
    grant = _grant(facts, ins)
    if grant is None:
        return out
    decided, valid_from, note = grant
    if type_code in INSTRUCTED:
        out.append(
            Deadline(
                "mairie_posting",
                "Affichage en mairie de la décision",
                add_days(decided, 8),
                C.DEADLINE_ONLY,
                "R424-15",
                join(note, "Extrait à afficher en mairie dans les huit jours, pendant deux mois."),
            )
        )
        out.append(
            Deadline(
                "retrait_deadline",
                "Fin du délai de retrait",
                add_months(decided, RETRAIT_MONTHS),
                C.NO_RETRAIT_POSSIBLE,
                "L424-5",
                join(
                    note,
                    "Retrait possible seulement si la décision est illégale, notifié dans "
                    "les trois mois après procédure contradictoire.",
                ),
            )
        )
    if code != "MODIFICATIF":
        out.extend(_validity(facts, type_code, valid_from, note))
    return out


def _validity(facts: Facts, type_code: str, valid_from: date, note: str) -> list[Deadline]:
    granted = facts.prorogations_granted
    if type_code in CERTIFICATES:
        months, basis, rule = 18 + 12 * granted, "L410-1", "dix-huit mois (L410-1)"
        request_basis, capped = "R410-17", False
    else:
        capped = granted >= 2
        granted = min(granted, 2)  # R424-21: at most two prorogations
        months, basis, rule = 36 + 12 * granted, "R424-17", "trois ans (R424-17)"
        request_basis = "R424-22"
    if granted:
        basis += ", R410-17" if type_code in CERTIFICATES else ", R424-21"
        rule += f", prorogée {granted} fois d'un an"
    end = add_months(valid_from, months)
    out = [
        Deadline(
            "validity_end",
            "Fin de validité de l'autorisation",
            end,
            C.CU_EXPIRY if type_code in CERTIFICATES else C.LAPSE,
            basis,
            join(
                note,
                f"Validité de {rule} à compter du {format_fr(valid_from)}.",
                "Nombre maximal de prorogations atteint (R424-21)." if capped else "",
            ),
        )
    ]
    if not capped:
        out.append(
            Deadline(
                "prorogation_request_deadline",
                "Date limite de demande de prorogation",
                add_months(end, -2),
                C.DEADLINE_ONLY,
                request_basis,
                f"La demande de prorogation doit être déposée au moins deux mois avant la fin de "
                f"validité du {format_fr(end)} ; le silence de deux mois vaut prorogation.",
            )
        )
    return out


def _appeal(name: str, label: str, limit: date, basis: str, text: str) -> Deadline:
    """Appeal-type deadline: moved to the next working day (CE 5 Jun 2009 n°312682)."""
    moved = next_working_day(limit)
    if moved != limit:
        text += (
            f" Le {format_fr(limit)} étant un samedi, un dimanche ou un jour férié, le délai "
            f"est prorogé au premier jour ouvrable suivant."
        )
    return Deadline(name, label, moved, C.APPEAL_TIME_BARRED, basis, text)


def third_party_windows(facts: Facts) -> list[Deadline]:
    """Third-party appeal windows (§3.11). Permits and DP only."""
    out: list[Deadline] = []
    posting = facts.site_posting_start
    if posting is not None:
        out.append(
            _appeal(
                "third_party_appeal_deadline",
                "Fin du délai de recours contentieux des tiers",
                add_months(posting, 2),
                "R600-2",
                f"Deux mois à compter du premier jour d'un affichage continu sur le terrain, le "
                f"{format_fr(posting)}.",
            )
        )
        if posting >= L600_12_2_IN_FORCE:
            out.append(
                _appeal(
                    "recours_gracieux_deadline",
                    "Fin du délai de recours gracieux des tiers",
                    add_months(posting, 1),
                    "L600-12-2",
                    f"Un mois à compter de l'affichage sur le terrain du {format_fr(posting)} "
                    f"(point de départ présumé [à vérifier]) ; le recours gracieux ne proroge plus "
                    f"le délai de recours contentieux.",
                )
            )
    if facts.daact_received is not None:
        out.append(
            _appeal(
                "third_party_appeal_outer_limit",
                "Limite absolue des recours des tiers",
                add_months(facts.daact_received, 6),
                "R600-3",
                f"Six mois après l'achèvement, présumé à la réception de la DAACT le "
                f"{format_fr(facts.daact_received)} [à vérifier].",
            )
        )
    if facts.appeal_filed is not None:
        # 15 clear days: neither the filing day nor the last day counts, hence + 16 [?].
        out.append(
            _appeal(
                "appeal_notification_deadline",
                "Date limite de notification du recours (R600-1)",
                add_days(facts.appeal_filed, 16),
                "R600-1",
                f"Recours formé le {format_fr(facts.appeal_filed)} : notification à l'auteur de la "
                f"décision et au bénéficiaire dans les quinze jours francs, à peine "
                f"d'irrecevabilité.",
            )
        )
    return out


def conformity_window(facts: Facts, calendar: SuspensionCalendar) -> list[Deadline]:
    """R462-6 / R462-7: 3 months from the DAACT receipt, 5 if récolement is compulsory."""
    received = facts.daact_received
    if received is None and facts.procedure == "DAACT":
        received = facts.filed
    if received is None or effective_type(facts) == "PD":
        return []
    reasons = sorted(f.label for f in facts.flags & RECOLEMENT_FLAGS)
    months, basis = (5, "R462-6, R462-7") if reasons else (3, "R462-6")
    span = calendar.run(received, months=months)
    return [
        Deadline(
            "conformity_contest_deadline",
            "Fin du délai de contestation de la conformité",
            span.end,
            C.NO_CONTEST_POSSIBLE,
            basis,
            join(
                f"DAACT reçue le {format_fr(received)} : {months} mois pour contester la "
                f"conformité des travaux.",
                f"Récolement obligatoire : {'; '.join(reasons)}." if reasons else "",
                "Passé ce délai, attestation de non-contestation sur demande dans les quinze "
                "jours (R462-10).",
                *suspension_notes(span),
            ),
        )
    ]
