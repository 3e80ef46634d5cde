from workflow.models.consultations import Consultation, Opinion
from workflow.models.events import Event
from workflow.models.instruction import Instruction
from workflow.outcomes import Outcome

__all__ = ["Consultation", "Event", "Instruction", "Opinion", "Outcome"]
