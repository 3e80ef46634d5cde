"""Who instructs, and the small helpers shared by the instructing officer's screens
(permits.views: officer, worklist, after_decision, consulted, platau) and the after-decision acts.
"""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import communes_for
from permits.models import Dossier
from permits.receipts import commune_signatory
from workflow.errors import TransitionRefused
from workflow.states import State

INSTRUCTORS = (Role.OFFICER, Role.SERVICE_HEAD)


def instructed(user):
    """The dossiers of the communes the user instructs (never a draft)."""
    return Dossier.objects.filter(commune__in=communes_for(user, INSTRUCTORS)).exclude(
        state=State.DRAFT
    )


def posted_lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea (grounds, prescriptions, non-conformities…)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def required_signatory(dossier: Dossier):
    """The commune's signatory for a letter (receipts.commune_signatory), or a refusal."""
    membership = commune_signatory(dossier)
    if membership is None:
        raise TransitionRefused("Aucun signataire n'est désigné pour la commune.")
    return membership
