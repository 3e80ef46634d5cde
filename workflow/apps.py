"""The workflow app: the law of the instruction (states, transitions, délais, event log)."""

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Connects the receivers once the models are loaded."""

    name = "workflow"
    verbose_name = "Procédure et délais"

    def ready(self) -> None:
        """Connects the receiver that carries a child's outcome to its parent."""
        # deferred: the receiver of a child's effects on its parent needs the models ready
        from workflow import children  # noqa: F401
