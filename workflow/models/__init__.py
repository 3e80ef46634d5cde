"""workflow's models: the abstract instruction (permits.Dossier inherits it), the consultations
and the append-only event log."""

from workflow.models.consultations import BINDING_LABELS, Consultation, Opinion, OpinionDocument
from workflow.models.events import Event
from workflow.models.instruction import Instruction
from workflow.outcomes import Outcome

__all__ = [
    "BINDING_LABELS",
    "Consultation",
    "Event",
    "Instruction",
    "Opinion",
    "OpinionDocument",
    "Outcome",
]
