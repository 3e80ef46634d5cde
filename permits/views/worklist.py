"""The instructing officer's worklist: every dossier of the communes their service instructs,
in risk order, with filters, counts per state, pages, bulk assignment and a CSV export
(issue 8; measured by bench/load.py).

The page is the officers' most visited one, so it is built from plain rows (one query for the
page, no model instances); the counts per state are exact sums kept by the database
(permits.state_counts), and the filters' communes and officers are computed once a minute per
set of communes (CACHE_SECONDS).
"""

from __future__ import annotations

import csv
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.permissions import commune_ids_for, communes_for, role_required
from permits.instructing import INSTRUCTORS, instructed
from permits.models import Channel, Dossier
from permits.numbering import parse
from permits.state_counts import counts_by_state
from permits.worklist_query import FILTERS, filtered, list_query
from workflow.clock import format_fr
from workflow.states import AWAITING_DECISION, State

PAGE_SIZE = 25  # a first screen; the next ones through ?page=
CACHE_SECONDS = 60  # the filter options may lag this much
OPEN_STATES = [s for s in State if s not in (State.DRAFT,)]
TYPES = ("PCMI", "PC", "PA", "PD", "DP", "DPLT", "CUA", "CUB")
ROW_FIELDS = ("pk", "number", "procedure", "state", "action_due_on", "commune__name",
              "assignee__first_name", "assignee__last_name", "channel")  # fmt: skip
PROCEDURE_LABELS = dict(Dossier._meta.get_field("procedure").flatchoices)


def _row(values: tuple, today) -> dict:
    pk, number, procedure, state, due, commune, first, last, channel = values
    days = (due - today).days if due else None
    return {  # numbers as text: the template would localise each one, at a cost
        "pk": str(pk),
        "number": parse(number).display if number else "",
        "procedure": PROCEDURE_LABELS.get(procedure, procedure),
        "commune": commune,
        "state": State(state).label,
        "due": due,
        "due_label": format_fr(due) if due else "",
        "days_left": str(days),
        "late_by": str(-days) if days is not None and days < 0 else None,
        "urgency": "" if days is None else "late" if days < 0 else "soon" if days < 8 else "",
        "assignee": " ".join(filter(None, (first, last))),
        "channel": Channel(channel).label,
    }


@role_required(*INSTRUCTORS)
@require_safe
def worklist(request):
    dossiers = filtered(request)
    if request.GET.get("format") == "csv":
        return _csv(dossiers)
    today = timezone.localdate()
    overview = _overview(request.user)
    counts = counts_by_state(commune_ids_for(request.user, INSTRUCTORS))
    counts.pop(State.DRAFT, None)  # a draft is its author's only
    params = request.GET
    if any(params.get(name) for name in FILTERS if name != "state"):
        total = dossiers.count()
    else:  # only the state filters: the counts give the total without a count(*)
        shown = {params["state"]} if params.get("state") else set(AWAITING_DECISION)
        total = sum(n for state, n in counts.items() if state in shown)
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        number = min(max(1, int(params.get("page", 1))), pages)
    except ValueError:
        number = 1
    window = dossiers.values_list(*ROW_FIELDS)[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return render(
        request,
        "permits/officer/worklist.html",
        {
            "rows": [_row(values, today) for values in window],
            "total": total,
            "page_number": number,
            "pages": pages,
            "counts": [(State(state).label, n) for state, n in sorted(counts.items())],
            "communes": overview["communes"],
            "types": TYPES,
            "states": [(s.value, s.label) for s in OPEN_STATES],
            "channels": Channel.choices,
            "officers": overview["officers"],
            "overview_key": overview["key"],  # the filter form's cached fragment
            # Plain strings: a missing key of the QueryDict costs the template a dir() each time.
            "selected": {name: params.get(name, "") for name in FILTERS},
            # The rows' links: the instruction page is below the worklist's path (permits/urls);
            # one reverse() for the page rather than one per row.
            "instruction_url": reverse("permits:worklist"),
            "list_query": list_query(request),
        },
    )


def _overview(user) -> dict:
    """The filters' communes and officers, shared by the officers of the same communes."""
    ids = commune_ids_for(user, INSTRUCTORS)
    key = "worklist-overview:" + hashlib.sha256(repr(ids).encode()).hexdigest()

    def figures():
        return {
            "key": key,
            "communes": list(
                communes_for(user, INSTRUCTORS).order_by("name").values_list("insee_code", "name")
            ),
            "officers": [
                (o.pk, o.get_full_name() or o.username) for o in _officers(user).order_by("pk")
            ],
        }

    return cache.get_or_set(key, figures, CACHE_SECONDS)


def _officers(user):
    communes = commune_ids_for(user, INSTRUCTORS)
    return (
        User.objects.filter(
            memberships__role__in=INSTRUCTORS, memberships__service__communes__in=communes
        )
        .distinct()
        .only("pk", "username", "first_name", "last_name")
    )


def _csv(dossiers) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dossiers.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["numero", "procedure", "commune", "etat", "depose_le", "a_traiter_avant",
                     "instructeur"])  # fmt: skip
    rows = dossiers.values_list("number", "procedure", "commune__insee_code", "state",
                                "filed_at", "action_due_on", "assignee__username")  # fmt: skip
    for number, procedure, insee, state, filed_at, due, assignee in rows.iterator(2000):
        writer.writerow([parse(number).display if number else "", procedure, insee, state,
                         timezone.localdate(filed_at) if filed_at else "", due or "",
                         assignee or ""])  # fmt: skip
    return response


@role_required(*INSTRUCTORS)
@require_POST
def assign(request):
    """Assigns the ticked dossiers (bulk) to an officer of the same service, or to nobody."""
    ids = request.POST.getlist("dossier")
    officer = None
    if request.POST.get("officer"):
        officer = get_object_or_404(_officers(request.user), pk=request.POST["officer"])
    count = instructed(request.user).filter(pk__in=ids).update(assignee=officer)
    messages.success(request, f"{count} dossier{'s' if count > 1 else ''} attribué"
                     f"{'s' if count > 1 else ''}.")  # fmt: skip
    return redirect(request.POST.get("next") or "permits:worklist")
