"""Template filters for French: elision before a place name (d'Épinay), dates as the law writes
them."""

from datetime import date

from django import template

from permits.french import of_place
from workflow.clock import format_fr

register = template.Library()


@register.filter(name="of_place")
def of_place_filter(name) -> str:
    """`Commune {{ name|of_place }}`: "Commune d'Épinay-sur-Orge", "Commune de Paris"."""
    return of_place(str(name or ""))


@register.filter(name="date_fr")
def date_fr(value) -> str:
    """`{{ "2026-03-01"|date_fr }}` (an ISO date or a date): « 1er mars 2026 », as the letters
    write dates; the registers' rows keep ISO dates for their JSON and CSV exports."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return format_fr(value) if isinstance(value, date) else ""
