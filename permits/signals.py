"""A transition's side effects, as declared on it (workflow.registry), whoever or whatever fired
it (an officer's act, the applicant, a timer): one receiver on `transition_fired`, the hook of
`workflow.transitions.fire`, inside its transaction.

The letter is issued there: if it cannot be, the transition is rolled back with a French reason
(nothing half-done: no act without its letter). The mail to the applicant leaves after the
commit (permits.notify), so a refused or rolled-back act sends nothing."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from permits.act_letters import letter_arguments
from permits.decisions.content import ContentError
from permits.decisions.issuing import issue_letter
from permits.models import Dossier
from permits.models.documents import DocumentKind
from permits.notify import email_applicant
from workflow.errors import TransitionRefused
from workflow.signals import transition_fired

logger = logging.getLogger(__name__)


class LetterNotIssued(TransitionRefused):
    """The letter of an act could not be prepared: the act is not recorded either."""


@receiver(transition_fired, sender=Dossier)
def act_effects(sender, instance, name, actor, declaration, arguments, payload, **kwargs):
    """The `transition_fired` receiver: inside fire's transaction the transition's letter, then its
    mail queued after the commit (registry declaration)."""
    facts = arguments | payload
    if declaration.letter:
        _issue(instance, declaration, actor, facts)
    if declaration.mail is not None:
        body = declaration.mail.text(instance, facts)
        if body:
            email_applicant(instance, declaration.mail.subject, body)


def _issue(dossier: Dossier, declaration, actor, facts: dict) -> None:
    """The letter, sealed by the signing job and naming the actor as its author (CRPA L212-1,
    L212-2); a retrait is signed in the actor's name (L424-5). It is dated the act's date, so
    the letter and the act are checked against the same day (R423-38, R423-42)."""
    kind = DocumentKind(declaration.letter)
    try:
        arguments = letter_arguments(kind, dossier, facts)
        issue_letter(dossier, actor.user, kind, dated=facts.get("on"), **arguments)
    except TransitionRefused:
        raise  # a French reason already (no author in force on the commune…)
    except ContentError as refusal:  # what the law refuses to write: its reason, as a refusal
        raise LetterNotIssued(str(refusal)) from refusal
    except Exception as error:  # re-raised: the whole transition rolls back
        logger.exception(
            "letter not issued, transition rolled back",
            extra={"dossier": dossier.pk, "transition": declaration.name, "letter": kind.value},
        )
        raise LetterNotIssued(
            f"Le courrier « {kind.label} » n'a pas pu être préparé : l'acte « "
            f"{declaration.label} » n'est donc pas enregistré. Réessayez ; si l'erreur persiste, "
            "signalez-la à l'administrateur."
        ) from error
