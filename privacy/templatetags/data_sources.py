"""`{% applicant_sources applicant %}`: where an applicant's data came from, for the review and
instruction pages (privacy.sourcing)."""

from django import template

from privacy.site_facts import site_facts as facts
from privacy.sourcing import describe

register = template.Library()


@register.inclusion_tag("privacy/_applicant_sources.html")
def applicant_sources(applicant):
    """Where each applicant field came from (FranceConnect, SIRENE, typed), shown beside it."""
    return {"applicant": applicant, **describe(applicant)}


@register.inclusion_tag("privacy/_site_facts.html")
def site_facts(dossier, check=None):
    """The site's facts block, from the dossier's stored parcel check unless one is given."""
    return facts(dossier, check if check is not None else dossier.parcel_check)
