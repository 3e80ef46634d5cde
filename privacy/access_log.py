"""The log of agents' access to dossiers: who opened what, when (GDPR art. 32: traceability of
access to personal data). The depositor reading their own dossier is not logged."""

from __future__ import annotations

from privacy.models import AccessLog


def record_access(request, dossier, document=None) -> None:
    user = request.user
    if not user.is_authenticated or user.pk == dossier.depositor_id:
        return
    AccessLog.objects.create(
        dossier=dossier,
        agent=user,
        action=AccessLog.Action.DOWNLOAD if document is not None else AccessLog.Action.VIEW,
        document_id=getattr(document, "pk", None),
    )
