"""After the decision: retrait (L424-5 after the contradictory step of CRPA L121-1/L122-1), the
conformity contest (R462-6, R462-9) and its attestation (R462-10), the lapse for interrupted
works (R424-17). Reference §3.12 and §3.14.

The officer acts on the instruction page; each act fires one transition, whose declaration
(workflow.registry) issues the document the law asks for in the same transaction, sealed with
the commune's seal by the signing job and naming the officer as its author (as the other
letters). The retrait itself is
a decision of the authority that granted the permit (L424-5): once the holder's reply period is
over, the signatory pronounces it from the parapheur after a fresh re-authentication, and the
arrêté de retrait is signed in their name. The holder answers the retrait letter through the
dossier's messages and asks for the attestation from the dossier page.

The views; the acts and what the pages show of them are in permits.after_decision.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from accounts.reauth import is_fresh
from permits.after_decision import OFFICER_ACTS, retract, retraits_to_pronounce
from permits.certificates import issue_conformity_attestation
from permits.decisions.content import ContentError
from permits.instructing import INSTRUCTORS, instructed
from permits.models import Dossier
from permits.typed_fields import keep_typed
from workflow.errors import TransitionRefused


@role_required(*INSTRUCTORS)
@require_POST
def officer_act(request, pk: int, name: str):
    """An officer's after-decision act (retrait letter, conformity contest…): refused, the typed
    form comes back with its reason."""
    dossier = get_object_or_404(instructed(request.user).select_related("commune"), pk=pk)
    try:
        if name not in OFFICER_ACTS:
            raise TransitionRefused("Acte inconnu.")
        done = OFFICER_ACTS[name](dossier, request)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, dossier.pk, name, str(refusal))
        return redirect(reverse("permits:instruction", args=[dossier.pk]) + f"#{name}")
    messages.success(request, done)
    return redirect(reverse("permits:instruction", args=[dossier.pk]) + "#apres-decision")


@role_required(Role.SIGNATORY)
@require_POST
def pronounce_retrait(request, pk: int):
    """The signatory pronounces a retrait after the contradictory period (L424-5, CRPA
    L121-1/L122-1), re-authenticated as for a decision."""
    dossier = get_object_or_404(retraits_to_pronounce(request.user), pk=pk)
    if not is_fresh(request):  # as for a decision: the signatory confirms who they are
        messages.info(request, "Confirmez votre identité, puis prononcez à nouveau le retrait.")
        query = urlencode({"next": reverse("permits:parapheur")})
        return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
    try:
        done = retract(dossier, request)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, dossier.pk, "retract", str(refusal))
        return redirect(reverse("permits:parapheur") + f"#retract-{dossier.pk}")
    else:
        messages.success(request, done)
    return redirect(reverse("permits:parapheur") + "#retraits")


@login_required
@require_POST
def request_attestation(request, pk: int):
    """R462-10: once the contest window has passed without contest, the holder asks for the
    attestation; it is issued at once (the article allows 15 days), signed by the job."""
    dossier = get_object_or_404(Dossier, pk=pk, depositor=request.user)
    try:
        issue_conformity_attestation(dossier)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            "Attestation demandée : elle sera disponible ci-dessous, dans les documents, dès sa "
            "signature (R462-10).",
        )
    return redirect(reverse("permits:dossier_detail", args=[dossier.pk]) + "#documents")
