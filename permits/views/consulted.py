"""The consulted services' workspace (R423-50 ff.): each consultation addressed to a member's
service opens on the whole dossier — facts, plan, pieces, project and figures, the other
opinions — with its deadline and what silence means, then the answer: its nature (an accord
for an avis conforme), its text, each prescription as its own item, and attached documents.

A member sees only the consultations addressed to their service (or, in the older form, to
their commune); once answered the consultation is read-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import (
    communes_for,
    consulted_services_for,
    consultee_required,
    role_required,
)
from permits.instructing import instructed
from permits.pieces import catalogue
from permits.pieces.scan import ScanUnavailable, scan
from permits.pieces.store import current_pieces
from permits.pieces.validation import PieceRefused, check_upload
from permits.site_map import site_map
from workflow.clock import consultation_deadline
from workflow.consultations import ANSWERS, AttachedFile, answer_consultation
from workflow.errors import TransitionRefused
from workflow.models import BINDING_LABELS, Consultation, Opinion, OpinionDocument

MAX_DOCUMENTS = 5


def addressed_to(user):
    """The consultations a consultee answers: those addressed to their consulted service, for
    any commune, and those of the communes where they hold the role themselves."""
    return Consultation.objects.filter(
        Q(service__in=consulted_services_for(user))
        | Q(dossier__commune__in=communes_for(user, [Role.CONSULTEE]))
    )


def answer_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """Favourable / with prescriptions / unfavourable; accord / accord with prescriptions /
    refusal of accord for an avis conforme (L632-2 code du patrimoine)."""
    return [
        (o.value, BINDING_LABELS[o] if consultation.binding else o.label)
        for o in Opinion
        if o in ANSWERS
    ]


@consultee_required
@require_safe
def consultations(request):
    """The list: pending first, by deadline."""
    listed = (
        addressed_to(request.user)
        .select_related("dossier", "dossier__commune")
        .order_by("answered_on", "due_on")
    )
    return render(request, "permits/consulted/list.html", {"consultations": listed[:300]})


def _silence(consultation: Consultation):
    """What silence gives at the deadline, from the statutory clock (R423-59, R423-67,
    R423-67-2): the clock's consequence, its article and its explanation."""
    deadline = consultation_deadline(consultation.dossier.clock_facts(), consultation.clock_view())
    favourable = deadline.consequence.value == "tacit_favourable_opinion"
    if consultation.binding:
        meaning = "un accord tacite" if favourable else "un refus d'accord tacite"
    else:
        meaning = "un avis favorable tacite" if favourable else "un avis défavorable tacite"
    return {"meaning": meaning, "deadline": deadline}


@consultee_required
@require_safe
def consultation_detail(request, pk: int):
    """A consulted service's view of a dossier: only the consultations addressed to it, with the
    pieces to judge on."""
    consultation = get_object_or_404(
        addressed_to(request.user).select_related("dossier", "dossier__commune"), pk=pk
    )
    dossier = consultation.dossier
    pieces = current_pieces(dossier)
    specs = {spec.code: spec for spec in catalogue.pieces_for(dossier.procedure)}
    return render(
        request,
        "permits/consulted/detail.html",
        {
            "c": consultation,
            "dossier": dossier,
            "pieces": [(specs.get(code), piece) for code, piece in sorted(pieces.items())],
            "floor_areas": dossier.floor_areas.all(),
            "parcels": [p.idu for p in dossier.parcels.all()],
            "site_map": site_map([p.idu for p in dossier.parcels.all()]),
            "others": dossier.consultations.exclude(pk=consultation.pk),
            "documents": consultation.documents.all(),
            "silence": _silence(consultation),
            "answers": answer_choices(consultation),
            "prescription_slots": range(1, 6),
            "max_documents": MAX_DOCUMENTS,
        },
    )


def _attached(request) -> list[AttachedFile]:
    files = request.FILES.getlist("documents")
    if len(files) > MAX_DOCUMENTS:
        raise PieceRefused(f"Joignez au plus {MAX_DOCUMENTS} documents à l'avis.")
    attached = []
    for uploaded in files:
        checked = check_upload(uploaded)  # by content: PDF, JPEG or PNG (permits.pieces)
        scan(uploaded.read())  # the antivirus of the pieces (clamd), when configured
        uploaded.seek(0)
        attached.append(
            AttachedFile(uploaded.name, uploaded.read(), checked.content_type, checked.extension)
        )
    return attached


@consultee_required
@require_POST
def answer(request, pk: int):
    """Records a consulted service's opinion (with prescriptions and documents); a refusal keeps
    nothing."""
    consultation = get_object_or_404(addressed_to(request.user), pk=pk)
    try:
        answer_consultation(
            consultation,
            opinion=request.POST.get("opinion", ""),
            text=request.POST.get("text", ""),
            prescriptions=request.POST.getlist("prescriptions"),
            documents=_attached(request),
            actor=request.user,
        )
    except (TransitionRefused, PieceRefused) as refusal:
        messages.error(request, str(refusal))
        return redirect("permits:consultation", pk=consultation.pk)
    except ScanUnavailable:
        messages.error(
            request,
            "L'analyse antivirus est momentanément indisponible : votre avis "
            "n'est pas enregistré, réessayez dans quelques minutes.",
        )
        return redirect("permits:consultation", pk=consultation.pk)
    messages.success(request, "Avis enregistré.")
    return redirect("permits:consultation", pk=consultation.pk)


def _file(stored, filename: str, download: bool) -> FileResponse:
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@consultee_required
@require_safe
def consultation_piece(request, pk: int, piece_id: int):
    """A piece of a consulted dossier, in the browser's viewer or (?telecharger=1) saved."""
    consultation = get_object_or_404(addressed_to(request.user), pk=pk)
    piece = get_object_or_404(consultation.dossier.pieces, pk=piece_id)
    return _file(
        piece,
        f"{piece.code}-v{piece.version}.{piece.extension}",
        request.GET.get("telecharger") == "1",
    )


@consultee_required
@require_safe
def opinion_document(request, pk: int, document_id: int):
    """A document attached to an opinion, for the service that gave it."""
    consultation = get_object_or_404(addressed_to(request.user), pk=pk)
    document = get_object_or_404(consultation.documents, pk=document_id)
    return _file(document, f"avis-{consultation.pk}-{document.pk}.{document.extension}", True)


@role_required(Role.OFFICER, Role.SERVICE_HEAD)
@require_safe
def instructor_opinion_document(request, pk: int, document_id: int):
    """The same document for the officers instructing the dossier."""
    dossier = get_object_or_404(instructed(request.user), pk=pk)
    document = get_object_or_404(
        OpinionDocument.objects.filter(consultation__dossier=dossier), pk=document_id
    )
    return _file(
        document, f"avis-{document.consultation_id}-{document.pk}.{document.extension}", True
    )
