"""The instruction clock: completeness, délai, majorations, tacit outcome. Pure Python.

Reference: ads-reference.md §3.4 (completeness), §3.5 (délai, majorations), §3.7 (tacit
decisions), §3.15 (sursis à statuer), §3.16 (CU), §3.17 (counting), §3.18 (table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow import procedures
from workflow.clock.consistency import implications, unnotified_majorations
from workflow.clock.facts import Facts
from workflow.clock.months import DEFAULT_CALENDAR, ONE_DAY, Span, SuspensionCalendar, format_fr
from workflow.clock.rules import (
    CERTIFICATES,
    COMPLETENESS_MONTHS,
    DECLARATIONS,
    INSTRUCTED,
    PERMITS,
    R424_2_1_FIRST_FILING,
    R424_2_FLAGS,
    Consequence,
    ExceptionFlag,
    MajorationReason,
    RuleKind,
)

GRANTS = frozenset(
    {
        Consequence.TACIT_PERMIT,
        Consequence.TACIT_NON_OPPOSITION,
        Consequence.TACIT_CU,
        Consequence.PROROGATION_GRANTED,
    }
)
NOT_CLOCKED = frozenset({"TRANSFERT", "DOC", "DAACT"})  # no délai set by the code


@dataclass(frozen=True)
class Delay:
    """The instruction délai with its articles and what was retained, so that a deadline can
    explain itself (§8.1: store the basis)."""

    months: int
    basis: str  # e.g. "R423-23 b, R423-24 c"
    notes: tuple[str, ...]  # French sentences: what was retained or ignored, and why


@dataclass(frozen=True)
class Schedule:
    """The clock of one dossier, computed once and shared by the deadline builders.

    `outcome` is set whenever `end` or `tacit_date` is, and `tacit_date` is the day after
    `last_day`: silence decides the day after the délai (CE 14 Nov 2025 n°496754)."""

    type_code: str  # the parent's type for a MODIFICATIF
    delay: Delay
    completeness: Span | None  # filing + 1 month (R423-38, R423-42); None outside INSTRUCTED
    pieces: Span | None  # R423-39 window, only for a request notified in time
    start: date | None  # None while the pieces are awaited (or never came)
    start_note: str
    end: Span | None  # last day to notify the decision
    tacit_date: date | None
    outcome: Consequence | None
    outcome_basis: str
    outcome_notes: tuple[str, ...]

    @property
    def last_day(self) -> date | None:
        """The last day on which a notified decision is in time."""
        if self.end is not None:
            return self.end.end
        return self.pieces.end if self.pieces is not None else None


def effective_type(facts: Facts) -> str:
    """A MODIFICATIF is instructed as its parent type (§3.18, [?])."""
    if facts.procedure == "MODIFICATIF" and facts.parent_procedure:  # Facts requires it
        return facts.parent_procedure
    return facts.procedure


def _is_instructed(facts: Facts) -> bool:
    """Permits and DP (and their modificatifs): the R423-38/R423-42 mechanisms apply."""
    return facts.procedure != "PROROGATION" and effective_type(facts) in INSTRUCTED


def _base(facts: Facts) -> tuple[int | None, str]:
    if facts.procedure == "PROROGATION":
        if facts.parent_procedure in CERTIFICATES:
            return 2, "R410-17-1"
        return 2, "R424-23"
    proc = procedures.get(effective_type(facts))
    return proc.base_delay_months, proc.delay_basis


def instruction_delay(facts: Facts, calendar: SuspensionCalendar = DEFAULT_CALENDAR) -> Delay:
    """The délai in months: base (R423-23, R410-9/10), majorations, fixed délais.

    +1 (R423-24) and +2 (R423-25) are not cumulative: the largest is kept. A fixed délai
    (R423-27..R423-31) replaces base + majoration; the largest result wins. A majoration notified
    after the first month, or for a case that cannot apply to the type, has no effect (R423-42;
    CE 24 Oct 2023 n°462511). A MODIFICATIF takes its parent's délai [?].
    """
    base, basis = _base(facts)
    if base is None:
        return Delay(0, basis, ())
    type_code = effective_type(facts)
    notes: list[str] = []
    if facts.procedure == "MODIFICATIF":
        notes.append(
            f"Demande de modification instruite dans le délai du type parent "
            f"({type_code}) [à vérifier]."
        )
    if facts.sursis_confirmation is not None and type_code in INSTRUCTED:
        return Delay(
            2,
            "L424-1",
            (
                *notes,
                "Délai de deux mois après confirmation de la "
                "demande à l'issue du sursis à statuer (L424-1).",
            ),
        )
    if not _is_instructed(facts):
        if facts.majorations:
            notes.append(
                "Aucune majoration ne s'applique à ce type de demande (§3.16) : "
                "majorations ignorées."
            )
        return Delay(base, basis, tuple(notes))

    if facts.filed is None:  # Facts refuses majorations without a filing date: none to weigh
        return Delay(base, basis, tuple(notes))
    window_end = calendar.run(facts.filed, months=1).end
    best: dict[RuleKind, tuple[int, MajorationReason]] = {}
    pending: list[str] = []
    for maj in facts.majorations:
        reason = maj.reason
        desc = f"{reason.label} ({reason.article})"
        effect = reason.effect(type_code)
        if effect is None:
            notes.append(f"{desc} : cas non applicable à ce type de dossier, sans effet.")
            continue
        if maj.notified is not None and maj.notified > window_end:
            notes.append(
                f"{desc} : majoration notifiée le {format_fr(maj.notified)}, après "
                f"l'expiration du délai d'un mois le {format_fr(window_end)}, sans effet "
                f"(R423-42 ; CE 24 oct. 2023 n°462511)."
            )
            continue
        if maj.notified is None:
            pending.append(reason.article)
        current = best.get(effect.kind)
        if current is None or effect.months > current[0]:
            best[effect.kind] = (effect.months, reason)

    months, retained, retained_kind = base, None, None
    for kind in (RuleKind.ADD, RuleKind.FIXED):  # fixed wins ties: it replaces base + majoration
        if kind not in best:
            continue
        candidate = best[kind][0] + (base if kind is RuleKind.ADD else 0)
        if candidate >= months:
            months, retained, retained_kind = candidate, best[kind][1], kind
    if retained is None:
        notes += unnotified_majorations(type_code, facts.flags)
    if retained is not None:
        basis = f"{basis}, {retained.article}"
        if retained_kind is RuleKind.FIXED:
            notes.append(f"Délai fixé à {months} mois : {retained.label} ({retained.article}).")
        else:
            notes.append(
                f"Délai de base de {base} mois majoré de {months - base} mois : "
                f"{retained.label} ({retained.article})."
            )
        others = [
            m.reason
            for m in facts.majorations
            if m.reason is not retained
            and m.reason.effect(type_code) is not None
            and (m.notified is None or m.notified <= window_end)
        ]
        if others:
            notes.append(
                "Majorations non cumulables : seul le délai le plus long est retenu "
                f"(ignoré : {', '.join(r.article for r in others)})."
            )
        if pending:
            notes.append(
                f"Sous réserve que la majoration soit notifiée au plus tard le "
                f"{format_fr(window_end)} (R423-42)."
            )
    return Delay(months, basis, tuple(notes))


def tacit_outcome(facts: Facts) -> tuple[Consequence, str, tuple[str, ...]]:
    """What silence at the end of the délai gives, with its basis (§3.7, §3.16, §3.13).

    R424-2 and R424-3 apply to permits only (CE 26 Oct 2012 n°350737); R424-2-1 to permits and
    DP filed from 31 Dec 2025. For a DP the R424-2-1 "rejection" is expressed as an opposition,
    the DP vocabulary of R423-39 b (the reference says "rejection" [?]).
    """
    type_code = effective_type(facts)
    if facts.procedure == "PROROGATION":
        basis = "R410-17-1" if facts.parent_procedure in CERTIFICATES else "R424-23"
        return Consequence.PROROGATION_GRANTED, basis, ()
    if type_code in CERTIFICATES:
        cu_notes = (
            ("Le certificat tacite n'a que les effets d'un CUa (R410-12).",)
            if type_code == "CUB"
            else ()
        )
        return Consequence.TACIT_CU, "R410-12", cu_notes
    is_dp = type_code in DECLARATIONS
    grant = Consequence.TACIT_NON_OPPOSITION if is_dp else Consequence.TACIT_PERMIT
    if facts.sursis_confirmation is not None:
        return (
            grant,
            "L424-1",
            (
                "Après sursis à statuer et confirmation, le silence vaut "
                "accord dans les termes de la demande (L424-1).",
            ),
        )
    negative = Consequence.TACIT_OPPOSITION if is_dp else Consequence.TACIT_REFUSAL
    flags = facts.flags
    articles: list[str] = []
    # What the majorations and consultations imply, added to the flags (clock.consistency).
    notes: list[str] = [
        i.note
        for i in implications(
            type_code,
            [m.reason for m in facts.majorations],
            [c.kind for c in facts.consultations],
            flags,
        )
    ]
    if ExceptionFlag.ENV_ASSESSMENT in flags:
        if facts.filed is None or facts.filed >= R424_2_1_FIRST_FILING:
            articles.append("R424-2-1")
            notes.append(
                "Projet soumis à évaluation environnementale : le silence vaut rejet (R424-2-1)."
            )
        else:
            notes.append("R424-2-1 non applicable : dossier déposé avant le 31 décembre 2025.")
    if type_code in PERMITS:
        r424_2 = sorted(f.label for f in flags & R424_2_FLAGS)
        if type_code == "PD" and ExceptionFlag.SITE_INSCRIT in flags:
            r424_2.append("Démolition dans un site inscrit (R424-2 i)")
        if r424_2:
            articles.append("R424-2")
            notes.append(f"Cas de l'article R424-2 : {'; '.join(r424_2)}.")
        if ExceptionFlag.ABF_REFUSAL in flags:
            articles.append("R424-3")
            notes.append(
                "L'ABF, dont l'accord est requis, a notifié un avis défavorable ou "
                "assorti de prescriptions (R424-3)."
            )
    elif is_dp and ExceptionFlag.ABF_REFUSAL in flags:
        notes.append(
            "Refus de l'ABF : la non-opposition tacite ne vaut pas autorisation au "
            "titre du patrimoine (CAA Bordeaux 1er déc. 2015 n°14BX03676)."
        )
    if articles:
        return negative, ", ".join(articles), tuple(notes)
    return grant, "L424-2, R424-1 a" if is_dp else "L424-2, R424-1 b", tuple(notes)


def _suspension_notes(span: Span) -> list[str]:
    notes = []
    for period in span.suspensions:
        if span.effective_start > span.start and span.effective_start == period.end + ONE_DAY:
            notes.append(
                f"Point de départ reporté au {format_fr(span.effective_start)}, "
                f"lendemain de la fin de la suspension ({period.label}, {period.basis})."
            )
        else:
            notes.append(
                f"Délai prolongé de {period.days} jours par la suspension "
                f"({period.label}, {period.basis})."
            )
    return notes


def suspension_notes(span: Span | None) -> list[str]:
    """French sentences on each suspension that moved a délai, for its explanation (ord.
    2020-306 art. 12 bis); none for a délai that does not exist."""
    return _suspension_notes(span) if span is not None else []


def instruction(facts: Facts, calendar: SuspensionCalendar = DEFAULT_CALENDAR) -> Schedule:
    """Run the instruction clock for `facts` (§8.2 states 1 to 3)."""
    type_code = effective_type(facts)
    if facts.filed is None:  # a question that starts from the decision: no instruction clock
        return Schedule(type_code, Delay(0, "", ()), None, None, None, "", None, None, None, "", ())
    delay = instruction_delay(facts, calendar)
    if facts.procedure in NOT_CLOCKED:
        return Schedule(type_code, delay, None, None, None, "", None, None, None, "", ())
    filed = format_fr(facts.filed)
    completeness = pieces = None
    start: date | None = facts.filed
    start_note = f"Demande reçue le {filed}."
    if _is_instructed(facts):
        completeness = calendar.run(facts.filed, months=COMPLETENESS_MONTHS)
        start_note = (
            f"Dossier déposé le {filed}, réputé complet à cette date faute de demande "
            f"de pièces notifiée dans le mois (R423-22)."
        )
        requested = facts.pieces_requested
        if requested is not None and requested <= completeness.end:
            pieces = calendar.run(requested, months=3)
            received = facts.pieces_received
            if received is not None and received <= pieces.end:
                start = received
                start_note = (
                    f"Pièces manquantes demandées le {format_fr(requested)} et reçues "
                    f"le {format_fr(received)} : le délai court à compter de leur "
                    f"réception (R423-39 c)."
                )
            else:
                start = None
        elif requested is not None:
            start_note += (
                f" La demande de pièces du {format_fr(requested)}, postérieure au "
                f"délai d'un mois, n'a pas interrompu le délai (R423-41)."
            )
    elif facts.pieces_requested is not None:
        start_note += (
            " Demande de pièces sans effet sur le délai : le mécanisme R423-38 n'est "
            "pas appliqué à ce type de demande [à vérifier]."
        )
    if facts.sursis_confirmation is not None and type_code in INSTRUCTED:
        start = facts.sursis_confirmation
        start_note = (
            f"Demande confirmée le {format_fr(start)} à l'issue du sursis à statuer (L424-1)."
        )

    end = calendar.run(start, months=delay.months) if start is not None else None
    if end is not None:
        outcome, basis, notes = tacit_outcome(facts)
        tacit_date = end.end + ONE_DAY
    elif pieces is not None:
        is_dp = type_code in DECLARATIONS
        outcome = Consequence.TACIT_OPPOSITION if is_dp else Consequence.TACIT_REFUSAL
        basis, tacit_date = "R423-39 b", pieces.end + ONE_DAY
        late = facts.pieces_received
        notes = (
            (f"Pièces reçues le {format_fr(late)}, après l'expiration du délai de trois mois.",)
            if late is not None
            else ()
        )
    else:  # pragma: no cover - start is None only when a pieces window exists
        outcome, basis, notes, tacit_date = None, "", (), None
    return Schedule(
        type_code,
        delay,
        completeness,
        pieces,
        start,
        start_note,
        end,
        tacit_date,
        outcome,
        basis,
        notes,
    )


def decision_in_time(facts: Facts, calendar: SuspensionCalendar = DEFAULT_CALENDAR) -> bool | None:
    """Whether the express decision was *notified* (not signed) by the last day (§3.9, §8.4).

    None when no notification date is known or the procedure has no délai.
    """
    if facts.decision_notified is None:
        return None
    last_day = instruction(facts, calendar).last_day
    if last_day is None:
        return None
    return facts.decision_notified <= last_day
