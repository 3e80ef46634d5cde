"""Sending consultations and recording opinions (R423-50 ff.), each an event of the dossier."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from workflow import schedule
from workflow.actors import as_actor
from workflow.clock import consultation_deadline
from workflow.clock.rules import ExceptionFlag, ServiceKind
from workflow.errors import TransitionRefused
from workflow.events import record_event
from workflow.models import Consultation, Opinion, OpinionDocument
from workflow.states import State

if TYPE_CHECKING:
    from accounts.models import ConsultedService, User
    from workflow.actors import Actor
    from workflow.models import Instruction

CONSULTABLE = {State.DEPOSITED, State.INCOMPLETE, State.UNDER_INSTRUCTION}
ANSWERS = {Opinion.FAVOURABLE, Opinion.WITH_PRESCRIPTIONS, Opinion.UNFAVOURABLE}


@transaction.atomic
def send_consultation(
    dossier: Instruction,
    *,
    kind: ServiceKind | None = None,
    service_name: str = "",
    service: ConsultedService | None = None,
    sent_on: date | None = None,
    actor: Actor | User | None = None,
) -> Consultation:
    """Consults `service` (an accounts.ConsultedService, whose kind and name are used) or a
    body named only by `kind` and `service_name`."""
    if dossier.state not in CONSULTABLE:
        raise TransitionRefused("Les consultations se font pendant l'instruction.")
    if service is not None:
        kind, service_name = ServiceKind(service.kind), service.name
    consultation = Consultation(
        dossier=dossier,  # type: ignore[misc]  # the concrete Instruction is permits.Dossier
        service=service,
        service_kind=(kind or ServiceKind.OTHER).value,
        service_name=service_name or "Service consulté",
        sent_on=sent_on or timezone.localdate(),
    )
    # The ABF's opinion binds the decision where the dossier needs its accord (R424-3, R423-67).
    consultation.binding = (
        kind == ServiceKind.ABF and ExceptionFlag.ABF_ACCORD_REQUIRED.name in dossier.flags
    )
    deadline = consultation_deadline(dossier.clock_facts(), consultation.clock_view())
    consultation.due_on, consultation.due_basis = deadline.date, deadline.basis
    consultation.save()
    record_event(
        dossier,
        "consultation_sent",
        actor=actor,
        payload={
            "consultation": consultation.pk,
            "service": consultation.service_name,
            "kind": consultation.service_kind,
            "due_on": consultation.due_on,
            "binding": consultation.binding,
            "basis": deadline.basis,
        },
    )
    schedule.reschedule(dossier)
    return consultation


@dataclass(frozen=True)
class AttachedFile:
    """A document joined to an opinion, already checked by its content (permits.pieces)."""

    name: str
    content: bytes
    content_type: str
    extension: str

    @property
    def sha512(self) -> str:
        """The digest PLAT'AU carries with each document (`algoHash` SHA-512), kept with it."""
        return hashlib.sha512(self.content).hexdigest()


@transaction.atomic
def answer_consultation(
    consultation: Consultation,
    *,
    opinion: str,
    text: str = "",
    prescriptions: Sequence[str] = (),
    documents: Sequence[AttachedFile] = (),
    on: date | None = None,
    actor: Actor | User | None = None,
) -> Consultation:
    """Records the consulted service's opinion, once and within its délai (R423-59): later,
    the opinion is already deemed given and only the timers record it, as a tacit one."""
    on = on or timezone.localdate()
    prescriptions = [p.strip() for p in prescriptions if p.strip()]
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.answered_on is not None:
        raise TransitionRefused("Cet avis a déjà été rendu (ou réputé rendu).")
    if opinion not in ANSWERS:
        raise TransitionRefused("Avis inconnu.")
    if opinion != Opinion.FAVOURABLE and not (text.strip() or prescriptions):
        raise TransitionRefused("Motivez l'avis et précisez les prescriptions éventuelles.")
    if on > consultation.due_on:
        # R423-59: after the deadline the opinion is deemed given; a late answer is filed as
        # information only, recorded by the timers as a tacit opinion.
        raise TransitionRefused(
            f"Le délai de réponse a expiré le {consultation.due_on:%d/%m/%Y} : l'avis est réputé "
            "rendu (R423-59)."
        )
    consultation.opinion, consultation.text, consultation.answered_on = opinion, text, on
    consultation.prescriptions = prescriptions if opinion == Opinion.WITH_PRESCRIPTIONS else []
    consultation.answered_by = as_actor(actor).user
    consultation.save()
    stored = _store_documents(consultation, documents)
    record_event(
        consultation.dossier,
        "opinion_received",
        actor=actor,
        payload={
            "consultation": consultation.pk,
            "service": consultation.service_name,
            "opinion": opinion,
            "prescriptions": consultation.prescriptions,
            "documents": [{"name": d.original_name, "sha512": d.sha512} for d in stored],
        },
    )
    schedule.reschedule(consultation.dossier)
    return consultation


def _store_documents(
    consultation: Consultation, documents: Sequence[AttachedFile]
) -> list[OpinionDocument]:
    """Saves each file with its row; a failure removes the files already written, so a refused
    answer leaves no orphan file (the transaction takes the rows back)."""
    stored: list[OpinionDocument] = []
    try:
        for attached in documents:
            document = OpinionDocument(
                consultation=consultation,
                original_name=attached.name[:255],
                content_type=attached.content_type,
                extension=attached.extension,
                size_bytes=len(attached.content),
                sha512=attached.sha512,
            )
            document.file.save("avis", ContentFile(attached.content), save=False)
            stored.append(document)
            document.save()
    except Exception:
        for document in stored:
            document.file.delete(save=False)
        raise
    return stored
