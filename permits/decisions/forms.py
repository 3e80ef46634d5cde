"""The /verifier forms: an uploaded PDF (its magic bytes and size checked before pyHanko reads it)
and the QR code's link."""

from django import forms

# What every PDF starts with (ISO 32000-1 §7.5.2); verification.check_pdf asks it too. Here, not
# in verification, so that the form does not load pyHanko.
PDF_MAGIC = b"%PDF-"
NOT_A_PDF = "Le fichier n'est pas un document PDF."
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # an arrêté is a few hundred kB; this bounds the work


class VerifyForm(forms.Form):
    document = forms.FileField(
        label="Document PDF à vérifier",
        help_text="Le fichier reçu de la mairie (PDF, 10 Mo au plus).",
    )

    def clean_document(self):
        """Refuses a file too large or not a PDF before pyHanko parses it."""
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 10 Mo : ce n'est pas un acte délivré.")
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(NOT_A_PDF)
        return upload


class QrLinkForm(forms.Form):
    """The query string of the QR code printed on every document."""

    dossier = forms.CharField(max_length=30)
    empreinte = forms.RegexField(regex=r"^[0-9a-f]{64}$", max_length=64)
