"""The officer's PLAT'AU actions: send a failed message again, transmit the signed act to
legality control through the hub (permits/platau)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from permits.instructing import INSTRUCTORS, instructed
from permits.models.platau import ExchangeStatus, PlatauAccount
from permits.platau.connector import Platau
from workflow.errors import TransitionRefused


def _platau(dossier) -> Platau | None:
    account = PlatauAccount.objects.filter(commune_id=dossier.commune_id).first()
    return Platau(account) if account else None


@role_required(*INSTRUCTORS)
@require_POST
def resend(request, pk: int, exchange_id: int):
    """Sends again a message PLAT'AU refused or did not receive, for the officer."""
    dossier = get_object_or_404(instructed(request.user), pk=pk)
    exchange = get_object_or_404(
        dossier.platau_exchanges, pk=exchange_id, outgoing=True, status=ExchangeStatus.FAILED
    )
    platau = _platau(dossier)
    if platau is None:
        messages.error(request, "Cette commune n'échange plus par PLAT'AU.")
    elif platau.deliver(exchange).status == ExchangeStatus.SENT:
        messages.success(request, "Message renvoyé et accepté par PLAT'AU.")
    else:
        messages.error(request, f"Nouvel échec : {exchange.error}")
    return redirect("permits:instruction", pk=dossier.pk)


@role_required(*INSTRUCTORS)
@require_POST
def transmit(request, pk: int):
    """Transmits a signed decision to PLAT'AU, where the commune exchanges through it."""
    dossier = get_object_or_404(instructed(request.user), pk=pk)
    platau = _platau(dossier)
    try:
        if platau is None:
            raise TransitionRefused(
                "Cette commune n'échange pas par PLAT'AU : utilisez l'export ACTES."
            )
        exchange = platau.decision_signed(dossier)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if exchange.status == ExchangeStatus.SENT:
            messages.success(request, "Acte transmis au contrôle de légalité par PLAT'AU.")
        else:
            messages.error(request, f"Transmission non aboutie : {exchange.error}")
    return redirect("permits:instruction", pk=dossier.pk)
