"""The dossier page: its state, its deadlines with "why this date", its history, its
documents and messages, and what the applicant can do next."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from permits import follow_ups
from permits.access import visible_dossiers
from permits.clock_cache import dossier_deadlines
from permits.decisions.storage import open_signed
from permits.forms import MessageForm
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
    dossier = get_object_or_404(visible_dossiers(request.user).select_related("commune"), pk=pk)
    record_access(request, dossier)
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
        "documents": dossier.issued_documents.filter(status=DocumentStatus.SIGNED),
        "messages_list": dossier.messages.select_related("author"),
        "message_form": MessageForm(),
        "follow_ups": follow_ups.follow_ups_of(dossier, visible_dossiers(request.user)),
        "holders": follow_ups.holders(dossier)
        if dossier.filed_at and not dossier.parent_id
        else [],
        **applicant_context(dossier, request.user),
    }
    return render(request, "permits/dossier_detail.html", context)


@login_required
@require_safe
def document_download(request, pk: int, document_id: int):
    """A signed document of a dossier the person may see (the stored file, byte for byte)."""
    dossier = get_object_or_404(visible_dossiers(request.user), pk=pk)
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
    dossier = get_object_or_404(visible_dossiers(request.user), pk=pk)
    piece = get_object_or_404(dossier.pieces, pk=piece_id)
    response = FileResponse(piece.file.open("rb"), content_type=piece.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{piece.code}-v{piece.version}.{piece.extension}"'
    )
    return response
