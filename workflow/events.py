"""Writing and verifying the hash-chained event log (model: workflow.models.Event).

Each event's hash covers its content and the previous event's hash; the dossier row keeps the
number and hash of its last event, so removing the newest event is detected too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from workflow.actors import as_actor
from workflow.models import Event

if TYPE_CHECKING:
    from accounts.models import User
    from workflow.actors import Actor
    from workflow.models import Instruction

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(
        value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def normalise_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    """Dates and decimals as strings, exactly as they will read back from jsonb."""
    normalised: dict[str, Any] = json.loads(_canonical(payload or {}))
    return normalised


def event_hash(event: Event) -> str:
    """The SHA-256 of the event's content and its predecessor's hash: changing any stored field
    of any event breaks the chain from there on."""
    content = {
        "dossier": event.dossier_id,
        "sequence": event.sequence,
        "kind": event.kind,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "from": event.from_state,
        "to": event.to_state,
        "payload": event.payload,
        "previous": event.previous_hash,
    }
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def record_event(
    dossier: Instruction,
    kind: str,
    *,
    actor: Actor | User | None = None,
    payload: dict[str, Any] | None = None,
    from_state: str = "",
    to_state: str = "",
) -> Event:
    """Appends one event to the dossier's log, in the caller's transaction.

    `actor` is a workflow.transitions.Actor or a user (None: the system). The dossier row is
    locked while the chain is extended, so concurrent acts on one dossier are serialised.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside transaction.atomic()")

    actor = as_actor(actor)
    model = type(dossier)
    head = model.objects.select_for_update().filter(pk=dossier.pk)
    count, previous = head.values_list("event_count", "event_head").get()
    event = Event(
        dossier_id=dossier.pk,
        sequence=count + 1,
        kind=kind,
        occurred_at=timezone.now(),
        actor=actor.user,
        actor_label=actor.label,
        from_state=from_state,
        to_state=to_state,
        payload=normalise_payload(payload),
        previous_hash=previous or GENESIS,
    )
    event.hash = event_hash(event)
    event.save()
    head.update(event_count=event.sequence, event_head=event.hash)
    dossier.event_count, dossier.event_head = event.sequence, event.hash
    return event


@dataclass(frozen=True)
class Problem:
    """One break in a dossier's chain (`sequence` None: the tail the dossier row expects)."""

    dossier_id: int
    sequence: int | None
    message: str


@transaction.atomic
def verify_chain(dossier: Instruction) -> list[Problem]:
    """Every way the stored log differs from what was written: altered content, a broken link,
    a missing or extra row, a removed tail."""
    problems: list[Problem] = []
    previous = GENESIS
    expected = 1
    for event in Event.objects.filter(dossier_id=dossier.pk).order_by("sequence"):
        if event.sequence != expected:
            problems.append(Problem(dossier.pk, expected, f"event #{expected} is missing"))
            expected = event.sequence
        if event.previous_hash != previous:
            problems.append(
                Problem(dossier.pk, event.sequence, "link to the previous event is broken")
            )
        if event_hash(event) != event.hash:
            problems.append(Problem(dossier.pk, event.sequence, "content was altered"))
        previous = event.hash
        expected += 1
    if expected - 1 != dossier.event_count or (
        dossier.event_count and previous != dossier.event_head
    ):
        problems.append(
            Problem(
                dossier.pk,
                None,
                f"log ends at #{expected - 1}, the dossier expects "
                f"#{dossier.event_count}: events were removed or added",
            )
        )
    return problems
