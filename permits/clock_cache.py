"""A dossier's statutory clock (about 20 deadlines), computed once per state of the dossier
rather than at every view of its page or of the API.

Every act that changes the clock's facts records an event (workflow.events), which moves the
dossier's chain head; `updated_at` also catches a plain save. The day is in the key so that no
entry outlives the day it was computed on. The cache is Django's (config/settings.py CACHES).
"""

from django.core.cache import cache
from django.utils import timezone

SECONDS = 3600


def dossier_deadlines(dossier) -> list:
    """dossier.deadlines(), from the cache when the dossier has not changed since."""
    if dossier.filed_at is None:
        return []
    key = (
        f"deadlines:{dossier.pk}:{dossier.event_head}:{dossier.updated_at.isoformat()}:"
        f"{timezone.localdate().isoformat()}"
    )
    return cache.get_or_set(key, dossier.deadlines, SECONDS)
