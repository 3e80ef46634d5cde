"""`{% accessibility_state %}`: the conformity state for the footer's "Accessibilité : …"
mention (RGAA: shown on every page), read from the published results."""

import os

from django import template

from accessibility.results import published, published_path

register = template.Library()
_cache: dict = {}


@register.simple_tag
def accessibility_state() -> str:
    path = published_path()
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return "non conforme"  # no result published: no audit either
    if _cache.get("stamp") != stamp:
        _cache.update(stamp=stamp, state=(published(path) or {}).get("conformity", "non conforme"))
    return _cache["state"]
