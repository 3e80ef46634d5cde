"""Why a transition was refused. Messages are French: they are shown to the user as they are."""


class TransitionRefused(Exception):
    """A guard said no: the law or the dossier's facts forbid this act now.

    `article` is the legal basis when a rule of law refuses (a délai, L424-5…), so that a page or
    an act can cite it on its own; the message already cites it for the reader."""

    def __init__(self, reason: str, article: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.article = article


class NotAllowed(TransitionRefused):
    """The actor's role does not allow this act on this dossier."""


class StaleDossier(TransitionRefused):
    """The dossier changed since the actor loaded it (another act was recorded meanwhile)."""
