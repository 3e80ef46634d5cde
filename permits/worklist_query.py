"""The worklist's query: its filters and search box over the dossiers a person instructs, in
risk order; shared by the worklist (permits.views.worklist) and the instruction page's
previous/next links (permits.views.officer)."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.urls import reverse

from permits.instructing import instructed
from permits.models import Applicant, Channel, DossierParcel
from workflow.states import AWAITING_DECISION

FILTERS = ("commune", "type", "state", "assignee", "channel", "q")
PARCEL_RE = re.compile(r"^([0-9A-Z]{1,2})\s*0*(\d{1,4})$")  # « AB 26 » → AB0026 in the IDU


def filtered(request):
    """The officer's dossiers under the worklist's filters and search: one definition, for the list
    and the previous/next links."""
    dossiers = instructed(request.user)
    params = request.GET
    if params.get("commune"):
        dossiers = dossiers.filter(commune__insee_code=params["commune"])
    if params.get("type"):
        dossiers = dossiers.filter(procedure=params["type"])
    if params.get("state"):
        dossiers = dossiers.filter(state=params["state"])
    else:
        dossiers = dossiers.filter(state__in=AWAITING_DECISION)
    if params.get("channel") in Channel.values:
        dossiers = dossiers.filter(channel=params["channel"])
    if params.get("q", "").strip():
        dossiers = _search(dossiers, params["q"].strip())
    if params.get("assignee") == "me":
        dossiers = dossiers.filter(assignee=request.user)
    elif params.get("assignee") == "none":
        dossiers = dossiers.filter(assignee__isnull=True)
    # Risk first: the nearest date the authority must act by (the completeness month of a new
    # dossier, otherwise the end of the délai, after which a tacit decision arises).
    # The id last: pages cut by offset need a total order.
    return dossiers.order_by("action_due_on", "filed_at", "pk")


def _search(dossiers, text: str):
    """The search box: a number (any spacing), the site's address, an applicant's name or
    company, a parcel (« AB 26 » or its IDU)."""
    compact = text.replace(" ", "").upper()
    parcel = PARCEL_RE.match(text.upper())
    idu = f"{parcel[1]:0>2}{parcel[2]:0>4}" if parcel else compact
    names = Q()
    for field in ("birth_name", "usage_name", "given_names", "company_name"):
        names |= Q(**{f"{field}__icontains": text})
    return dossiers.filter(
        Q(number__icontains=compact)
        | Q(site_address__icontains=text)
        | Exists(Applicant.objects.filter(names, dossier=OuterRef("pk")))
        | Exists(DossierParcel.objects.filter(dossier=OuterRef("pk"), idu__icontains=idu))
    )


def list_query(request) -> str:
    """The worklist's filters as a query string, carried by its links to the dossiers."""
    kept = QueryDict(mutable=True)
    for name in FILTERS:
        if request.GET.get(name):
            kept[name] = request.GET[name]
    return kept.urlencode()


def neighbours(request, pk: int) -> dict:
    """The previous and next dossiers of the worklist, in its order, for the filters the
    instruction page's address carries; {} when the dossier is not in that list."""
    pks = list(filtered(request).values_list("pk", flat=True))
    if pk not in pks:
        return {}
    at, query = pks.index(pk), list_query(request)
    url = reverse("permits:worklist")

    def link(other: int) -> str:
        return f"{url}{other}/" + (f"?{query}" if query else "")

    return {
        "position": at + 1,
        "count": len(pks),
        "previous": link(pks[at - 1]) if at > 0 else None,
        "next": link(pks[at + 1]) if at + 1 < len(pks) else None,
    }
