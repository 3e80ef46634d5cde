"""The pieces page shared by the journey's pieces step, the missing pieces after filing and the
mairie's counter (permits.views: journey, follow, counter): one piece per post, or several files
at once, each named after its piece."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from permits.forms import PieceUploadForm
from permits.journey import procedure_fit
from permits.models import Dossier
from permits.pieces import catalogue
from permits.pieces.scan import ScanUnavailable
from permits.pieces.store import add_piece, current_pieces
from permits.pieces.validation import PieceRefused


def pieces_page(request, dossier: Dossier, template: str, codes=None):
    """Upload or replace one piece per POST, or several files at once (each named after its
    piece: « DP1 plan.pdf »); a refusal keeps everything already saved."""
    specs = [s for s in catalogue.pieces_for(dossier.procedure) if codes is None or s.code in codes]
    form = PieceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "files" in request.FILES:
        form = PieceUploadForm()
        if _add_several(request, dossier, specs, request.FILES.getlist("files")):
            return redirect(request.path)
    elif request.method == "POST" and form.is_valid():
        piece, refusal = _add_one(
            dossier, form.cleaned_data["code"], form.cleaned_data["file"], request.user
        )
        if refusal:
            form.add_error("file", refusal)
        else:
            messages.success(request, f"Pièce {piece.code} enregistrée (version {piece.version}).")
            return redirect(request.path)
    have = current_pieces(dossier)
    answers = dossier.piece_answers
    rows = [
        {"spec": spec, "required": spec.required(answers), "piece": have.get(spec.code)}
        for spec in specs
    ]
    kept = procedure_fit.kept_pieces(dossier) if codes is None else []
    return render(request, template, {"dossier": dossier, "rows": rows, "form": form, "kept": kept})


def _add_one(dossier: Dossier, code: str, file, user):
    """(the piece, None) or (None, the French refusal)."""
    try:
        return add_piece(dossier, code, file, user), None
    except PieceRefused as refusal:
        return None, str(refusal)
    except ScanUnavailable:
        return None, (
            "L'analyse antivirus est momentanément indisponible : réessayez dans quelques minutes."
        )


def _add_several(request, dossier: Dossier, specs, files) -> bool:
    """Each file to the piece its name starts with (case and spaces aside; the longest code
    first, so that a PC10 would not go to PC1); each saved or refused on its own, told in a
    message. True if all were saved."""
    by_length = sorted(specs, key=lambda spec: -len(spec.code))
    all_saved = True
    for file in files:
        name = file.name.upper().replace(" ", "")
        spec = next((s for s in by_length if name.startswith(s.code)), None)
        if spec is None:
            all_saved = False
            messages.error(
                request,
                f"{file.name} : le nom du fichier doit commencer par le code "
                "de sa pièce, par exemple « DP1 plan de situation.pdf ».",
            )
            continue
        piece, refusal = _add_one(dossier, spec.code, file, request.user)
        if refusal:
            all_saved = False
            messages.error(request, f"{file.name} ({spec.code}) : {refusal}")
        else:
            messages.success(request, f"Pièce {piece.code} enregistrée (version {piece.version}).")
    return all_saved
