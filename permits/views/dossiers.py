"""The dossier page: its state, its deadlines with "why this date", its history, its
documents and messages, and what the applicant can do next."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.permissions import can_view_dossier
from permits import follow_ups
from permits.access import visible_dossier
from permits.clock_cache import dossier_deadlines
from permits.decisions.storage import open_signed
from permits.forms import MessageForm
from permits.models import Dossier
from permits.models.documents import DocumentStatus, IssuedDocument
from permits.views.follow import applicant_context
from privacy.access_log import record_access
from workflow.states import State
from workflow.transitions import LABELS

EVENT_LABELS = LABELS | {
    "piece_received": "pièce reçue",
    "document_signed": "document signé",
    "consultation_sent": "consultation d'un service",
    "opinion_received": "avis reçu",
    "opinion_tacit": "avis tacite",
    "prorogated": "prorogation accordée",
    "transferred": "transfert accordé",
    "modified": "modification accordée",
    "partial_completion": "achèvement partiel des travaux (DAACT)",
}


@login_required
@require_safe
def dossier_detail(request, pk: int):
    dossier = visible_dossier(request.user, pk, Dossier.objects.select_related("commune"))
    record_access(request, dossier)
    # Follow-ups are filed on a decided authorisation only (workflow.children.check_can_file,
    # the parent's DOC/DAACT transitions): before a decision there are none to look for.
    children = follow_ups.filed_children(dossier) if dossier.decision_outcome else []
    events = [
        {
            "event": event,
            "label": EVENT_LABELS.get(event.kind, event.kind.replace("_", " ")),
            "to_state": State(event.to_state).label if event.to_state else "",
        }
        for event in dossier.events.order_by("sequence")
    ]
    context = {
        "dossier": dossier,
        "state_label": State(dossier.state).label,
        "deadlines": dossier_deadlines(dossier),
        "events": events,
        # Only what the page shows: compiling every column costs more than reading them.
        "documents": dossier.issued_documents.filter(status=DocumentStatus.SIGNED).only(
            "pk", "kind", "dossier_id"
        ),
        "messages_list": dossier.messages.select_related("author").only(
            *("dossier_id", "body", "sent_at", "from_applicant"),
            *("author__username", "author__first_name", "author__last_name"),
        ),
        "message_form": MessageForm(),
        "follow_ups": [c for c in children if can_view_dossier(request.user, c)],
        # A holder (titulaire) once the authorisation is granted, not before.
        "holders": follow_ups.holders(dossier, children)
        if dossier.decision_outcome in follow_ups.GRANTED and not dossier.parent_id
        else [],
        **applicant_context(dossier, request.user),
    }
    return render(request, "permits/dossier_detail.html", context)


@login_required
@require_safe
def document_download(request, pk: int, document_id: int):
    """A signed document of a dossier the person may see (the stored file, byte for byte)."""
    dossier = visible_dossier(request.user, pk)
    document = get_object_or_404(
        IssuedDocument, pk=document_id, dossier=dossier, status=DocumentStatus.SIGNED
    )
    record_access(request, dossier, document)
    try:  # streamed from the documents storage (filesystem or bucket)
        stored = open_signed(document)
    except FileNotFoundError:
        raise Http404("file missing") from None
    name = f"{document.kind}-{dossier.number}.pdf"
    return FileResponse(stored, as_attachment=True, filename=name, content_type="application/pdf")


@login_required
@require_safe
def piece_file(request, pk: int, piece_id: int):
    """A piece, shown in the browser's own viewer (PDF or image, checked by content at upload)."""
    dossier = visible_dossier(request.user, pk)
    piece = get_object_or_404(dossier.pieces, pk=piece_id)
    response = FileResponse(piece.file.open("rb"), content_type=piece.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{piece.code}-v{piece.version}.{piece.extension}"'
    )
    return response
