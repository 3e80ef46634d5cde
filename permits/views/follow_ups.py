"""The holder's follow-up forms on their permit (reference §1.1, §3.13, §3.14, §8.5): each
shows what the parent already says (holder, number, site, parcels, project) and asks only
what it does not know. Only the permit's holder account (its depositor) reaches them; anyone
else gets a 404, as for the dossier itself."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from permits import follow_ups as logic
from permits.filing import FilingError
from permits.models import Applicant, Dossier
from privacy.sirene import prefill_applicant_form  # the SIRENE connector (issue 10)
from privacy.sourcing import SourcedApplicantForm
from workflow import procedures

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocForm(forms.Form):
    opened_on = forms.DateField(label="Date d'ouverture du chantier", widget=DATE)


class DaactForm(forms.Form):
    completed_on = forms.DateField(label="Date d'achèvement des travaux", widget=DATE)
    scope = forms.ChoiceField(
        label="Les travaux achevés sont",
        choices=[
            ("total", "La totalité des travaux autorisés"),
            ("partial", "Une partie seulement des travaux autorisés"),
        ],
        widget=forms.RadioSelect,
        initial="total",
    )
    part = forms.CharField(
        label="Partie des travaux achevée",
        help_text="Seulement si une partie des travaux est achevée : décrivez laquelle.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        """A partial DAACT says which part of the works is finished (R462-1)."""
        data = super().clean()
        if data.get("scope") == "partial" and not (data.get("part") or "").strip():
            self.add_error("part", "Décrivez la partie des travaux achevée.")
        return data


class ProrogationForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je demande la prorogation d'un an de cette autorisation.",
        error_messages={"required": "Cochez cette case pour demander la prorogation."},
    )


class TransferConsentForm(forms.Form):
    holder_consent = forms.BooleanField(
        label="Titulaire actuel, j'accepte le transfert de l'autorisation au nouveau titulaire.",
        error_messages={"required": "Le transfert suppose l'accord du titulaire actuel."},
    )
    transferee_consent = forms.BooleanField(
        label="Le nouveau titulaire accepte le transfert et reprend l'autorisation telle "
        "qu'elle a été délivrée.",
        error_messages={"required": "Le transfert suppose l'accord du nouveau titulaire."},
    )


class ModificationsForm(forms.Form):
    modifications = forms.CharField(
        label="Les modifications demandées",
        help_text="Décrivez ce qui change par rapport au projet autorisé ; vous pourrez ensuite "
        "corriger le terrain, le projet et les surfaces pré-remplis.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


# slug → (procedure, may the holder ask it now?, French title)
KINDS = {
    "ouverture-chantier": ("DOC", logic.can_declare_doc),
    "achevement": ("DAACT", logic.can_declare_daact),
    "prorogation": ("PROROGATION", logic.can_ask_prorogation),
    "transfert": ("TRANSFERT", logic.can_modify_or_transfer),
    "modificatif": ("MODIFICATIF", logic.can_modify_or_transfer),
}


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, pk: int, kind: str):
    """The holder's follow-up of an autorisation (DOC, DAACT, prorogation, transfert, modificatif),
    offered only when its state allows it."""
    if kind not in KINDS:
        raise Http404("unknown follow-up")
    parent = get_object_or_404(
        Dossier.objects.select_related("commune"), pk=pk, depositor=request.user
    )
    procedure, allowed = KINDS[kind]
    if not allowed(parent):
        messages.error(
            request,
            f"{procedures.get(procedure).label} : impossible dans l'état actuel de l'autorisation.",
        )
        return redirect("permits:dossier_detail", pk=parent.pk)
    view = {
        "DOC": _doc,
        "DAACT": _daact,
        "PROROGATION": _prorogation,
        "TRANSFERT": _transfert,
        "MODIFICATIF": _modificatif,
    }[procedure]
    return view(request, parent)


def _page(request, parent, procedure, template, **context):
    info = procedures.get(procedure)
    return render(
        request,
        f"permits/follow/{template}",
        {
            "parent": parent,
            "procedure": info,
            "holders": logic.holders(parent),
            "parcels": parent.parcels.all(),
            **context,
        },
    )


def _filed(request, parent, procedure, **kwargs):
    """Files at once; a refusal is shown on the form, with nothing created."""
    try:
        child = logic.file_follow_up(parent, procedure, request.user, **kwargs)
    except FilingError as refusal:
        return None, str(refusal)
    messages.success(
        request,
        f"{child.get_procedure_display()} enregistrée sous le numéro {child.display_number}.",
    )
    return redirect("permits:dossier_detail", pk=parent.pk), None


def _refused(form, text):
    form.add_error(None, text)


def _doc(request, parent):
    form = DocForm(request.POST or None, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        opened_on = form.cleaned_data["opened_on"]
        try:
            logic.check_opening_date(parent, opened_on)
        except FilingError as refusal:
            _refused(form, str(refusal))
        else:
            done, error = _filed(
                request,
                parent,
                "DOC",
                declared={"opened_on": opened_on.isoformat()},
                description=f"Ouverture du chantier le {opened_on:%d/%m/%Y}.",
            )
            if done:
                return done
            _refused(form, error)
    return _page(request, parent, "DOC", "declare.html", form=form)


def _daact(request, parent):
    form = DaactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            logic.check_completion_date(parent, data["completed_on"])
        except FilingError as refusal:
            _refused(form, str(refusal))
        else:
            partial = data["scope"] == "partial"
            declared = {"completed_on": data["completed_on"].isoformat(), "scope": data["scope"]}
            text = f"Achèvement des travaux le {data['completed_on']:%d/%m/%Y}"
            if partial:
                declared["part"] = data["part"].strip()
                text += f", pour une partie : {declared['part']}"
            done, error = _filed(
                request, parent, "DAACT", declared=declared, description=text + "."
            )
            if done:
                return done
            _refused(form, error)
    return _page(request, parent, "DAACT", "declare.html", form=form)


def _prorogation(request, parent):
    form = ProrogationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, error = _filed(
            request, parent, "PROROGATION", description="Demande de prorogation d'un an (R424-21)."
        )
        if done:
            return done
        _refused(form, error)
    return _page(
        request,
        parent,
        "PROROGATION",
        "declare.html",
        form=form,
        limit=parent.deadline("prorogation_request_deadline"),
        validity=parent.deadline("validity_end"),
    )


def _transfert(request, parent):
    """The new holder (a person, or a company completed from its SIRET) and both consents."""
    applicant = Applicant(rank=1)  # attached to the transfert when it is filed
    if request.method == "POST" and "siret_lookup" in request.POST:
        form = prefill_applicant_form(request, applicant)
        consents = TransferConsentForm()
        return _page(request, parent, "TRANSFERT", "transfert.html", form=form, consents=consents)
    form = SourcedApplicantForm(request.POST or None, instance=applicant)
    consents = TransferConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and consents.is_valid():
        new_holder = form.save(commit=False)
        declared = {
            "holder_consent": True,
            "transferee_consent": True,
            "consented_at": timezone.now().isoformat(),
            "from": ", ".join(str(a) for a in logic.holders(parent)),
        }
        done, error = _filed(
            request,
            parent,
            "TRANSFERT",
            declared=declared,
            applicants=[new_holder],
            description=f"Transfert de l'autorisation {parent.display_number} à {new_holder}.",
        )
        if done:
            return done
        _refused(consents, error)
    return _page(request, parent, "TRANSFERT", "transfert.html", form=form, consents=consents)


def _modificatif(request, parent):
    form = ModificationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = logic.open_modificatif(
                parent, request.user, form.cleaned_data["modifications"].strip()
            )
        except FilingError as refusal:
            _refused(form, str(refusal))
        else:
            messages.success(
                request,
                "Brouillon de la demande de modification créé à partir de votre autorisation : "
                "vérifiez chaque étape, ajoutez les pièces, puis déposez.",
            )
            return redirect("permits:draft", pk=draft.pk)
    return _page(
        request,
        parent,
        "MODIFICATIF",
        "modificatif.html",
        form=form,
        floor_areas=parent.floor_areas.all(),
    )
