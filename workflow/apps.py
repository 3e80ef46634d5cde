from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Procédure et délais"

    def ready(self):
        from workflow import children  # noqa: F401 (connects a child's effects on its parent)
