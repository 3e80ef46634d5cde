"""The dossier page: its state, its deadlines with "why this date", its history, its
documents and messages, and what the applicant can do next."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import can_view_dossier
from core.compiled import KEY_MARKER, Compiled
from permits import follow_ups, progress
from permits.access import visible_dossier
from permits.clock_cache import dossier_deadlines
from permits.decisions.storage import open_signed
from permits.dossier_page import applicant_context
from permits.forms import MessageForm
from permits.history import EVENT_LABELS
from permits.models import Message
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from privacy.access_log import record_access
from workflow.models import Event
from workflow.states import State

# Only what the page shows, compiled once (core.compiled): compiling every column, or the
# ORM's statement at each view, cost more than reading the rows.
_SIGNED_DOCUMENTS = Compiled(
    lambda dossier, status: IssuedDocument.objects.filter(dossier_id=dossier, status=status).only(
        "pk", "kind", "dossier_id"
    ),
    dossier=KEY_MARKER,
    status="compiled-marker",
)
_EVENTS = Compiled(lambda dossier: Event.objects.filter(dossier_id=dossier), dossier=KEY_MARKER)
_MESSAGES = Compiled(
    lambda dossier: (
        Message.objects.filter(dossier_id=dossier)
        .only("dossier_id", "body", "sent_at", "from_applicant")
        .annotate(
            author_first_name=F("author__first_name"),
            author_last_name=F("author__last_name"),
            author_username=F("author__username"),
        )
    ),
    dossier=KEY_MARKER,
)


def _messages(dossier) -> list[Message]:
    found = list(_MESSAGES.raw(dossier=dossier.pk))
    for message in found:  # as User.get_full_name, else the username
        full_name = f"{message.author_first_name} {message.author_last_name}".strip()
        message.author_label = full_name or message.author_username
    return found


@login_required
@require_safe
def dossier_detail(request, pk: int):
    dossier = visible_dossier(request.user, pk, with_commune=True)
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
        for event in _EVENTS.raw(dossier=dossier.pk)  # in sequence (Event.Meta.ordering)
    ]
    deadlines = dossier_deadlines(dossier)
    context = {
        "dossier": dossier,
        "state_label": State(dossier.state).label,
        "deadlines": deadlines,
        "due_sentence": progress.due_sentence(dossier, deadlines),
        "timeline": progress.timeline(dossier, deadlines, timezone.localdate()),
        "events": events,
        "documents": list(_SIGNED_DOCUMENTS.raw(dossier=dossier.pk, status=DocumentStatus.SIGNED)),
        # The receipt is sealed by the job a moment after filing: said, then shown by itself
        # (static/js/documents-refresh.js). Only the receipt: a decision is not shown before
        # it is signed and notified.
        "pending_receipt": dossier.state != State.DRAFT
        and IssuedDocument.objects.filter(
            dossier=dossier, kind=DocumentKind.RECEPISSE, status=DocumentStatus.PENDING
        ).exists(),
        "messages_list": _messages(dossier),
        "message_form": MessageForm(),
        "follow_ups": [c for c in children if can_view_dossier(request.user, c)],
        # A holder (titulaire) once the authorisation is granted, not before.
        "holders": follow_ups.holders(dossier, children)
        if dossier.decision_outcome in follow_ups.GRANTED and not dossier.parent_id
        else [],
        **applicant_context(dossier, request.user),
    }
    return render(request, "permits/dossier_detail.html", context)


PDF = "application/pdf"
INLINE_PIECE_TYPES = {"image/jpeg", "image/png"}
# sandbox: no script, no plugin, an opaque origin; the image itself is all it may load.
PIECE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


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
    """A piece: a PDF is downloaded, an image shown; neither can run anything here.

    A PDF is never an inline document of the site's origin (a browser viewer would run its
    scripts with the site's rights); every piece is answered sandboxed (no script, opaque
    origin) and with nosniff, and a type other than the three checked at upload is a download
    of plain bytes (docs/security.md)."""
    dossier = visible_dossier(request.user, pk)
    piece = get_object_or_404(dossier.pieces, pk=piece_id)
    inline = piece.content_type in INLINE_PIECE_TYPES
    known = inline or piece.content_type == PDF
    response = FileResponse(
        piece.file.open("rb"),
        content_type=piece.content_type if known else "application/octet-stream",
        as_attachment=not inline,
        filename=f"{piece.code}-v{piece.version}.{piece.extension}",
    )
    response["Content-Security-Policy"] = PIECE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
