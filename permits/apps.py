"""The dossiers app: its ready() connects the receivers of the transitions (letters, mails,
follow-ups)."""

from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = "Dossiers"

    def ready(self):
        # deferred: the signal receivers need the models, ready only here
        from permits import (
            follow_ups,  # noqa: F401 (a granted transfert changes the holder)
            signals,  # noqa: F401 (connects the e-mails of each step)
        )
