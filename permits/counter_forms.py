"""The counter's forms (issue 23); the cerfa's own fields reuse the journey's forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from permits.counter import LATE_AFTER_DAYS, check_received_on
from permits.forms import ApplicantForm
from permits.models.channels import COUNTER_CHANNELS
from workflow import procedures


class OpenRegistrationForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=None, label="Commune du terrain", empty_label=None)
    procedure = forms.ChoiceField(
        label="Formulaire reçu",
        choices=[(code, procedures.get(code).label) for code in procedures.INITIAL_CODES],
    )
    channel = forms.ChoiceField(
        label="Reçu",
        choices=[(c.value, c.label) for c in COUNTER_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label="Date de réception",
        help_text="Le jour où la mairie a reçu la demande : date du dépôt au guichet, date "
        "portée sur l'avis de réception postal, ou date de l'accusé de réception électronique. "
        "C'est la date de dépôt légale (R423-3). Format AAAA-MM-JJ.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    late_reason = forms.CharField(
        label="Motif de l'enregistrement tardif",
        help_text=f"Obligatoire si la demande a été reçue il y a plus de {LATE_AFTER_DAYS} jours.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes

    def clean(self):
        """The reception date the counter may register (R423-3): never in the future, a reason when
        late."""
        data = super().clean()
        if data.get("received_on"):
            try:
                check_received_on(
                    data["received_on"], data.get("late_reason", ""), timezone.localdate()
                )
            except ValueError as error:
                future = data["received_on"] > timezone.localdate()
                field = "received_on" if future else "late_reason"
                self.add_error(field, str(error))
        return data


class CounterApplicantForm(ApplicantForm):
    """The cerfa's applicant block; a paper applicant may give no e-mail address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].help_text = "Si elle est donnée, le récépissé y est aussi envoyé."


class ScanSplitForm(forms.Form):
    scan = forms.FileField(label="Numérisation complète (un seul PDF)")
    ranges = forms.CharField(
        label="Pièces et pages",
        help_text="Une ligne par pièce : son code puis ses pages, par exemple « PCMI1 : 1-2 ».",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RegisterDayForm(forms.Form):
    jour = forms.DateField(
        label="Jour de dépôt", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ClaimForm(forms.Form):
    code = forms.CharField(
        label="Code de suivi",
        max_length=20,
        help_text="Imprimé sur le récépissé remis par la mairie, par exemple ABCD-EFGH-JKMN.",
    )
    electronic_notification_consent = forms.BooleanField(
        label="J'accepte de recevoir désormais par voie électronique les courriers et la "
        "décision relatifs à ce dossier.",
        required=False,
    )
