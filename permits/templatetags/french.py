from django import template

from permits.french import of_place

register = template.Library()


@register.filter(name="of_place")
def of_place_filter(name) -> str:
    """`Commune {{ name|of_place }}`: "Commune d'Épinay-sur-Orge", "Commune de Paris"."""
    return of_place(str(name or ""))
