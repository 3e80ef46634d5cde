"""Adding a piece to a dossier: checked, scanned, stored as a new version, then recorded.

Nothing already saved is lost: a refused file changes nothing, and a replacement adds a version
beside the previous ones. A photo's GPS position is blanked unless the piece needs it
(photo_location.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from permits.models import Dossier, Piece
from permits.pieces import catalogue, photo_location
from permits.pieces.scan import scan
from permits.pieces.validation import PieceRefused, check_upload
from workflow.events import record_event
from workflow.states import State

# Pieces may be added while drafting, and after filing while pieces are awaited (R423-39).
OPEN_STATES = {State.DRAFT, State.DEPOSITED, State.INCOMPLETE, State.UNDER_INSTRUCTION}


def add_piece(dossier: Dossier, code: str, uploaded, user) -> Piece:
    """Checks (code, state, type, active content, antivirus) then stores an uploaded piece as a new
    version; a refusal stores nothing."""
    try:
        catalogue.spec(dossier.procedure, code)
    except KeyError:
        raise PieceRefused(
            "Cette pièce ne fait pas partie de la liste de votre démarche."
        ) from None
    if dossier.state not in OPEN_STATES:
        raise PieceRefused("Ce dossier n'accepte plus de pièces.")
    checked = check_upload(uploaded)
    data = uploaded.read()
    scan_status = scan(data)
    uploaded.seek(0)
    content = uploaded
    if code not in photo_location.KEPT_FOR:
        cleaned = photo_location.without_position(data, checked.content_type)
        if cleaned != data:  # what is stored and served, and what its hash describes
            content = ContentFile(cleaned)
            checked = replace(checked, sha256=hashlib.sha256(cleaned).hexdigest())
    with transaction.atomic():
        # The row lock serialises versions of concurrent uploads.
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        last = locked.pieces.filter(code=code).aggregate(v=Max("version"))["v"] or 0
        piece = Piece(
            dossier=locked,
            code=code,
            version=last + 1,
            original_name=uploaded.name[:255],
            content_type=checked.content_type,
            extension=checked.extension,
            size_bytes=checked.size,
            pages=checked.pages,
            sha256=checked.sha256,
            scan_status=scan_status,
            uploaded_by=user,
            after_filing=locked.state != State.DRAFT,
        )
        piece.file.save("piece", content, save=False)
        try:
            piece.save()
            if piece.after_filing:
                record_event(
                    locked,
                    "piece_received",
                    actor=user,
                    payload={"code": code, "version": piece.version, "sha256": checked.sha256},
                )
        except Exception:
            piece.file.delete(save=False)  # no orphan file when the row is not written
            raise
    return piece


def current_pieces(dossier: Dossier) -> dict[str, Piece]:
    """The latest version of each piece, by code."""
    current: dict[str, Piece] = {}
    # The model's ordering (code, newest version first): `.all()` reuses a prefetch.
    for piece in dossier.pieces.all():
        current.setdefault(piece.code, piece)
    return current
