"""The legal life of one instruction: its state, its facts, and every transition in one place.

`permits.Dossier` inherits this abstract model; `workflow` never imports `permits`. A concrete
subclass provides `commune`, `parent` and `depositor`. State changes happen only here, through
django-fsm transitions (the field is protected), fired by `workflow.transitions.fire`, which
checks the actor's role, locks the row, writes the event and reschedules the timers in the same
transaction. Reference: ads-reference.md §8 (state machine) and §3 (the articles cited below).

Dates passed to transitions are the dates that count legally (§3.9): a notification is the
first presentation of the registered letter, or the day after an electronic sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from workflow import clock, procedures
from workflow.clock.rules import (
    APPEAL_MONTHS,
    CERTIFICATES,
    DECLARATIONS,
    DELIVERED_ONLY,
    ExceptionFlag,
    MajorationReason,
)
from workflow.errors import TransitionRefused
from workflow.outcomes import (
    NEEDS_GROUNDS,
    NEGATIVE,
    Outcome,
    binding_opinion_conflict,
    express_outcomes,
)
from workflow.states import State

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from workflow.models.consultations import Consultation

S = State
T = TypeVar("T")
# Before a decision is notified, the tacit clock keeps running (§8.2 row 4).
PENDING_DECISION = [
    S.DEPOSITED,
    S.UNDER_INSTRUCTION,
    S.DECISION_PROPOSED,
    S.AWAITING_SIGNATURE,
    S.SIGNED,
    S.TRANSMITTED_TO_PREFET,
]
BEFORE_DECISION = [
    S.DEPOSITED,
    S.INCOMPLETE,
    S.UNDER_INSTRUCTION,
    S.DECISION_PROPOSED,
    S.AWAITING_SIGNATURE,
]
GRANTED = [S.EXECUTORY, S.DEFINITIVE]
# A decision still in force may be withdrawn (L424-5): the sources of announce_retrait and retract.
RETRAIT_SOURCES = [*GRANTED, S.WORKS_OPENED]
# Local policy for the contradictory step before a retrait (CRPA L121-1/L122-1 set no length).
RETRAIT_REPLY_DAYS = 15
# PD: demolition may start 15 days after the permit is executory (R452-1) [reference: ?].
PD_WORKS_DELAY_DAYS = 15


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _fr(day: date | None) -> str:
    return clock.format_fr(day) if day else ""


def _stated(value: T | None, what: str) -> T:
    """A fact the dossier's state guarantees (an earlier transition recorded it); its absence
    is a bug, not a user error."""
    if value is None:
        raise RuntimeError(f"{what} is not recorded although the state implies it")
    return value


def _refuse_signature_after_the_delai(dossier: Instruction, on: date) -> None:
    """Guard of `sign`: once the délai has run out, a tacit decision exists (L424-2, R424-1;
    R424-2 for a refusal) and a decision signed now would be notified too late (§3.9): a late
    grant would duplicate it, a late refusal would be a retrait without its contradictory
    procedure (L424-5). The parapheur shows the same explanation before anyone tries."""
    notice = dossier.tacit_decision_notice(on)
    if notice:
        raise TransitionRefused(notice)


def _binding_opinions(instruction: Instruction) -> list[Consultation]:
    if not instruction.pk:
        return []
    return [c for c in instruction.consultations.all() if c.binding]


def check_binding_opinions(instruction: Instruction, outcome: str) -> None:
    """Guard: the decision follows every avis conforme (L632-2 code du patrimoine: an ABF
    refusal forces a refusal, its prescriptions are imposed, no grant before its accord)."""
    conflict = binding_opinion_conflict(
        outcome, [(c.service_name, c.opinion) for c in _binding_opinions(instruction)]
    )
    if conflict:
        raise TransitionRefused(conflict)


class Instruction(ConcurrentTransitionMixin, models.Model):
    """The state machine and the legal facts of one application, shared by every procedure.

    Abstract, so that workflow owns the law while permits owns the dossier's own data (its
    commune, applicant, parent, number); the guards live on the transitions, nowhere else."""

    procedure = models.CharField("procédure", max_length=12, choices=procedures.choices())
    state = FSMField(
        "état", default=S.DRAFT, choices=S.choices, protected=True, db_index=True, max_length=30
    )
    filed_at = models.DateTimeField("déposé le", null=True, blank=True)
    # Completeness (R423-38, R423-39).
    pieces_requested_on = models.DateField("pièces demandées le", null=True, blank=True)
    pieces_requested = models.JSONField("pièces demandées", default=list, blank=True)
    pieces_received_on = models.DateField("pièces reçues le", null=True, blank=True)
    # [{"reason": MajorationReason name, "notified": ISO date}] (R423-24..R423-33, R423-42).
    majorations = models.JSONField("majorations", default=list, blank=True)
    # ExceptionFlag names qualified by the officer or proposed from the cadastre (§8.4).
    flags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # The decision (§3.8, §3.9, §3.10).
    decision_outcome = models.CharField(
        "décision", max_length=40, choices=Outcome.choices, blank=True
    )
    decision_grounds = models.JSONField("motifs", default=list, blank=True)
    decision_prescriptions = models.JSONField("prescriptions", default=list, blank=True)
    sursis_until = models.DateField("sursis jusqu'au", null=True, blank=True)
    decision_signed_at = models.DateTimeField("signée le", null=True, blank=True)
    decision_notified_on = models.DateField("notifiée le", null=True, blank=True)
    prefet_ack_on = models.DateField("accusé de réception préfecture", null=True, blank=True)
    tacit_on = models.DateField("décision tacite née le", null=True, blank=True)
    executory_on = models.DateField("exécutoire le", null=True, blank=True)
    sursis_confirmed_on = models.DateField("confirmée après sursis le", null=True, blank=True)
    retrait_letter_on = models.DateField("lettre préalable au retrait", null=True, blank=True)
    # After the decision (§3.11, §3.13, §3.14).
    site_posting_start_on = models.DateField(
        "affichage sur le terrain depuis", null=True, blank=True
    )
    doc_received_on = models.DateField("ouverture de chantier déclarée le", null=True, blank=True)
    daact_received_on = models.DateField("DAACT reçue le", null=True, blank=True)
    prorogations_granted = models.PositiveSmallIntegerField("prorogations accordées", default=0)
    # What a follow-up declares (cerfa 13407/13408/13412): the opening date of a DOC, the
    # completion date and scope of a DAACT, the consents of a transfert (workflow.children).
    declared = models.JSONField("faits déclarés", default=dict, blank=True)
    closing_reason = models.TextField("motif", blank=True)
    # Timers: the next date something may happen on its own (workflow.timers). Indexed, so the
    # sweep reads only due rows.
    next_timer_on = models.DateField(null=True, blank=True, editable=False)
    # The next date the authority must act by (completeness month, then the end of the délai):
    # the officers' worklist sorts on it, so it is stored, and recomputed with the timers.
    action_due_on = models.DateField(null=True, blank=True, editable=False)
    # The event log's head: number and hash of the last event (workflow.events).
    event_count = models.PositiveIntegerField(default=0, editable=False)
    event_head = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["next_timer_on", "id"],
                name="%(app_label)s_%(class)s_timer",
                condition=models.Q(next_timer_on__isnull=False),
            ),
            # The worklist's order: walked in index order, a page costs its own size.
            models.Index(fields=["action_due_on", "filed_at"], name="%(app_label)s_%(class)s_due"),
        ]

    # The event counters are written only by workflow.events.record_event (a queryset update
    # under the row lock): a save() of an instance loaded earlier must not roll them back.
    _EVENT_FIELDS = ("event_count", "event_head")

    if TYPE_CHECKING:
        # Provided by the concrete subclass (permits.Dossier), which workflow never imports.
        commune_id: int
        depositor_id: int | None
        parent: Instruction | None
        parent_id: int | None
        consultations: RelatedManager[Consultation]
        objects: ClassVar[models.Manager[Self]]

        @property
        def display_number(self) -> str: ...

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves every field but the event log's head, which only record_event writes."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self._EVENT_FIELDS
            ]
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reloads the row and puts the state's protection back even when the reload fails."""
        # django_fsm lifts the state's protection for the reload and puts it back only when
        # the reload succeeds: one that raised left every Dossier's state assignable for the
        # rest of the process. The protection is put back whatever happens.
        try:
            super().refresh_from_db(*args, **kwargs)
        finally:
            type(self)._meta.get_field("state").protected = True

    # --- facts for the clock ---------------------------------------------------------------

    @property
    def filed_on(self) -> date | None:
        """The filing's local date: the day délais count from (R423-1), not the UTC instant."""
        return timezone.localdate(self.filed_at) if self.filed_at else None

    @property
    def effective_type(self) -> str:
        """A modificatif is instructed as its parent's type (§1.1)."""
        if self.procedure == "MODIFICATIF" and self.parent is not None:
            return self.parent.effective_type
        return self.procedure

    def clock_facts(self, **overrides: Any) -> clock.Facts:
        """The clock's input from the stored facts (`overrides` ask "what if"), so that the
        model, the views and the timers read one computation (workflow.clock)."""
        signed = timezone.localdate(self.decision_signed_at) if self.decision_signed_at else None
        facts: dict[str, Any]  # Facts' arguments by name, so that `overrides` replace any
        consultations: tuple[clock.Consultation, ...] = ()
        if self.pk:
            # The prefetched ones if a caller prefetched them (read at every clock).
            consultations = tuple(c.clock_view() for c in self.consultations.all())
        facts = {
            "procedure": self.procedure,
            "filed": self.filed_on,
            "pieces_requested": self.pieces_requested_on,
            "pieces_received": self.pieces_received_on,
            "majorations": tuple(
                clock.Majoration(MajorationReason[m["reason"]], date.fromisoformat(m["notified"]))
                for m in self.majorations
            ),
            "flags": frozenset(ExceptionFlag[f] for f in self.flags),
            "consultations": consultations,
            "decision_signed": signed,
            "decision_notified": self.decision_notified_on,
            "decision_date": signed,
            "decision_refused": self.decision_outcome in NEGATIVE,
            "prefet_ack": self.prefet_ack_on,
            "site_posting_start": self.site_posting_start_on,
            "daact_received": self.daact_received_on,
            "prorogations_granted": self.prorogations_granted,
            "parent_procedure": self.parent.effective_type if self.parent is not None else None,
            "sursis_confirmation": self.sursis_confirmed_on,
        }
        return clock.Facts(**(facts | overrides))

    def deadlines(self) -> list[clock.Deadline]:
        """Every deadline with its date, consequence, article and explanation; [] for a draft."""
        if self.filed_at is None:
            return []
        return clock.compute_deadlines(self.clock_facts())

    def deadline(self, name: str) -> clock.Deadline | None:
        """One deadline by its stable name (clock.Deadline.name); None where it does not apply."""
        return next((d for d in self.deadlines() if d.name == name), None)

    def _require_deadline(self, name: str) -> clock.Deadline:
        found = self.deadline(name)
        if found is None:  # a bug, not a user error: the clock must know this procedure
            raise RuntimeError(f"no {name} deadline for {self.procedure} in state {self.state}")
        return found

    @property
    def is_certificate(self) -> bool:
        """A CU (L410-1): informs, authorises nothing, so it has no executory branch (§8.5)."""
        return self.effective_type in CERTIFICATES

    @property
    def is_declaration(self) -> bool:
        """A DP: the non-opposition vocabulary (R424-1 a) and no DOC (R424-16 is for permits)."""
        return self.effective_type in DECLARATIONS

    @property
    def has_executory_branch(self) -> bool:
        """§8.5: a CU, a prorogation or a transfert is delivered once notified; only a permit or
        a DP becomes executory (L424-7, L424-8), then definitive, opened, completed."""
        return not (self.is_certificate or self.procedure in DELIVERED_ONLY)

    # --- the délais that refuse an act: asked by the transitions, the views and the acts -----

    def pieces_request_refusal(self, on: date) -> TransitionRefused | None:
        """R423-38: the pieces request is notified within one month of filing; later, it would
        not stop the clock (R423-41) and the dossier is deemed complete (R423-22). None while
        the month runs."""
        window = self._require_deadline("completeness_deadline")
        if on <= window.date:
            return None
        return TransitionRefused(
            f"Le délai d'un mois pour demander des pièces a expiré le {_fr(window.date)} : "
            "une demande notifiée après ce délai n'interromprait pas le délai d'instruction "
            "(R423-41). Le dossier est réputé complet (R423-22).",
            article="R423-41",
        )

    def tacit_certificate_refusal(self) -> TransitionRefused | None:
        """R424-13: the certificate states a tacit permit or non-opposition that exists, born
        by `arise_tacit_decision` on the clock's date. None when there is one to certify."""
        if self.tacit_on is not None and self.decision_outcome == Outcome.TACIT_GRANT:
            return None
        return TransitionRefused(
            "Aucune décision tacite favorable n'est née sur ce dossier (R424-13).",
            article="R424-13",
        )

    def conformity_attestation_refusal(self) -> TransitionRefused | None:
        """R462-10: the attestation of non-contestation is delivered once the contest window
        has closed without a contest (the dossier is then conform). None when it may be."""
        if self.state == S.CONFORM:
            return None
        return TransitionRefused(
            "L'attestation de non-contestation ne peut être délivrée qu'une fois le délai "
            "de contestation de la conformité expiré sans contestation (R462-10).",
            article="R462-10",
        )

    def retrait_refusal(self, on: date) -> TransitionRefused | None:
        """L424-5: a permit or a non-opposition, express or tacit, may be withdrawn only within
        three months of its date. None while the window is open (the contradictory step of CRPA
        L121-1/L122-1 is `retract`'s own guard)."""
        window = self.deadline("retrait_deadline")
        if window is None:
            return TransitionRefused(
                "Cette décision ne peut pas faire l'objet d'un retrait (L424-5).", article="L424-5"
            )
        if on <= window.date:
            return None
        return TransitionRefused(
            f"Le retrait n'est possible que jusqu'au {_fr(window.date)} (L424-5).",
            article="L424-5",
        )

    def refusal_still_contestable(self, on: date) -> bool:
        """CJA R421-1: the applicant may challenge a refusal within two months; for a tacit
        refusal they run from its date. True while they run (the parapheur still shows it)."""
        if self.tacit_on is None:
            return False
        return on <= clock.add_months(self.tacit_on, APPEAL_MONTHS)

    # --- filing and completeness ------------------------------------------------------------

    @transition(field=state, source=S.DRAFT, target=S.DEPOSITED)
    def submit(self) -> None:
        """Filing (R423-1, R423-3): the number and `filed_at` are set by permits.filing."""
        if self.filed_at is None:
            raise TransitionRefused("La date de dépôt manque.")

    @transition(field=state, source=S.DEPOSITED, target=S.INCOMPLETE)
    def request_pieces(self, pieces: list[str], on: date | None = None) -> None:
        """R423-38: one exhaustive request, notified within one month of filing. Later, it
        would not stop the clock (R423-41): refused, so nobody believes it did."""
        on = _today(on)
        if not pieces:
            raise TransitionRefused("Indiquez la liste exhaustive des pièces manquantes (R423-38).")
        refusal = self.pieces_request_refusal(on)
        if refusal is not None:
            raise refusal
        if on < _stated(self.filed_on, "filed_at"):
            raise TransitionRefused("La demande de pièces ne peut précéder le dépôt.")
        self.pieces_requested_on = on
        self.pieces_requested = list(pieces)

    @transition(field=state, source=S.INCOMPLETE, target=S.UNDER_INSTRUCTION)
    def receive_pieces(self, on: date | None = None) -> None:
        """R423-39 c: the délai runs from the receipt of the missing pieces."""
        on = _today(on)
        if on < _stated(self.pieces_requested_on, "pieces_requested_on"):
            raise TransitionRefused("Les pièces ne peuvent être reçues avant d'être demandées.")
        window = self._require_deadline("pieces_deadline")
        if on > window.date:
            raise TransitionRefused(
                f"Le délai de trois mois pour fournir les pièces a expiré le {_fr(window.date)} : "
                "la demande est tacitement rejetée (R423-39 b)."
            )
        self.pieces_received_on = on

    @transition(field=state, source=S.DEPOSITED, target=S.UNDER_INSTRUCTION)
    def declare_complete(self) -> None:
        """The officer finds the dossier complete: the délai runs from filing (R423-19)."""

    @transition(field=state, source=S.DEPOSITED, target=S.UNDER_INSTRUCTION)
    def deem_complete(self, today: date) -> None:
        """Timer: no request within the month, the dossier is complete at filing (R423-22)."""
        window = self._require_deadline("completeness_deadline")
        if today <= window.date:
            raise TransitionRefused(f"Le mois de complétude court jusqu'au {_fr(window.date)}.")

    @transition(field=state, source=S.INCOMPLETE, target=S.TACIT_REJECTED)
    def expire_pieces_window(self, today: date) -> None:
        """Timer: pieces not supplied within 3 months, tacit rejection or opposition
        (R423-39 b)."""
        window = self._require_deadline("pieces_deadline")
        if today <= window.date:
            raise TransitionRefused(
                f"Le délai pour fournir les pièces court jusqu'au {_fr(window.date)}."
            )
        self.tacit_on = window.date + timedelta(days=1)
        self.decision_outcome = Outcome.TACIT_REJECTION

    # --- délai and qualification ------------------------------------------------------------

    @transition(field=state, source=[S.DEPOSITED, S.INCOMPLETE, S.UNDER_INSTRUCTION], target=None)
    def notify_majoration(self, reason: str, on: date | None = None) -> None:
        """R423-18, R423-42: a listed reason, notified within one month of filing; a late or
        unlisted one is without effect (CE 24 Oct 2023 n°462511), so it is refused."""
        on = _today(on)
        try:
            member = MajorationReason[reason]
        except KeyError:
            raise TransitionRefused(
                f"Motif de majoration inconnu : {reason} (R423-24 à R423-33)."
            ) from None
        if member.effect(self.effective_type) is None:
            raise TransitionRefused(
                f"Le motif « {member.label} » ({member.article}) ne s'applique pas à ce type de "
                "demande."
            )
        window = self._require_deadline("majoration_notice_deadline")
        if on > window.date:
            raise TransitionRefused(
                f"Une majoration doit être notifiée au plus tard le {_fr(window.date)} "
                "(R423-42) ; notifiée après, elle serait sans effet (CE, 24 oct. 2023, n°462511)."
            )
        if any(m["reason"] == member.name for m in self.majorations):
            raise TransitionRefused("Cette majoration a déjà été notifiée.")
        self.majorations = [*self.majorations, {"reason": member.name, "notified": on.isoformat()}]
        self._refuse_inconsistent_facts()

    @transition(field=state, source=BEFORE_DECISION, target=None)
    def qualify(self, flags: list[str]) -> None:
        """The officer records the situations that decide the délai and the tacit outcome
        (§8.4: R424-2, R424-3, R424-2-1, ERP, IGH, SPR, abords…)."""
        unknown = sorted(set(flags) - set(ExceptionFlag.__members__))
        if unknown:
            raise TransitionRefused(f"Qualification inconnue : {', '.join(unknown)}.")
        self.flags = sorted(set(flags))
        self._refuse_inconsistent_facts()

    def _refuse_inconsistent_facts(self) -> None:
        """Facts the clock cannot hold together (clock.consistency: an R423-28 b majoration
        without saying ERP or IGH) are refused before they are stored, with its reason."""
        if self.filed_at is None:
            return
        try:
            self.clock_facts()
        except clock.InconsistentFacts as error:
            raise TransitionRefused(str(error)) from None

    # --- the express decision ----------------------------------------------------------------

    @transition(field=state, source=S.UNDER_INSTRUCTION, target=S.DECISION_PROPOSED)
    def propose_decision(
        self,
        outcome: str,
        grounds: Iterable[str] = (),
        prescriptions: Iterable[str] = (),
        sursis_until: date | None = None,
    ) -> None:
        """The officer's draft. L424-3: a refusal or opposition states every ground;
        prescriptions and sursis are motivated; a sursis says how long (≤ 2 years, L424-1)."""
        if outcome not in express_outcomes(self.effective_type):
            labels = ", ".join(o.label for o in express_outcomes(self.effective_type))
            raise TransitionRefused(
                f"Décision impossible pour cette demande. Possibles : {labels}."
            )
        grounds = [g.strip() for g in grounds if g and g.strip()]
        prescriptions = [p.strip() for p in prescriptions if p and p.strip()]
        check_binding_opinions(self, outcome)
        # The ABF's prescriptions, and the accord that motivates them, are carried into the act
        # as they are (permits.decisions.content): the officer need not copy them.
        imposed = "prescriptions" in outcome and any(
            c.prescriptions for c in _binding_opinions(self)
        )
        if outcome in NEEDS_GROUNDS and not grounds and not imposed:
            raise TransitionRefused(
                "Cette décision doit être motivée : indiquez tous les motifs (L424-3)."
            )
        if "prescriptions" in outcome and not prescriptions and not imposed:
            raise TransitionRefused("Indiquez les prescriptions.")
        if outcome == Outcome.SURSIS_A_STATUER:
            if sursis_until is None:
                raise TransitionRefused("Indiquez la durée du sursis à statuer (L424-1).")
            if sursis_until > clock.add_months(timezone.localdate(), 24):
                raise TransitionRefused("Le sursis à statuer ne peut excéder deux ans (L424-1).")
        self.decision_outcome = outcome
        self.decision_grounds = grounds
        self.decision_prescriptions = prescriptions
        self.sursis_until = sursis_until

    @transition(field=state, source=S.DECISION_PROPOSED, target=S.UNDER_INSTRUCTION)
    def withdraw_proposal(self) -> None:
        """The officer takes the draft back to change it."""
        self.decision_outcome = ""

    @transition(field=state, source=S.DECISION_PROPOSED, target=S.AWAITING_SIGNATURE)
    def send_for_signature(self) -> None:
        """Into the signatory's parapheur. The tacit clock keeps running (§8.2)."""

    @transition(field=state, source=S.AWAITING_SIGNATURE, target=S.DECISION_PROPOSED)
    def return_for_changes(self, comment: str) -> None:
        """The signatory sends the draft back with a comment."""
        if not comment or not comment.strip():
            raise TransitionRefused("Indiquez ce qui doit être revu.")

    @transition(field=state, source=S.AWAITING_SIGNATURE, target=S.SIGNED)
    def sign(self, at: datetime | None = None) -> None:
        """The maire or a delegate signs (CRPA L212-1); the PDF is produced by permits."""
        at = at or timezone.now()
        _refuse_signature_after_the_delai(self, timezone.localdate(at))
        check_binding_opinions(self, self.decision_outcome)
        self.decision_signed_at = at

    def tacit_decision_notice(self, on: date) -> str:
        """French explanation when, on `on`, a tacit decision has already arisen (§3.7, §3.9):
        its date, sense and articles, and what the law still allows (L424-5); "" otherwise."""
        tacit = self.deadline("tacit_decision")
        if tacit is None or on < tacit.date:
            return ""
        text = (
            f"Le délai d'instruction a expiré le {_fr(tacit.date - timedelta(days=1))} : une "
            f"décision tacite est née le {_fr(tacit.date)} ({tacit.consequence.label}, "
            f"{tacit.basis}). Le projet de décision ne peut plus être signé comme si elle "
            "n'existait pas."
        )
        if tacit.consequence in clock.GRANTS:
            retrait = self.deadline("retrait_deadline")
            if retrait is not None and on <= retrait.date:
                return (
                    f"{text} Si cette décision est illégale, la commune peut la retirer jusqu'au "
                    f"{_fr(retrait.date)}, après une procédure contradictoire (L424-5 ; CRPA "
                    "L121-1, L122-1) : une lettre préalable au retrait est d'abord adressée au "
                    "bénéficiaire, puis le retrait se prononce depuis le parapheur."
                )
            if retrait is not None:
                return (
                    f"{text} Le délai de retrait a expiré le {_fr(retrait.date)} : elle ne peut "
                    "plus être retirée, sauf à la demande de son bénéficiaire (L424-5)."
                )
            return text
        return (
            f"{text} Le demandeur peut en demander les motifs (CRPA L232-4) et former un recours "
            "dans les deux mois."
        )

    @transition(
        field=state,
        source=[S.SIGNED, S.TRANSMITTED_TO_PREFET],
        target=RETURN_VALUE(S.NOTIFIED, S.REFUSED, S.SURSIS_A_STATUER, S.EXECUTORY),
    )
    def notify_decision(self, on: date | None = None) -> str:
        """R424-10: notification (first LRAR presentation, or the day after an electronic
        sending). A grant is executory once notified and transmitted (L424-7)."""
        on = _today(on)
        signed = timezone.localdate(self.decision_signed_at)
        if on < signed:
            raise TransitionRefused("La notification ne peut précéder la signature.")
        end = self.deadline("instruction_end")
        outcome = self.decision_outcome
        if end is not None and on > end.date and outcome not in NEGATIVE:
            # Notification, not signature, counts (§3.9): the tacit decision exists already.
            raise TransitionRefused(
                f"Le délai d'instruction a expiré le {_fr(end.date)} : une décision tacite est "
                "née le lendemain (L424-2). Cette notification tardive ne peut la remplacer."
            )
        self.decision_notified_on = on
        if outcome in NEGATIVE:
            return S.REFUSED
        if outcome == Outcome.SURSIS_A_STATUER:
            return S.SURSIS_A_STATUER
        if not self.has_executory_branch:
            return S.NOTIFIED  # delivered (§8.5)
        if self.prefet_ack_on is not None:
            self.executory_on = max(on, self.prefet_ack_on)
            return S.EXECUTORY
        return S.NOTIFIED

    @transition(
        field=state,
        source=[S.SIGNED, S.NOTIFIED, S.TACIT_GRANTED, S.EXECUTORY, S.DEFINITIVE],
        target=RETURN_VALUE(
            S.TRANSMITTED_TO_PREFET, S.EXECUTORY, S.NOTIFIED, S.TACIT_GRANTED, S.DEFINITIVE
        ),
    )
    def record_prefet_ack(self, on: date) -> str:
        """CGCT L2131-2: the ACTES acknowledgement is the legal date of transmission. With the
        notification, it makes an express municipal grant executory (L424-7)."""
        if self.prefet_ack_on is not None:
            raise TransitionRefused("L'accusé de réception de la préfecture est déjà enregistré.")
        if self.decision_signed_at and on < timezone.localdate(self.decision_signed_at):
            raise TransitionRefused("La transmission ne peut précéder la signature.")
        self.prefet_ack_on = on
        if self.state == S.SIGNED:
            return S.TRANSMITTED_TO_PREFET
        if self.state == S.NOTIFIED and self.has_executory_branch:
            self.executory_on = max(on, _stated(self.decision_notified_on, "decision_notified_on"))
            return S.EXECUTORY
        unchanged: str = self.state
        return unchanged

    # --- tacit decisions -------------------------------------------------------------------

    @transition(
        field=state,
        source=PENDING_DECISION,
        target=RETURN_VALUE(S.TACIT_GRANTED, S.TACIT_REJECTED),
    )
    def arise_tacit_decision(self, today: date) -> str:
        """Timer: no decision notified by the end of the délai (L424-2, R424-1; exceptions
        R424-2, R424-3, R424-2-1; CU R410-12; prorogation R424-23). A decision notified in time
        has left these source states, so it can never be overridden here."""
        tacit = self._require_deadline("tacit_decision")
        if today < tacit.date:
            raise TransitionRefused(f"Aucune décision tacite avant le {_fr(tacit.date)}.")
        consequence, _basis, _notes = clock.tacit_outcome(self.clock_facts())
        self.tacit_on = tacit.date
        negative = consequence in (
            clock.Consequence.TACIT_REFUSAL,
            clock.Consequence.TACIT_OPPOSITION,
        )
        self.decision_outcome = Outcome.TACIT_REJECTION if negative else Outcome.TACIT_GRANT
        return S.TACIT_REJECTED if negative else S.TACIT_GRANTED

    @transition(field=state, source=S.TACIT_GRANTED, target=S.EXECUTORY)
    def become_executory(self, today: date | None = None) -> None:
        """L424-8: a tacit permit or non-opposition is executory as soon as it exists. A tacit
        CU or prorogation has no executory branch (§8.5)."""
        if not self.has_executory_branch:
            raise TransitionRefused("Cette décision tacite n'a pas de caractère exécutoire.")
        self.executory_on = self.tacit_on

    # --- after the decision -------------------------------------------------------------------

    @transition(field=state, source=S.SURSIS_A_STATUER, target=S.UNDER_INSTRUCTION)
    def confirm_after_sursis(self, on: date | None = None) -> None:
        """L424-1: the applicant confirms within 2 months of the end of the deferral; the
        authority then has 2 months, silence giving a tacit grant."""
        on = _today(on)
        last = clock.add_months(_stated(self.sursis_until, "sursis_until"), 2)
        if on > last:
            raise TransitionRefused(
                f"La confirmation devait intervenir au plus tard le {_fr(last)} (L424-1)."
            )
        self.sursis_confirmed_on = on
        self.decision_outcome = ""
        self.decision_grounds = []
        self.decision_prescriptions = []
        self.decision_signed_at = None
        self.decision_notified_on = None

    @transition(field=state, source=BEFORE_DECISION, target=S.WITHDRAWN)
    def withdraw(self, on: date | None = None) -> None:
        """The applicant withdraws the application (désistement); the number is kept (§2)."""
        self.closing_reason = f"Désistement du demandeur le {_fr(_today(on))}."

    @transition(field=state, source=GRANTED, target=None)
    def declare_site_posting(self, on: date) -> None:
        """R424-15, R600-2: the first day of continuous posting on site starts the third-party
        appeal window."""
        if self.site_posting_start_on is not None:
            raise TransitionRefused("Le début de l'affichage sur le terrain est déjà déclaré.")
        self.site_posting_start_on = on

    @transition(field=state, source=RETRAIT_SOURCES, target=None)
    def announce_retrait(self, on: date | None = None) -> None:
        """CRPA L121-1, L122-1: the holder is told of the intended retrait and may answer; only
        once, and while the retrait itself is still possible (L424-5)."""
        on = _today(on)
        if self.retrait_letter_on is not None:
            raise TransitionRefused(
                "Une procédure de retrait est déjà engagée depuis le "
                f"{self.retrait_letter_on:%d/%m/%Y}."
            )
        refusal = self.retrait_refusal(on)
        if refusal is not None:
            raise refusal
        self.retrait_letter_on = on

    @transition(field=state, source=RETRAIT_SOURCES, target=S.RETRACTED)
    def retract(self, reason: str, on: date | None = None) -> None:
        """L424-5: only an illegal decision, within 3 months, after the contradictory step."""
        on = _today(on)
        if not reason or not reason.strip():
            raise TransitionRefused("Indiquez le motif d'illégalité justifiant le retrait.")
        refusal = self.retrait_refusal(on)
        if refusal is not None:
            raise refusal
        if (
            self.retrait_letter_on is None
            or (on - self.retrait_letter_on).days < RETRAIT_REPLY_DAYS
        ):
            raise TransitionRefused(
                "Le retrait suppose une procédure contradictoire préalable : lettre au titulaire "
                f"puis au moins {RETRAIT_REPLY_DAYS} jours pour répondre (CRPA L121-1, L122-1)."
            )
        self.closing_reason = reason.strip()

    @transition(field=state, source=S.EXECUTORY, target=S.DEFINITIVE)
    def become_definitive(self, today: date) -> None:
        """Timer: the retrait, déféré and third-party appeal windows have all closed with no
        challenge recorded (L424-5, CGCT L2131-6, R600-2). Without site posting the third-party
        window never starts, so the decision never becomes definitive here."""
        due = self.definitive_on()
        if due is None or today <= due:
            raise TransitionRefused("Les délais de recours et de retrait ne sont pas tous expirés.")

    def definitive_on(self) -> date | None:
        """The last day of the last open window, or None while one of them has not started."""
        names = ["retrait_deadline", "third_party_appeal_deadline"]
        if not (self.tacit_on and not self.prefet_ack_on):
            names.append("deferre_deadline")
        found = {d.name: d.date for d in self.deadlines() if d.name in names}
        return max(found.values()) if len(found) == len(names) else None

    @transition(field=state, source=GRANTED, target=S.WORKS_OPENED)
    def open_works(self, on: date | None = None) -> None:
        """DOC (R424-16), for permits only: a DP has no DOC (§8.5); demolition waits 15 days
        after the permit is executory."""
        on = _today(on)
        if self.is_declaration or self.is_certificate:
            raise TransitionRefused("La déclaration d'ouverture de chantier concerne les permis.")
        if self.effective_type == "PD":
            start = _stated(self.executory_on, "executory_on") + timedelta(days=PD_WORKS_DELAY_DAYS)
            if on < start:
                raise TransitionRefused(f"La démolition ne peut commencer avant le {_fr(start)}.")
        self.doc_received_on = on

    @transition(field=state, source=[*GRANTED, S.WORKS_OPENED], target=S.WORKS_COMPLETED)
    def complete_works(self, on: date | None = None) -> None:
        """DAACT received (R462-1): opens the 3- or 5-month conformity window (R462-6/7). A
        permit needs its DOC first; a DP with works has none; a PD has no DAACT (§8.5)."""
        if self.effective_type == "PD" or self.is_certificate:
            raise TransitionRefused("Cette autorisation ne donne pas lieu à une DAACT.")
        if self.state != S.WORKS_OPENED and not self.is_declaration:
            raise TransitionRefused("Déclarez d'abord l'ouverture du chantier (DOC).")
        self.daact_received_on = _today(on)

    @transition(field=state, source=S.WORKS_COMPLETED, target=S.NON_CONFORM)
    def contest_conformity(self, reason: str, on: date | None = None) -> None:
        """R462-9: a formal notice within the window (file a modificatif or bring works into
        line)."""
        on = _today(on)
        window = self._require_deadline("conformity_contest_deadline")
        if on > window.date:
            raise TransitionRefused(
                f"La conformité ne peut plus être contestée depuis le {_fr(window.date)} (R462-6)."
            )
        if not reason or not reason.strip():
            raise TransitionRefused("Indiquez les non-conformités constatées.")
        self.closing_reason = reason.strip()

    @transition(field=state, source=S.WORKS_COMPLETED, target=S.CONFORM)
    def close_conformity_window(self, today: date) -> None:
        """Timer: no contest within 3 (or 5) months, conformity can no longer be contested
        (R462-6, R462-10)."""
        window = self._require_deadline("conformity_contest_deadline")
        if today <= window.date:
            raise TransitionRefused(f"Le délai de contestation court jusqu'au {_fr(window.date)}.")

    @transition(field=state, source=GRANTED, target=S.LAPSED)
    def lapse(self, today: date) -> None:
        """Timer: works not begun within 3 years (+ prorogations) (R424-17, R424-21)."""
        validity = self._require_deadline("validity_end")
        if today <= validity.date:
            raise TransitionRefused(f"L'autorisation est valable jusqu'au {_fr(validity.date)}.")
        self.closing_reason = f"Péremption : travaux non commencés au {_fr(validity.date)}."

    @transition(field=state, source=S.WORKS_OPENED, target=S.LAPSED)
    def declare_interruption_lapse(self, reason: str) -> None:
        """R424-17: works interrupted for more than a year (found by the officer)."""
        if not reason or not reason.strip():
            raise TransitionRefused("Indiquez la période d'interruption constatée.")
        self.closing_reason = reason.strip()
