"""The instructing officer's screens: the worklist (risk order, filters, counts, assignment,
CSV) and the instruction page, whose forms each fire one transition or act (reference §3).

Every view is limited to the communes the officer's instruction service serves
(accounts.permissions.communes_for); a dossier elsewhere is a 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import ConsultedService
from accounts.permissions import role_required
from permits.act_forms import form_arguments, posted_date
from permits.after_decision import officer_context
from permits.certificates import issue_tacit_certificate
from permits.history import EVENT_LABELS
from permits.instructing import INSTRUCTORS, instructed
from permits.journey import procedure_fit
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus
from permits.pieces import catalogue
from permits.pieces.store import current_pieces
from permits.platau.connector import channel_for
from permits.site_map import site_map
from permits.typed_fields import keep_typed, typed_back
from permits.worklist_query import neighbours
from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind
from workflow.consultations import send_consultation
from workflow.errors import TransitionRefused
from workflow.outcomes import express_outcomes
from workflow.registry import officer_forms
from workflow.transitions import fire

OFFICER_FORMS = officer_forms()  # the transitions fired by their own form on this page
PLATAU_LABELS = {
    "deposit": "dépôt du dossier",
    "piece": "pièce",
    "consultation": "consultation",
    "act": "transmission de l'acte au contrôle de légalité",
    "pec": "prise en compte de la consultation",
    "opinion": "avis",
    "acknowledgement": "accusé de réception de la préfecture",
    "notification": "notification",
}


@role_required(*INSTRUCTORS)
@require_safe
def instruction_page(request, pk: int):
    """The officer's page of a dossier: deadlines, history and every act the registry allows in its
    state."""
    dossier = get_object_or_404(instructed(request.user).select_related("commune"), pk=pk)
    impact = (dossier.parcel_check or {}).get("procedure", {})
    proposed_flags = set(impact.get("flags", []))
    proposed_majorations = set(impact.get("majorations", []))
    return render(
        request,
        "permits/officer/instruction.html",
        {
            "dossier": dossier,
            "deadlines": dossier.deadlines(),
            "events": dossier.events.order_by("sequence"),
            "labels": EVENT_LABELS,
            "pieces": current_pieces(dossier),
            "piece_specs": catalogue.pieces_for(dossier.procedure),
            "kept_pieces": procedure_fit.kept_pieces(dossier),
            # The procedure against the facts (issue 16 §1), as the applicant's review checks it.
            "procedure_mismatch": procedure_fit.mismatch(dossier),
            "applicants": dossier.applicants.all(),
            "consultations": dossier.consultations.prefetch_related("documents"),
            "binding_prescriptions": binding_prescriptions(dossier),
            "platau_exchanges": dossier.platau_exchanges.all(),
            "platau_labels": PLATAU_LABELS,
            "platau": hasattr(dossier.commune, "platau_account"),
            "majorations": [
                (m.name, f"{m.label} ({m.article})", m.name in proposed_majorations)
                for m in MajorationReason
                if m.effect(dossier.effective_type) is not None
            ],
            "flags": [
                (f.name, f.label, f.name in dossier.flags or f.name in proposed_flags)
                for f in ExceptionFlag
            ],
            "service_kinds": [(k.value, k.label) for k in ServiceKind],
            "consulted_services": _consulted_services(impact),
            "outcomes": [(o.value, o.label) for o in express_outcomes(dossier.effective_type)],
            "parcel_messages": (dossier.parcel_check or {}).get("messages", []),
            "site_map": site_map([p.idu for p in dossier.parcels.all()]),
            "today": timezone.localdate(),
            "typed": typed_back(request, dossier.pk),
            "neighbours": neighbours(request, dossier.pk),
            **officer_context(dossier),  # retrait, conformity (permits.after_decision)
        },
    )


def binding_prescriptions(dossier: Dossier) -> list[str]:
    """The prescriptions of the avis conformes (the ABF's accord, R425-1, R424-3), which the
    decision must carry: they pre-fill the draft decision."""
    return [p for c in dossier.consultations.filter(binding=True) for p in c.prescriptions]


def _consulted_services(impact: dict) -> list[tuple[ConsultedService, bool]]:
    """The registered services, those the constraints call for first (e.g. AC1 abords: the
    ABF, R423-24 c, cadastre.effects), each with whether it is proposed."""
    wanted = set(impact.get("consultations", []))
    services = [(s, s.kind in wanted) for s in ConsultedService.objects.all()]
    return sorted(services, key=lambda pair: not pair[1])


def _consult(dossier: Dossier, request) -> None:
    """One consultation per registered service ticked, and one for a service typed by name."""
    chosen = list(ConsultedService.objects.filter(pk__in=request.POST.getlist("services")))
    sent = [
        send_consultation(dossier, service=service, sent_on=_on(request), actor=request.user)
        for service in chosen
    ]
    typed = request.POST.get("service_name", "").strip()
    if typed or not chosen:
        sent.append(
            send_consultation(
                dossier,
                kind=ServiceKind(request.POST.get("kind", "other")),
                service_name=typed or "Service consulté",
                sent_on=_on(request),
                actor=request.user,
            )
        )
    # Through PLAT'AU where the commune exchanges there; a failure is shown with "Renvoyer".
    channel = channel_for(dossier.commune)
    if not all([channel.consultation_sent(consultation) for consultation in sent]):
        messages.error(
            request,
            "La consultation est enregistrée, mais PLAT'AU ne l'a pas reçue : renvoyez-la depuis "
            "« Échanges avec PLAT'AU ».",
        )


def _on(request) -> date:
    return posted_date(request.POST.get("on"))


@role_required(*INSTRUCTORS)
@require_http_methods(["POST"])
def act(request, pk: int, name: str):
    """One officer act: fires its transition (its letter and mail come with it); a refusal brings
    the typed form back with its reason."""
    dossier = get_object_or_404(instructed(request.user), pk=pk)
    try:
        if name == "consult":
            _consult(dossier, request)
        elif name == "tacit_certificate":
            issue_tacit_certificate(dossier, request.user)
        elif name == "notify_electronically":
            _notify_electronically(dossier, request)
        elif name in OFFICER_FORMS:  # its letter and mail come with it (permits.signals)
            dossier = fire(
                dossier,
                name,
                actor=request.user,
                expected_state=request.POST.get("state"),
                **form_arguments(OFFICER_FORMS[name], request.POST),
            )
        else:
            raise TransitionRefused("Acte inconnu.")
    except (TransitionRefused, ValueError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, dossier.pk, name, str(refusal))
        return redirect(reverse("permits:instruction", kwargs={"pk": dossier.pk}) + f"#{name}")
    else:
        messages.success(request, "Enregistré.")
    return redirect("permits:instruction", pk=dossier.pk)


def _notify_electronically(dossier: Dossier, request) -> None:
    """R424-10 and décret 2021-981: with the applicant's consent, the signed decision is sent
    electronically and deemed received the next day (the mail is notify_decision's own)."""
    if not dossier.electronic_notification_consent:
        raise TransitionRefused(
            "Le demandeur n'a pas accepté la notification électronique : "
            "notifiez par lettre recommandée et saisissez la date de "
            "première présentation."
        )
    received = timezone.localdate() + timedelta(days=1)
    fire(
        dossier,
        "notify_decision",
        actor=request.user,
        expected_state=request.POST.get("state"),
        on=received,
        payload={"electronic": True},
    )


@role_required(*INSTRUCTORS)
@require_safe
def actes_export(request, pk: int):
    """The transmission to the préfet as an ACTES-style envelope (nature 3 "actes individuels",
    matière 2.2; reference §7.5), for a transmission operator; the acknowledgement date is then
    entered (record_prefet_ack) or received by a connector."""
    dossier = get_object_or_404(instructed(request.user), pk=pk)
    decision = dossier.issued_documents.filter(
        kind=DocumentKind.DECISION, status=DocumentStatus.SIGNED
    ).first()
    if decision is None:
        messages.error(request, "Aucune décision signée à transmettre.")
        return redirect("permits:instruction", pk=dossier.pk)
    signed = decision.signed_at.date().isoformat()
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<actes:Acte xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" '
        f'actes:Date="{signed}" actes:NumeroInterne="{escape(decision.reference)}" '
        'actes:CodeNatureActe="3">\n'
        '  <actes:CodeMatiere1 actes:CodeMatiere="2"/>\n'
        '  <actes:CodeMatiere2 actes:CodeMatiere="2"/>\n'
        f"  <actes:Objet>{escape(decision.get_outcome_display())} – dossier "
        f"{escape(dossier.display_number)}</actes:Objet>\n"
        "  <actes:ClassificationDateVersion>2024-01-01</actes:ClassificationDateVersion>\n"
        f"  <actes:Document><actes:NomFichier>{escape(decision.reference)}.pdf</actes:NomFichier>"
        f"<actes:Empreinte>{decision.sha256}</actes:Empreinte></actes:Document>\n"
        "</actes:Acte>\n"
    )
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{decision.reference}-actes.xml"'
    return response
