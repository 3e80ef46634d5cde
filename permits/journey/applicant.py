"""The applicant block of a new draft, pre-filled (tell us once): used by the journey's first
step and by an instruction service's home (permits.views.journey, permits.views.portal)."""

from __future__ import annotations

from accounts.identity import applicant_fields_from_claims
from accounts.models import FederatedIdentity
from permits.models import Applicant, Dossier

# What the applicant wrote of themself in their previous dossier, offered again (editable).
CONTACT_FIELDS = ("address", "postcode", "locality", "country", "phone")


def prefill_applicant(draft: Dossier, user) -> None:
    """Tell us once: the applicant block from FranceConnect's certified identity (§6.2), and
    the address and phone from the depositor's last dossier."""
    identity = FederatedIdentity.objects.filter(
        user=user, provider=FederatedIdentity.Provider.FRANCECONNECT
    ).first()
    applicant = Applicant(dossier=draft, rank=1, email=user.email)
    last = (
        Applicant.objects.filter(dossier__depositor=user, rank=1)
        .exclude(dossier=draft)
        .exclude(address="")
        .order_by("-dossier__created_at", "-pk")
        .values(*CONTACT_FIELDS)
        .first()
    )
    for name, value in (last or {}).items():
        if value:
            setattr(applicant, name, value)
    if identity is not None:
        prefill = applicant_fields_from_claims(identity.claims)
        for name, value in prefill.fields.items():
            if value:  # claims erased after their retention period pre-fill nothing
                setattr(applicant, name, value)
        applicant.certified_fields = sorted(prefill.certified)
        applicant.certified_at = identity.claims_received_at
    applicant.save()
