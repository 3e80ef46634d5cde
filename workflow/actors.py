"""Who acts on a dossier, and with which roles there (per commune, never globally)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts.models import Membership

if TYPE_CHECKING:
    from accounts.models import User
    from workflow.models.instruction import Instruction

APPLICANT = "applicant"  # the depositor of the dossier, not a membership
SYSTEM = "system"  # the timers and jobs
OFFICER, SERVICE_HEAD = "officer", "service_head"


@dataclass(frozen=True)
class Actor:
    """Who did an act, as the event log records it: a person, or the system (the timers), whose
    label stays readable even after the account is closed."""

    user: User | None
    label: str
    is_system: bool = False


SYSTEM_ACTOR = Actor(None, "Système (minuteurs et tâches)", is_system=True)


def as_actor(actor: Actor | User | None) -> Actor:
    """One shape for the callers' three ways of naming who acts (None: the system)."""
    if actor is None:
        return SYSTEM_ACTOR
    if isinstance(actor, Actor):
        return actor
    return Actor(actor, actor.get_full_name() or actor.get_username())


def roles_for(actor: Actor, dossier: Instruction) -> set[str]:
    """The roles `actor` holds on this dossier: applicant if they filed it; officer through an
    instruction service serving its commune; other roles through the commune itself."""
    if actor.is_system:
        return {SYSTEM}
    user = actor.user
    if user is None or not user.is_authenticated:
        return set()
    roles: set[str] = set()
    if dossier.depositor_id == user.pk:
        roles.add(APPLICANT)
    # Only memberships in force today: a delegation counts between its dates (CGCT L2122-18).
    held = {
        role for role, _ in Membership.objects.role_pairs(user).filter(place=dossier.commune_id)
    }
    if SERVICE_HEAD in held:
        held.add(OFFICER)  # the head of the service may do whatever its officers do
    return roles | held
