"""The log of agents' and systems' access to dossiers: who read what, when, through which
channel (GDPR art. 32: traceability of access to personal data). The depositor reading their
own dossier is not logged.

Each record is one INSERT and nothing else: the dossier's id is already in hand, the reader is
the request's user (or the API's service account), so logging reads no row.
"""

from __future__ import annotations

from privacy.models import AccessLog


def record_access(request, dossier, document=None) -> None:
    """A read on the site (the dossier page, a document download)."""
    user = request.user
    if not user.is_authenticated or user.pk == dossier.depositor_id:
        return
    AccessLog.objects.create(
        dossier_id=dossier.pk,
        agent_id=user.pk,
        action=AccessLog.Action.DOWNLOAD if document is not None else AccessLog.Action.VIEW,
        document_id=getattr(document, "pk", None),
    )


def record_api_access(request, dossier_id: int, action: str) -> None:
    """A read through the API by a service account (`request.auth` is the account, see
    api.authentication) or by an agent's session."""
    account = getattr(request.user, "account", None)  # api.authentication.ServiceUser
    AccessLog.objects.create(
        dossier_id=dossier_id,
        agent_id=None if account is not None else request.user.pk,
        service_account_id=account.pk if account is not None else None,
        action=action,
        channel=AccessLog.Channel.API,
    )
