"""The procedural state of an instruction, as an abstract model the dossier inherits.

`workflow` knows nothing of permits: `permits.Dossier` inherits `Instruction`, so every state
change goes through a transition defined here (protected field, optimistic locking).
"""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflow.states import State


class Instruction(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        "état", default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )

    class Meta:
        abstract = True

    @transition(field=state, source=State.DRAFT, target=State.DEPOSITED)
    def submit(self):
        """Filing: the commune receives the application (R423-1, R423-3). The number and the
        filing date are set by the caller in the same transaction."""
