"""Documents the commune issues on a dossier: arrêtés, certificates and letters, as signed PDF/A.

A row is created `pending` in the transaction that decides to issue the document (it holds the
arrêté number and the printed content), then the signing job renders, signs and stores the file
and marks it `signed` together with its event (permits.decisions.issuing). The row is the
register the public /verifier page compares uploaded files with.
"""

from django.conf import settings
from django.db import models

from workflow.outcomes import Outcome


class DocumentKind(models.TextChoices):
    DECISION = "decision", "Décision (arrêté ou certificat d'urbanisme)"
    RECEPISSE = "recepisse", "Récépissé de dépôt"  # R423-3..R423-5
    PIECES_REQUEST = "pieces_request", "Demande de pièces manquantes"  # R423-38, R423-39
    MAJORATION = "majoration", "Notification de majoration du délai"  # R423-42, R423-43
    TACIT_CERTIFICATE = "tacit_certificate", "Certificat de décision tacite"  # R424-13
    CONFORMITY_ATTESTATION = (
        "conformity_attestation",
        "Attestation de non-contestation de la conformité",  # R462-10
    )
    RETRAIT_NOTICE = (
        "retrait_notice",
        "Lettre préalable au retrait (procédure contradictoire)",  # CRPA L121-1, L122-1
    )
    RETRAIT = "retrait", "Arrêté de retrait"  # L424-5
    CONFORMITY_NOTICE = "conformity_notice", "Mise en demeure de mise en conformité"  # R462-9


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "En attente de signature"
    SIGNED = "signed", "Signé"
    # The signing job found it could no longer be signed (a tacit decision arose meanwhile:
    # permits.decisions.late_signature). Its number stays in the register, with no file.
    ABANDONED = "abandoned", "Abandonné sans signature"


class IssuedDocument(models.Model):
    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.PROTECT, related_name="issued_documents"
    )
    kind = models.CharField("type de document", max_length=30, choices=DocumentKind.choices)
    outcome = models.CharField(
        "sens de la décision", max_length=40, choices=Outcome.choices, blank=True
    )
    # Arrêté number (≤ 15 characters [A-Z0-9_], reusable as the ACTES NumeroInterne, §7.4).
    # The commune's register of acts numbers them per commune and year (issuing.next_reference).
    commune = models.ForeignKey(
        "accounts.Commune", on_delete=models.PROTECT, related_name="issued_documents"
    )
    reference = models.CharField("référence", max_length=15)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    # What is printed, as rendered (JSON-safe strings): a retry renders the same text.
    content = models.JSONField("contenu")
    # SHA-256 of `content`, printed in the QR code (the file's own hash cannot be printed in it).
    content_sha256 = models.CharField(max_length=64, unique=True)
    # Who signed with their own key (a decision, an arrêté de retrait) or, for a letter sealed
    # with the commune's seal (content["seal"], issuing.SEALED_KINDS), its author.
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name="signataire",
    )
    signatory_label = models.CharField("signataire (tel qu'imprimé)", max_length=300)
    # Set when signed.
    sha256 = models.CharField("empreinte SHA-256 du fichier signé", max_length=64, blank=True)
    storage_path = models.CharField("chemin du fichier", max_length=300, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    signature_level = models.CharField("niveau PAdES", max_length=10, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "document délivré"
        constraints = [
            # One decision, one receipt, one pieces request… per dossier (idempotent issuing).
            # A sursis à statuer is followed by the real decision once the applicant confirms
            # (L424-1), so it does not take the decision's place.
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=~models.Q(outcome=Outcome.SURSIS_A_STATUER)
                & ~models.Q(status="abandoned"),
                name="issued_document_one_per_kind",
            ),
            models.UniqueConstraint(
                fields=["sha256"], condition=~models.Q(sha256=""), name="issued_document_sha256"
            ),
            models.UniqueConstraint(
                fields=["commune", "reference"], name="issued_document_reference_per_commune"
            ),
            models.CheckConstraint(
                name="issued_document_signed_has_file",
                condition=models.Q(status__in=["pending", "abandoned"])
                | (
                    ~models.Q(sha256="")
                    & ~models.Q(storage_path="")
                    & models.Q(signed_at__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display()})"
