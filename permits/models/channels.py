"""How a dossier came in (issue 23): a fact stored at filing, shown and counted."""

from django.db import models


class Channel(models.TextChoices):
    PAPER = "paper", "Papier, déposé en mairie"
    POST = "post", "Courrier postal"
    EMAIL = "email", "Courriel ou autre envoi électronique"
    ONLINE = "online", "En ligne (téléservice)"
    PLATAU = "platau", "PLAT'AU"


# The channels the mairie's counter registers (the others arrive by themselves).
COUNTER_CHANNELS = (Channel.PAPER, Channel.POST, Channel.EMAIL)
