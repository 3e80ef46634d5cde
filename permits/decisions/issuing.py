"""Issuing a document: a pending IssuedDocument, then a signed file with its event.

1. `prepare` (in the caller's transaction): locks the dossier, returns the existing document
   of that kind if there is one (idempotent: never two decisions, two receipts… for a dossier),
   otherwise allocates the act number, stores the content and enqueues the signing job, so
   the job exists if and only if the decision to issue was committed.
2. `sign_pending` (the job): renders and signs outside any transaction, writes the file to the
   documents storage (permits.decisions.storage: filesystem or S3-compatible bucket), then in
   one transaction marks the row signed and appends the event — for a decision, the workflow's
   `sign` transition. If that transaction fails, the file is removed: there is never a signed
   file without its event. Two workers racing on one document: the second finds it signed
   under the row lock, removes its own file and returns the first one's; the winner removes the
   files of workers killed before recording theirs. A job run again on a signed document
   returns it as stored, writing nothing.

Who signs what (reference §7.1, §7.2): a decision and an arrêté de retrait are signed
personally by the signatory who pronounces them in the parapheur, with their own key. A letter
issued by an officer's act (SEALED_KINDS: pieces request, majoration, retrait letter, mise en
demeure, and what the téléservice issues on its own: receipt, certificates) carries the
commune's organisation seal and names its author and capacity (CRPA L212-1, L212-2): the
mayor's key never signs what the mayor did not sign.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app

from accounts.models import SERVICE_ROLES, Membership, Role
from permits.decisions import content as builders
from permits.decisions import late_signature, storage
from permits.decisions.content import Content, Judgement, decision_content
from permits.decisions.facts import (
    author_from_membership,
    facts_from_dossier,
    signatory_from_membership,
)
from permits.decisions.fingerprint import content_sha256
from permits.models import Dossier, NumberSequence
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from workflow.clock import ExceptionFlag, format_fr
from workflow.errors import NotAllowed, TransitionRefused
from workflow.events import record_event
from workflow.models.instruction import check_binding_opinions
from workflow.outcomes import Outcome
from workflow.states import State
from workflow.transitions import fire

logger = logging.getLogger(__name__)


# The signing job (permits.decisions.tasks, which imports this module) is deferred by its name,
# so that this module does not import it back.
SIGN_JOB = "permits.decisions.tasks.sign_document_job"
SEALED_KINDS = frozenset(
    {
        DocumentKind.RECEPISSE,
        DocumentKind.PIECES_REQUEST,
        DocumentKind.MAJORATION,
        DocumentKind.TACIT_CERTIFICATE,
        DocumentKind.CONFORMITY_ATTESTATION,
        DocumentKind.RETRAIT_NOTICE,
        DocumentKind.CONFORMITY_NOTICE,
    }
)


def next_reference(insee_code: str, year: int) -> str:
    """`URBA2026_00012`: gapless per commune and year (the chronological register of acts,
    CGCT R2122-7), ≤ 15 characters [A-Z0-9_] so it can be the ACTES NumeroInterne (§7.4)."""
    sequence = NumberSequence.next_value(f"{insee_code}/ACTE/{year}")
    return f"URBA{year}_{sequence:05d}"


@transaction.atomic
def prepare(
    dossier: Dossier,
    *,
    signatory_user,
    build: Callable[[str, date], Content],
    today: date | None = None,
) -> IssuedDocument:
    """`build(reference, day)` returns the content (permits.decisions.content builders)."""
    today = today or timezone.localdate()
    locked = (
        Dossier.objects.select_for_update(of=("self",)).select_related("commune").get(pk=dossier.pk)
    )
    draft = build("", today)  # raises ContentError before any number is taken
    if draft.outcome != Outcome.SURSIS_A_STATUER:
        existing = (
            IssuedDocument.objects.filter(dossier=locked, kind=draft.kind)
            .exclude(outcome=Outcome.SURSIS_A_STATUER)
            .exclude(status=DocumentStatus.ABANDONED)
            .first()
        )
        if existing is not None:
            return existing
    content = build(next_reference(locked.commune.insee_code, today.year), today).as_dict()
    document = IssuedDocument.objects.create(
        dossier=locked,
        commune=locked.commune,
        kind=content["kind"],
        outcome=content["outcome"],
        reference=content["reference"],
        content=content,
        content_sha256=content_sha256(content),
        signatory=signatory_user,
        signatory_label=register_label(content),
    )
    app.configure_task(SIGN_JOB, allow_unknown=False).defer(document_id=document.pk)
    return document


def register_label(content: dict) -> str:
    """Who signed, as the register and /verifier show it."""
    if content.get("seal"):
        return f"Cachet de la commune ({content['seal']}) – auteur : {content['signed_by']}"
    return content["signed_by"]


def signed_with(content: dict) -> str:
    """For the event log and logs: "commune_seal" or "signatory" (their own key)."""
    return "commune_seal" if content.get("seal") else "signatory"


def _stamp(content: dict, day: date) -> dict:
    """The date printed is the day of signature, never an earlier one (§7.2)."""
    return {**content, "date_text": format_fr(day), "issued_on": day.isoformat()}


class _SignedMeanwhile(Exception):
    def __init__(self, document):
        self.document = document


def sign_pending(document_id: int) -> IssuedDocument:
    """Renders and signs (or seals) a pending document, in the signing job; idempotent, so a retried
    job signs once, and a document come too late is abandoned with its reason."""
    # deferred: WeasyPrint and pyHanko are heavy, and only the signing job renders and signs
    from permits.decisions.rendering import render_pdf
    from permits.decisions.signing import seal_document, sign_document

    document = IssuedDocument.objects.select_related("dossier__commune", "signatory").get(
        pk=document_id
    )
    if document.status != DocumentStatus.PENDING:  # signed, or abandoned: nothing to do
        return document
    now = timezone.now()
    # Too late to sign (a tacit decision arose, the dossier moved on): stop once, no retry.
    reason = late_signature.reason_not_to_sign(document, timezone.localdate(now))
    if reason:
        return late_signature.abandon(document, reason, timezone.localdate(now))
    content = _stamp(document.content, timezone.localdate(now))
    reason = f"{content['title']} n° {content['reference']}"
    location = document.dossier.commune.name
    if content.get("seal"):
        pdf, level = seal_document(
            render_pdf(content),
            insee_code=document.dossier.commune.insee_code,
            reason=reason,
            location=location,
        )
    else:
        pdf, level = sign_document(
            render_pdf(content),
            key_name=document.signatory.get_username(),
            reason=reason,
            location=location,
        )
    sha = hashlib.sha256(pdf).hexdigest()
    name = storage.store(
        f"{document.dossier.commune.insee_code}/{document.dossier.number}/"
        f"{document.reference}-{sha[:16]}.pdf",
        pdf,
    )
    try:
        with transaction.atomic():
            locked = IssuedDocument.objects.select_for_update().get(pk=document_id)
            if locked.status != DocumentStatus.PENDING:
                raise _SignedMeanwhile(locked)
            locked.content = content
            locked.content_sha256 = content_sha256(content)
            locked.status = DocumentStatus.SIGNED
            locked.sha256 = sha
            locked.storage_path = name
            locked.size_bytes = len(pdf)
            locked.signature_level = level
            locked.signed_at = now
            locked.save()
            _record_signed(locked, document.dossier, document.signatory, now)
    except _SignedMeanwhile as race:
        storage.remove(name)
        return race.document
    except TransitionRefused:  # the délai ran out, or the dossier moved, while signing
        storage.remove(name)
        reason = late_signature.reason_not_to_sign(document, timezone.localdate(now))
        if not reason:
            raise
        return late_signature.abandon(document, reason, timezone.localdate(now))
    except BaseException:
        storage.remove(name)
        raise
    storage.remove_strays(name, prefix=f"{document.reference}-")
    logger.info(
        "document signed",
        extra={
            "document": locked.reference,
            "kind": locked.kind,
            "pades_level": level,
            "signed_with": signed_with(content),
            "sha256": sha,
        },
    )
    return locked


def _record_signed(document: IssuedDocument, dossier: Dossier, signatory, now) -> None:
    """The one place a signed document meets the event log (workflow.events)."""
    payload = {
        "document": document.reference,
        "document_kind": document.kind,
        "outcome": document.outcome,
        "sha256": document.sha256,
        "pades_level": document.signature_level,
        "signed_with": signed_with(document.content),
    }
    if document.kind == DocumentKind.DECISION:
        # The decision's signature is the workflow's `sign` transition (AWAITING_SIGNATURE →
        # SIGNED): it checks the signatory's role and refuses a dossier that moved on.
        fire(
            dossier,
            "sign",
            actor=signatory,
            expected_state=State.AWAITING_SIGNATURE,
            payload=payload,
            at=now,
        )
    else:
        record_event(dossier, "document_signed", actor=signatory, payload=payload)


def read_file(document: IssuedDocument) -> bytes:
    """The bytes of a signed document, as registered: what /verifier checks again and the downloads
    serve."""
    return storage.read_signed(document)


# --- entry points for the journeys ------------------------------------------------------------


def signatory_of(dossier: Dossier, user):
    """The user's signatory membership on the dossier's commune, in force today (§7.1)."""
    membership = (
        Membership.objects.active()
        .filter(user=user, role=Role.SIGNATORY, commune_id=dossier.commune_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotAllowed("Seul le maire ou un élu délégué de la commune peut signer ce document.")
    return membership


def judgement_of(dossier: Dossier):
    """What the officer decided (outcome, grounds, prescriptions), as the arrêté prints it."""
    return Judgement(
        outcome=Outcome(dossier.decision_outcome),
        considerants=tuple(dossier.decision_grounds),
        prescriptions=tuple(dossier.decision_prescriptions),
        sursis_until=dossier.sursis_until,
    )


def issue_decision(dossier: Dossier, user, **facts_kwargs) -> IssuedDocument:
    """The signatory signs the decision proposed by the officer (state AWAITING_SIGNATURE).
    `facts_kwargs`: planning, servitudes, opinions (see facts.facts_from_dossier)."""
    if dossier.state != State.AWAITING_SIGNATURE:
        raise TransitionRefused("Aucune décision n'attend la signature sur ce dossier.")
    late = dossier.tacit_decision_notice(timezone.localdate())  # no number taken for nothing
    if late:
        raise TransitionRefused(late)
    # Refused here, before a number is taken, with the `sign` transition's own words.
    check_binding_opinions(dossier, dossier.decision_outcome)
    signatory = signatory_from_membership(signatory_of(dossier, user))
    facts = facts_from_dossier(dossier, **facts_kwargs)
    judgement = judgement_of(dossier)
    return prepare(
        dossier,
        signatory_user=user,
        build=lambda reference, day: decision_content(
            facts, judgement, signatory, reference=reference, issued_on=day
        ),
    )


def author_of(dossier: Dossier, user):
    """The membership under which `user` issues a sealed letter on the dossier: an officer,
    head or administrator of a service instructing for its commune, or a member of the commune
    (signatory, guichet); the first in force today."""
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .filter(
            Q(role__in=SERVICE_ROLES, service__communes=dossier.commune_id)
            | Q(commune_id=dossier.commune_id)
        )
        .exclude(role=Role.CONSULTEE)
        .select_related("user", "service")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise NotAllowed(
            "Seul un agent du service instructeur ou un membre de la commune peut émettre ce "
            "courrier."
        )
    return membership


def issue_letter(
    dossier: Dossier, user, kind: DocumentKind, *, dated: date | None = None, **kwargs
) -> IssuedDocument:
    """Receipt, pieces request, majoration, tacit certificate, conformity attestation, the
    retrait letter and arrêté, the conformity notice. A SEALED_KINDS letter is sealed by the
    commune and names `user` as its author; the arrêté de retrait is signed by `user` (a
    signatory of the commune). `kwargs` go to the content builder (missing_pieces, reasons…).
    `dated` is the date of the act the letter notifies (today by default)."""
    if kind in SEALED_KINDS:
        return issue_letter_as(dossier, author_of(dossier, user), kind, dated=dated, **kwargs)
    return issue_letter_as(dossier, signatory_of(dossier, user), kind, dated=dated, **kwargs)


def issue_letter_as(
    dossier: Dossier, membership, kind: DocumentKind, *, dated: date | None = None, **kwargs
) -> IssuedDocument:
    """`issue_letter` for a membership already found in force on the dossier's commune
    (author_of, signatory_of, receipts.commune_signatory), its user loaded."""
    build = {
        DocumentKind.RECEPISSE: builders.recepisse_content,
        DocumentKind.PIECES_REQUEST: builders.pieces_request_content,
        DocumentKind.MAJORATION: builders.majoration_content,
        DocumentKind.TACIT_CERTIFICATE: builders.tacit_certificate_content,
        DocumentKind.CONFORMITY_ATTESTATION: builders.conformity_attestation_content,
        DocumentKind.RETRAIT_NOTICE: builders.retrait_notice_content,
        DocumentKind.RETRAIT: builders.retrait_content,
        DocumentKind.CONFORMITY_NOTICE: builders.conformity_notice_content,
    }[kind]
    # The documents whose wording depends on the exception flags (tacit outcome, R424-2/3).
    if kind in (
        DocumentKind.RECEPISSE,
        DocumentKind.MAJORATION,
        DocumentKind.TACIT_CERTIFICATE,
        DocumentKind.CONFORMITY_ATTESTATION,
    ):
        kwargs.setdefault("flags", frozenset(ExceptionFlag[name] for name in dossier.flags))
    if kind in SEALED_KINDS:
        signer = author_from_membership(membership)
    else:
        signer = signatory_from_membership(membership)
    facts = facts_from_dossier(dossier)
    return prepare(
        dossier,
        signatory_user=membership.user,
        build=lambda reference, day: build(
            facts, signer, reference=reference, issued_on=day, **kwargs
        ),
        today=dated,
    )
