"""The dossier page: its state, its deadlines with "why this date", its history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from permits.access import visible_dossiers
from workflow.states import State
from workflow.transitions import LABELS


@login_required
@require_safe
def dossier_detail(request, pk: int):
    dossier = get_object_or_404(visible_dossiers(request.user).select_related("commune"), pk=pk)
    events = [
        {
            "event": event,
            "label": LABELS.get(event.kind, event.kind.replace("_", " ")),
            "to_state": State(event.to_state).label if event.to_state else "",
        }
        for event in dossier.events.order_by("sequence")
    ]
    context = {
        "dossier": dossier,
        "state_label": State(dossier.state).label,
        "deadlines": dossier.deadlines(),
        "events": events,
    }
    return render(request, "permits/dossier_detail.html", context)
