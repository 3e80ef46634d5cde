"""Following a filed dossier: messages, missing pieces, the applicant's acts (withdraw,
confirmation after sursis; the follow-up procedures are in follow_ups), and the demo mailbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from permits import dossier_messages
from permits.access import visible_dossier
from permits.filing import FilingError
from permits.forms import MessageForm
from permits.journey.pieces_upload import pieces_page
from permits.models import Dossier, SentMail
from workflow.errors import TransitionRefused
from workflow.states import State
from workflow.transitions import fire

TRANSITIONS = {"withdraw": "withdraw", "confirmer": "confirm_after_sursis"}


@login_required
@require_POST
def post_message(request, pk: int):
    """A message on a dossier, from the applicant or the instructing officer, kept with it."""
    dossier = visible_dossier(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le message est vide ou trop long (5 000 caractères au plus).")
    else:
        dossier_messages.post_message(dossier, request.user, form.cleaned_data["body"])
        messages.success(request, "Message envoyé.")
    return redirect("permits:dossier_detail", pk=dossier.pk)


@login_required
@require_http_methods(["GET", "POST"])
def missing_pieces(request, pk: int):
    """While pieces are awaited (R423-39), the applicant uploads them, then sends them all."""
    dossier = get_object_or_404(Dossier, pk=pk, depositor=request.user, state=State.INCOMPLETE)
    if request.method == "POST" and request.POST.get("send") == "1":
        try:
            fire(dossier, "receive_pieces", actor=request.user, on=timezone.localdate())
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                "Pièces transmises : le délai d'instruction court à "
                "compter d'aujourd'hui (R423-39 c).",
            )
            return redirect("permits:dossier_detail", pk=dossier.pk)
    return pieces_page(
        request, dossier, "permits/follow/missing_pieces.html", codes=set(dossier.pieces_requested)
    )


@login_required
@require_POST
def applicant_act(request, pk: int, act: str):
    """An act of the depositor (withdrawal…) through the state machine, which refuses it with its
    reason."""
    dossier = get_object_or_404(Dossier, pk=pk, depositor=request.user)
    try:
        if act in TRANSITIONS:
            fire(
                dossier,
                TRANSITIONS[act],
                actor=request.user,
                expected_state=request.POST.get("state"),
                on=timezone.localdate(),
            )
            messages.success(request, "C'est enregistré.")
        else:
            raise Http404("unknown act")
    except (TransitionRefused, FilingError) as refusal:
        messages.error(request, str(refusal))
    return redirect("permits:dossier_detail", pk=dossier.pk)


@login_required
@require_http_methods(["GET"])
def mailbox(request):
    """The demo's mailbox: the e-mails sent to the signed-in person (demo backend only)."""
    if settings.EMAIL_BACKEND != "permits.mailbox.DatabaseBackend":
        raise Http404("mailbox only with the demo e-mail backend")
    mails = (
        SentMail.objects.filter(to__icontains=request.user.email)
        if request.user.email
        else SentMail.objects.none()
    )
    return render(request, "permits/follow/mailbox.html", {"mails": mails[:100]})
