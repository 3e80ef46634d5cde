"""Why a transition was refused. Messages are French: they are shown to the user as they are."""


class TransitionRefused(Exception):
    """A guard said no: the law or the dossier's facts forbid this act now."""


class NotAllowed(TransitionRefused):
    """The actor's role does not allow this act on this dossier."""


class StaleDossier(TransitionRefused):
    """The dossier changed since the actor loaded it (another act was recorded meanwhile)."""
