"""A refused form comes back as it was typed (issue 19): the POSTed fields, kept in the
session for the next display of the page that holds the form, shown once.

Shared by the instruction page (permits.views.officer), the after-decision acts
(permits.views.after_decision) and the parapheur (permits.views.signatory); not a view itself.
"""

from __future__ import annotations

TYPED_KEY = "refused_act"  # the session's copy of a refused form, shown once
NOT_KEPT = ("csrfmiddlewaretoken", "state")


def keep_typed(request, pk: int, name: str, message: str = "") -> None:
    """Keep the refused form `name` of dossier `pk` with the refusal `message`, shown next to
    the form."""
    lists = {k: v for k, v in request.POST.lists() if k not in NOT_KEPT}
    data = {k: v[-1] for k, v in lists.items() if v}
    request.session[TYPED_KEY] = {
        "pk": pk,
        "name": name,
        "data": data,
        "lists": lists,
        "message": message,
    }


def typed_back(request, pk: int | None = None) -> dict:
    """{"pk", "name": the form, "data": each field's value, "lists": every field's values
    (ticked boxes), "message": the refusal} of the form refused just before, or {}; for one
    dossier, or (pk None: a page listing several, e.g. the parapheur) for any."""
    kept = request.session.pop(TYPED_KEY, None)
    return kept if kept and (pk is None or kept.get("pk") == pk) else {}
