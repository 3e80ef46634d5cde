"""Firing a transition: the one entry point for every state change of a dossier.

`fire` checks the actor's role, locks the dossier row, refuses a stale attempt, runs the
transition (its guards raise TransitionRefused with a French message), reschedules the timers,
saves, appends the event and applies the effects on a parent dossier, all in one transaction:
either everything happens or nothing does.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django_fsm import can_proceed

from workflow import children, timers
from workflow.actors import APPLICANT, SYSTEM, as_actor, roles_for
from workflow.errors import NotAllowed, StaleDossier, TransitionRefused
from workflow.events import record_event
from workflow.states import State

OFFICER, SIGNATORY, GUICHET = "officer", "signatory", "guichet"

# Who may fire what (§8.2). Timers are the system; a paper filing is registered by an officer
# or the mairie's counter (GUICHET).
ROLES: dict[str, frozenset[str]] = {
    name: frozenset(roles)
    for name, roles in {
        "submit": {APPLICANT, OFFICER, GUICHET},
        "request_pieces": {OFFICER},
        "receive_pieces": {OFFICER, APPLICANT},
        "declare_complete": {OFFICER},
        "deem_complete": {SYSTEM},
        "expire_pieces_window": {SYSTEM},
        "notify_majoration": {OFFICER},
        "qualify": {OFFICER},
        "propose_decision": {OFFICER},
        "withdraw_proposal": {OFFICER},
        "send_for_signature": {OFFICER},
        "return_for_changes": {SIGNATORY},
        "sign": {SIGNATORY},
        "notify_decision": {OFFICER, SYSTEM},
        "record_prefet_ack": {OFFICER, SYSTEM},
        "arise_tacit_decision": {SYSTEM},
        "become_executory": {SYSTEM},
        "confirm_after_sursis": {APPLICANT},
        "withdraw": {APPLICANT},
        "declare_site_posting": {APPLICANT, OFFICER},
        # The officer sends the contradictory letter (signed in the maire's name); the retrait
        # is a decision of the authority itself, pronounced from the parapheur (L424-5).
        "announce_retrait": {OFFICER, SIGNATORY},
        "retract": {SIGNATORY},
        "become_definitive": {SYSTEM},
        "open_works": {APPLICANT, OFFICER, SYSTEM},
        "complete_works": {APPLICANT, OFFICER, SYSTEM},
        "contest_conformity": {OFFICER},
        "close_conformity_window": {SYSTEM},
        "lapse": {SYSTEM},
        "declare_interruption_lapse": {OFFICER},
    }.items()
}

# French names of the acts, for messages and the timeline.
LABELS = {
    "submit": "dépôt du dossier",
    "request_pieces": "demande de pièces manquantes",
    "receive_pieces": "réception des pièces manquantes",
    "declare_complete": "dossier déclaré complet",
    "deem_complete": "dossier réputé complet",
    "expire_pieces_window": "expiration du délai de production des pièces",
    "notify_majoration": "notification d'une majoration de délai",
    "qualify": "qualification du dossier",
    "propose_decision": "projet de décision",
    "withdraw_proposal": "retrait du projet de décision",
    "send_for_signature": "envoi à la signature",
    "return_for_changes": "renvoi du projet pour modification",
    "sign": "signature de la décision",
    "notify_decision": "notification de la décision",
    "record_prefet_ack": "transmission au préfet (accusé de réception)",
    "arise_tacit_decision": "naissance d'une décision tacite",
    "become_executory": "décision exécutoire",
    "confirm_after_sursis": "confirmation de la demande après sursis",
    "withdraw": "désistement du demandeur",
    "declare_site_posting": "début de l'affichage sur le terrain",
    "announce_retrait": "lettre préalable au retrait",
    "retract": "retrait de la décision",
    "become_definitive": "décision définitive",
    "open_works": "ouverture du chantier (DOC)",
    "complete_works": "achèvement des travaux (DAACT)",
    "contest_conformity": "contestation de la conformité",
    "close_conformity_window": "fin du délai de contestation de la conformité",
    "lapse": "péremption",
    "declare_interruption_lapse": "péremption pour interruption des travaux",
}


def _payload(kwargs: dict) -> dict:
    out = {}
    for key, value in kwargs.items():
        if isinstance(value, date | datetime):
            value = value.isoformat()
        out[key] = value
    return out


def fire(
    dossier,
    name: str,
    *,
    actor,
    expected_state: str | None = None,
    payload: dict | None = None,
    **kwargs,
):
    """Runs transition `name` on `dossier` for `actor` (a user, an Actor, or None for the
    system) and returns the dossier as saved. `expected_state` is the state the actor saw
    (by default the state of the instance passed in): if the dossier moved on meanwhile, the
    attempt is refused instead of silently overwriting."""
    if name not in ROLES:
        raise ValueError(f"unknown transition {name!r}")
    actor = as_actor(actor)
    expected_state = expected_state or dossier.state
    model = type(dossier)
    with transaction.atomic():
        locked = timers.with_facts(model.objects.select_for_update(of=("self",))).get(pk=dossier.pk)
        if locked.state != expected_state:
            raise StaleDossier(
                f"Le dossier est passé à l'état « {State(locked.state).label} » entre-temps : "
                "rechargez la page avant d'agir."
            )
        if not ROLES[name] & roles_for(actor, locked):
            raise NotAllowed(f"Votre rôle ne permet pas cet acte : {LABELS[name]}.")
        method = getattr(locked, name)
        if not can_proceed(method):
            raise TransitionRefused(
                f"Acte impossible dans l'état « {State(locked.state).label} » : {LABELS[name]}."
            )
        from_state = locked.state
        method(**kwargs)
        locked.next_timer_on = timers.next_timer_date(locked)
        locked.action_due_on = timers.action_due_date(locked)
        locked.save()
        record_event(
            locked,
            name,
            actor=actor,
            from_state=from_state,
            to_state=locked.state,
            payload=_payload(kwargs) | (payload or {}),
        )
        children.after_transition(locked, name, actor)
    return locked
