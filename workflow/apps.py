from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Procédure et délais"

    def ready(self):
        # deferred: the receiver of a child's effects on its parent needs the models ready
        from workflow import children  # noqa: F401
