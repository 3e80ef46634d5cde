"""Consultations of services during instruction (R423-50 ff.), each with its answer deadline.

Silence at the deadline gives a tacit opinion (favourable by default, R423-59; unfavourable for
the ABF on a demolition in a site inscrit, R423-67-2), recorded by the timers.
"""

import uuid

from django.conf import settings
from django.db import models

from workflow import clock
from workflow.clock.rules import ServiceKind


class Opinion(models.TextChoices):
    """A consulted service's answer, express or tacit (R423-59): the tacit ones are recorded by
    the timers, never chosen by a person."""

    FAVOURABLE = "favourable", "Favorable"
    WITH_PRESCRIPTIONS = "with_prescriptions", "Favorable avec prescriptions"
    UNFAVOURABLE = "unfavourable", "Défavorable"
    TACIT_FAVOURABLE = "tacit_favourable", "Favorable tacite"
    TACIT_UNFAVOURABLE = "tacit_unfavourable", "Défavorable tacite"


# PLAT'AU nomNatureAvisRendu (reference §3.6): 1 favourable, 2 with prescriptions, 3 unfavourable.
PLATAU_NATURE = {
    Opinion.FAVOURABLE: 1,
    Opinion.TACIT_FAVOURABLE: 1,
    Opinion.WITH_PRESCRIPTIONS: 2,
    Opinion.UNFAVOURABLE: 3,
    Opinion.TACIT_UNFAVOURABLE: 3,
}


# An avis conforme is an accord or a refusal of accord (L632-2 code du patrimoine); silence is a
# tacit accord (R423-67) unless the reference says otherwise.
BINDING_LABELS: dict[str, str] = {
    Opinion.FAVOURABLE: "Accord",
    Opinion.WITH_PRESCRIPTIONS: "Accord avec prescriptions",
    Opinion.UNFAVOURABLE: "Refus d'accord",
    Opinion.TACIT_FAVOURABLE: "Accord tacite",
    Opinion.TACIT_UNFAVOURABLE: "Refus d'accord tacite",
}


class Consultation(models.Model):
    """One consulted service on one dossier: its délai is computed at sending (R423-59,
    R423-67) and stored, so that the timers and the pages read a date, not the clock."""

    # A string reference: workflow never imports permits (docs/architecture.md).
    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.PROTECT, related_name="consultations"
    )
    service_kind = models.CharField(
        "type de service",
        max_length=30,
        choices=[(k.value, k.label) for k in ServiceKind],
        default=ServiceKind.OTHER.value,
    )
    # The organisation addressed, whose members answer in their space (accounts); the kind and
    # name are copied at sending, so an old consultation keeps the words it was sent with.
    service = models.ForeignKey(
        "accounts.ConsultedService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="service",
    )
    service_name = models.CharField("service consulté", max_length=200)
    sent_on = models.DateField("reçue par le service le")
    due_on = models.DateField("réponse attendue au plus tard le")
    due_basis = models.CharField("fondement du délai", max_length=40)
    answered_on = models.DateField("répondu le", null=True, blank=True)
    opinion = models.CharField("avis", max_length=30, choices=Opinion.choices, blank=True)
    text = models.TextField("avis motivé", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    # An avis conforme (the ABF's accord in the abords of a monument historique or an SPR,
    # L632-2 code du patrimoine, R425-1): the decision must follow it. Set at sending.
    binding = models.BooleanField("avis conforme (accord requis)", default=False)
    # Each prescription its own item, so that the act can carry them one by one.
    prescriptions = models.JSONField("prescriptions", default=list, blank=True)

    class Meta:
        ordering = ["sent_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="consultation_pending_due",
                condition=models.Q(answered_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_name} ({self.get_opinion_display() or 'en attente'})"

    def clock_view(self) -> clock.Consultation:
        """The consultation as the pure clock reads it (workflow.clock knows no model)."""
        return clock.Consultation(ServiceKind(self.service_kind), self.sent_on)

    @property
    def nature_label(self) -> str:
        """The opinion in the words of its kind: an accord for an avis conforme (L632-2)."""
        if not self.opinion:
            return ""
        if self.binding:
            return BINDING_LABELS[self.opinion]
        return self.get_opinion_display()

    @property
    def is_tacit(self) -> bool:
        """Deemed given by silence (R423-59): the letters say so instead of quoting a text."""
        return self.opinion in (Opinion.TACIT_FAVOURABLE, Opinion.TACIT_UNFAVOURABLE)


def opinion_document_path(document: "OpinionDocument", filename: str) -> str:
    """Where a document is stored: a random name under its consultation, never the sender's."""
    return f"avis/{document.consultation_id}/{uuid.uuid4().hex}.{document.extension}"


class OpinionDocument(models.Model):
    """A document attached to an opinion (the ABF's annotated plan, the SDIS's report…), from
    the consulted service's space or received through PLAT'AU, with its SHA-512 as PLAT'AU
    carries it (`algoHash`, `hash`)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(upload_to=opinion_document_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size_bytes = models.PositiveIntegerField()
    sha512 = models.CharField(max_length=128)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "pk"]

    def __str__(self) -> str:
        return self.original_name
