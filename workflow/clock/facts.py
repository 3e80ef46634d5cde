"""Inputs (`Facts`) and outputs (`Deadline`) of the statutory clock. Pure Python.

Dates are the dates that count legally (§3.9): a notification date is the first presentation of
the LRAR, or the day after an electronic sending; a receipt date is the receipt at the mairie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow import procedures
from workflow.clock.consistency import InconsistentFacts, contradictions, derived_flags
from workflow.clock.rules import Consequence, ExceptionFlag, MajorationReason, ServiceKind


@dataclass(frozen=True)
class Majoration:
    """A majoration case and the date its letter was notified to the applicant.

    `notified=None` means "not notified yet": the clock projects it as if it will be notified
    within the R423-42 window (the `majoration_notice_deadline` says by when). A date after that
    window makes the majoration ineffective (CE 24 Oct 2023 n°462511); it is then reported in the
    explanations and ignored.
    """

    reason: MajorationReason
    notified: date | None = None


@dataclass(frozen=True)
class Consultation:
    """A consultation request; `sent` is taken as its receipt by the consultee (PLAT'AU)."""

    kind: ServiceKind
    sent: date


@dataclass(frozen=True)
class Facts:
    """What is known about one dossier (one instruction of §8.1).

    `filed` is the receipt of the application at the mairie (for a DAACT dossier: its receipt);
    None for a question that starts from the decision (its windows only, no instruction clock).
    `flags` also holds what the other facts imply (workflow.clock.consistency): a majoration
    R423-28 a adds MH_INSCRIT, so the clock never grants tacitly what R424-2 forbids; facts
    that contradict each other raise `InconsistentFacts` (a ValueError with a French message).
    `parent_procedure` is required for a MODIFICATIF (délai of the parent type) and tells a
    PROROGATION of a CU (R410-17-1) from that of a permit (R424-23, the default).
    `sursis_confirmation`: the applicant's confirmation after a sursis à statuer (L424-1).
    `decision_date` is the date of the express decision (arrêté); when None, `decision_signed`
    is used, then `decision_notified`.
    """

    procedure: str
    filed: date | None = None
    pieces_requested: date | None = None  # notification of the R423-38 letter
    pieces_received: date | None = None
    majorations: tuple[Majoration, ...] = ()
    flags: frozenset[ExceptionFlag] = frozenset()
    consultations: tuple[Consultation, ...] = ()
    decision_signed: date | None = None
    decision_notified: date | None = None
    decision_date: date | None = None
    decision_refused: bool = False  # express refusal/opposition (not a grant)
    prefet_ack: date | None = None  # ACTES acknowledgement (date_ar_prefecture)
    site_posting_start: date | None = None  # first day of continuous posting on site
    appeal_filed: date | None = None  # a third-party appeal, for the R600-1 notification
    daact_received: date | None = None
    prorogations_granted: int = 0
    parent_procedure: str | None = None
    sursis_confirmation: date | None = None

    def __post_init__(self) -> None:
        # Normalise friendly inputs: codes in upper case, bare reasons, (kind, date) pairs.
        code = procedures.get(self.procedure).code
        object.__setattr__(self, "procedure", code)
        if self.parent_procedure is not None:
            object.__setattr__(self, "parent_procedure", procedures.get(self.parent_procedure).code)
        object.__setattr__(
            self,
            "majorations",
            tuple(m if isinstance(m, Majoration) else Majoration(m) for m in self.majorations),
        )
        object.__setattr__(self, "flags", frozenset(self.flags))
        object.__setattr__(
            self,
            "consultations",
            tuple(
                c if isinstance(c, Consultation) else _consultation(*c) for c in self.consultations
            ),
        )
        self._validate()
        parent = self.parent_procedure  # _validate made a MODIFICATIF name it
        type_code = parent if self.procedure == "MODIFICATIF" and parent else self.procedure
        reasons = [m.reason for m in self.majorations]
        flags = derived_flags(type_code, reasons, [c.kind for c in self.consultations], self.flags)
        object.__setattr__(self, "flags", flags)
        problems = contradictions(type_code, reasons, flags)
        if problems:
            raise InconsistentFacts(" ".join(problems))

    def _validate(self) -> None:
        parent = self.parent_procedure
        if self.procedure == "MODIFICATIF" and parent not in procedures.INITIAL_CODES:
            raise InconsistentFacts(
                "Une demande de modification (MODIFICATIF) doit indiquer le type du permis "
                "parent (PC, DP…)."
            )
        if self.prorogations_granted < 0:
            raise InconsistentFacts("Le nombre de prorogations ne peut être négatif.")
        if self.pieces_received is not None and self.pieces_requested is None:
            raise InconsistentFacts(
                "Une date de réception des pièces suppose une demande de pièces."
            )
        if self.filed is None and (self.pieces_requested or self.majorations or self.consultations):
            raise InconsistentFacts(
                "Les pièces, majorations et consultations se comptent depuis le dépôt : "
                "indiquez la date de dépôt."
            )
        _not_before("pieces_requested", self.pieces_requested, "filed", self.filed)
        _not_before(
            "pieces_received", self.pieces_received, "pieces_requested", self.pieces_requested
        )
        for name in (
            "decision_signed",
            "decision_notified",
            "decision_date",
            "daact_received",
            "sursis_confirmation",
        ):
            _not_before(name, getattr(self, name), "filed", self.filed)
        _not_before(
            "decision_notified", self.decision_notified, "decision_signed", self.decision_signed
        )
        _not_before("prefet_ack", self.prefet_ack, "decision_signed", self.decision_signed)
        for name in ("site_posting_start", "appeal_filed"):
            _not_before(name, getattr(self, name), "filed", self.filed)
            _not_before(name, getattr(self, name), "decision_signed", self.decision_signed)
        for m in self.majorations:
            _not_before(
                f"la notification de la majoration {m.reason.article}",
                m.notified,
                "filed",
                self.filed,
            )
        for c in self.consultations:
            _not_before(f"la consultation : {c.kind.label}", c.sent, "filed", self.filed)


def _consultation(kind: ServiceKind | str, sent: date) -> Consultation:
    if isinstance(kind, str):
        key = kind.strip().upper()
        kind = ServiceKind[key] if key in ServiceKind.__members__ else ServiceKind.OTHER
    return Consultation(kind, sent)


# French names of the dated facts, for the messages of `_not_before`.
_LABELS = {
    "filed": "le dépôt",
    "pieces_requested": "la demande de pièces",
    "pieces_received": "la réception des pièces",
    "decision_signed": "la signature de la décision",
    "decision_notified": "la notification de la décision",
    "decision_date": "la date de la décision",
    "prefet_ack": "l'accusé de réception de la préfecture",
    "site_posting_start": "le début de l'affichage sur le terrain",
    "appeal_filed": "le recours",
    "daact_received": "la réception de la DAACT",
    "sursis_confirmation": "la confirmation après sursis",
}


def _not_before(name: str, value: date | None, ref_name: str, ref: date | None) -> None:
    if value is not None and ref is not None and value < ref:
        label = _LABELS.get(name, name)
        raise InconsistentFacts(
            f"{label[0].upper()}{label[1:]} ({value:%d/%m/%Y}) ne peut précéder "
            f"{_LABELS.get(ref_name, ref_name)} ({ref:%d/%m/%Y})."
        )


@dataclass(frozen=True)
class Deadline:
    """One computed date, with its legal basis and a French explanation (§8.1: store the basis)."""

    name: str  # stable snake_case id
    label: str  # French
    date: date
    consequence: Consequence
    basis: str  # articles, e.g. "R423-23 b, R423-24 c"
    explanation: str  # French: the facts used
