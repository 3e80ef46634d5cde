"""Uploaded pieces, with every version kept (a replacement never deletes the previous file)."""

import uuid

from django.conf import settings
from django.db import models


def piece_path(piece, filename: str) -> str:
    """Where a piece is stored: its name never comes from the user (no path traversal, no clash)."""
    # The stored name never comes from the user.
    name = f"{piece.code}-v{piece.version}-{uuid.uuid4().hex}.{piece.extension}"
    return f"pieces/{piece.dossier_id}/{name}"


class Piece(models.Model):
    dossier = models.ForeignKey("permits.Dossier", on_delete=models.PROTECT, related_name="pieces")
    code = models.CharField("pièce", max_length=12)  # PCMI1, DP2… (permits.pieces.catalogue)
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to=piece_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size_bytes = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(default=1)
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=10)  # clean | disabled
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # A piece sent after filing answers a request for missing pieces (R423-39).
    after_filing = models.BooleanField(default=False)

    class Meta:
        # The column, not the relation: "dossier" joins the dossier for its own ordering.
        ordering = ["dossier_id", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "code", "version"], name="piece_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"
