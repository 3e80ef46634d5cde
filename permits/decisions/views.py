"""/verifier: anyone can check a document the commune issued (no account needed).

Two ways in: the QR code printed on the document (dossier number and content hash in the
query string) shows what the commune's register holds; uploading the file checks its signature
and whether it is byte for byte the file the commune issued.
"""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.ratelimit import rate_limited
from permits.decisions.forms import QrLinkForm, VerifyForm
from permits.decisions.issuing import read_file
from permits.models.documents import DocumentStatus, IssuedDocument
from permits.numbering import InvalidNumber, parse


def _registered(**lookup) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.filter(status=DocumentStatus.SIGNED, **lookup)
        .select_related("dossier__commune")
        .first()
    )


def _from_qr(params) -> tuple[QrLinkForm | None, IssuedDocument | None]:
    if not params.get("empreinte"):
        return None, None
    form = QrLinkForm(params)
    if not form.is_valid():
        return form, None
    document = _registered(content_sha256=form.cleaned_data["empreinte"])
    try:
        number = parse(form.cleaned_data["dossier"]).compact
    except InvalidNumber:
        return form, None
    if document is not None and document.dossier.number != number:
        document = None
    return form, document


@require_http_methods(["GET", "POST"])
@rate_limited("verifier", when=lambda request: request.method == "POST" or bool(request.GET))
def verify(request):
    """Checks a document from its QR code or an upload, without an account; rate-limited since each
    check parses a PDF."""
    # deferred: verification imports pyHanko (heavy), not to be loaded with the URLconf
    from permits.decisions.verification import SignatureReport, check_pdf

    qr_form, qr_document = _from_qr(request.GET)
    context = {"qr_form": qr_form, "qr_document": qr_document, "form": VerifyForm()}
    if qr_document is not None:
        # The commune's own copy, checked again: a damaged store must not be reported valid.
        try:
            context["qr_report"] = check_pdf(read_file(qr_document))
        except FileNotFoundError:
            context["qr_report"] = SignatureReport(
                sha256="",
                valid=False,
                problems=("La copie conservée par la commune est introuvable.",),
                verdict="missing_copy",
            )
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            report = check_pdf(form.cleaned_data["document"].read())
            issued = _registered(sha256=report.sha256)
            context.update(
                report=report,
                issued=issued,
                matches_qr=qr_document is not None and issued == qr_document,
            )
        status = 200 if form.is_valid() else 400
        return render(request, "permits/verifier/verify.html", context, status=status)
    return render(request, "permits/verifier/verify.html", context)
