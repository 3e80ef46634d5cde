"""The person's own pages: their account and the identity FranceConnect certified."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.identity import PresumedDate, applicant_fields_from_claims
from accounts.models import FederatedIdentity
from accounts.permissions import login_required

# The applicant block as the cerfa shows it (reference §1.2), field name → label.
APPLICANT_BLOCK = [
    ("civility", "Civilité"),
    ("birth_name", "Nom de naissance"),
    ("usage_name", "Nom d'usage"),
    ("given_names", "Prénoms"),
    ("birth_date", "Date de naissance"),
    ("birth_place", "Commune de naissance"),
    ("birth_department", "Département de naissance"),
    ("birth_country", "Pays de naissance"),
    ("email", "Adresse électronique"),
]
CIVILITY_LABELS = {"madame": "Madame", "monsieur": "Monsieur"}


@require_safe
@login_required
def account(request):
    """The person's account: their roles, each with its commune or service."""
    memberships = request.user.memberships.select_related("commune", "service")
    return render(request, "accounts/account.html", {"memberships": memberships})


@require_safe
@login_required
def identity(request):
    """The applicant block pre-filled from FranceConnect, certified fields locked. The
    applicant journey (issue 7) will take the same pre-fill into the dossier's form."""
    record = FederatedIdentity.objects.filter(
        user=request.user, provider=FederatedIdentity.Provider.FRANCECONNECT
    ).first()
    if record is None:
        return render(request, "accounts/identity.html", {"record": None})
    prefill = applicant_fields_from_claims(record.claims)
    rows = []
    for name, label in APPLICANT_BLOCK:
        value = prefill.fields.get(name, "")
        shown = value
        if name == "civility":
            shown = CIVILITY_LABELS.get(value, "")
        elif name == "birth_date" and (date := PresumedDate.parse(value)):
            shown = str(date)
        rows.append(
            {
                "name": name,
                "label": label,
                "value": value,
                "shown": shown,
                "certified": name in prefill.certified,
            }
        )
    return render(request, "accounts/identity.html", {"record": record, "rows": rows})
