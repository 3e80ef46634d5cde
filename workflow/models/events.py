"""The event log: append-only, one row per transition and per significant act.

The database itself refuses UPDATE and DELETE on this table (a trigger, migration 0002), and
each event carries the hash of the previous event of its dossier, so `verify_events` finds any
row altered or removed, even by someone who could bypass the trigger.
"""

from django.conf import settings
from django.db import models


class Event(models.Model):
    """One entry of a dossier's log, chained to the previous one by its hash (workflow.events
    writes and verifies the chain)."""

    dossier = models.ForeignKey("permits.Dossier", on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()  # 1, 2, 3… per dossier
    kind = models.CharField(max_length=60)  # transition name or act ("letter_sent"…)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_label = models.CharField(max_length=200)  # kept even if the account is closed
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        # The column, not the relation: "dossier" joins the dossier for its own ordering.
        ordering = ["dossier_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="event_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.sequence} {self.kind}"
