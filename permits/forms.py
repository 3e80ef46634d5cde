"""The forms of the applicant's journey. Validation messages are French and sit next to the
fields; the templates also gather them in an error summary."""

from __future__ import annotations

from django import forms

from permits.models import Applicant, Dossier, FloorArea
from permits.models.dossiers import WorksNature
from permits.pieces import catalogue
from workflow import procedures


class AdvisorForm(forms.Form):
    # The site first: what the cadastre and the planning data know is not asked (issue 16).
    parcels = forms.CharField(
        label="Références cadastrales du terrain",
        help_text="Une parcelle par ligne : section puis numéro, par exemple « AB 12 », ou "
        "l'identifiant complet (91216000AB0012). Elles figurent sur votre acte de propriété "
        "ou votre avis de taxe foncière.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    works = forms.ChoiceField(
        label="Que souhaitez-vous faire ?",
        choices=[
            *WorksNature.choices,
            ("information", "Connaître les règles applicables à un terrain"),
            ("feasibility", "Savoir si un projet précis est réalisable sur un terrain"),
        ],
        widget=forms.RadioSelect,
    )
    floor_area_m2 = forms.IntegerField(
        label="Surface de plancher ou emprise au sol créée (m²)",
        min_value=0,
        max_value=1_000_000,
        required=False,
        initial=0,
        help_text="Pour une construction ou une extension. Laissez 0 sinon.",
    )
    total_after_m2 = forms.IntegerField(
        label="Surface totale de la construction après travaux (m²)",
        min_value=0,
        max_value=1_000_000,
        required=False,
        initial=0,
        help_text="Pour une extension.",
    )
    single_house = forms.BooleanField(
        label="Il s'agit d'une maison individuelle ou de ses annexes", required=False
    )
    urban_zone = forms.BooleanField(
        label="Les travaux sont situés en zone urbaine (U) d'un plan local d'urbanisme",
        required=False,
    )
    protected_area = forms.BooleanField(
        label="Le terrain est aux abords d'un monument historique, dans un site patrimonial "
        "remarquable ou dans un site classé ou inscrit",
        required=False,
    )
    common_spaces = forms.BooleanField(
        label="La division crée des voies ou espaces communs", required=False
    )

    def __init__(self, *args, site_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if site_only:  # "Vérifier le terrain": the project's questions come next
            for field in self.fields.values():
                field.required = False


class NewDossierForm(forms.Form):
    procedure = forms.ChoiceField(
        label="Démarche",
        choices=[(code, procedures.get(code).label) for code in procedures.INITIAL_CODES],
    )
    # The questionnaire's answers, carried into the draft (tell us once); all optional.
    parcels = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)
    works = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    floor_area_m2 = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=0, max_value=1_000_000
    )
    total_after_m2 = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=0, max_value=1_000_000
    )


class ApplicantForm(forms.ModelForm):
    """The applicant block. Fields certified by FranceConnect are disabled: Django then
    ignores whatever is posted for them."""

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "civility",
            "birth_name",
            "usage_name",
            "given_names",
            "birth_date",
            "birth_place",
            "birth_department",
            "birth_country",
            "company_name",
            "siret",
            "legal_form",
            "address",
            "postcode",
            "locality",
            "country",
            "phone",
            "email",
        ]
        # Autocomplete tokens (WCAG 1.3.5): the browser offers what it knows of the person.
        widgets = {
            "kind": forms.RadioSelect,
            "civility": forms.RadioSelect,
            **{
                name: forms.TextInput(attrs={"autocomplete": token})
                for name, token in (
                    ("birth_name", "family-name"),
                    ("given_names", "given-name"),
                    ("company_name", "organization"),
                    ("address", "street-address"),
                    ("postcode", "postal-code"),
                    ("locality", "address-level2"),
                    ("country", "country-name"),
                )
            },
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {"birth_date": "Format AAAA-MM-JJ, par exemple 1980-06-24."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.instance.certified_fields:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Donnée certifiée par FranceConnect."
        for name in ("birth_name", "given_names", "address", "postcode", "locality", "email"):
            self.fields[name].required = True

    def clean(self):
        """A company applicant needs its name and SIRET, as the cerfa asks."""
        data = super().clean()
        if data.get("kind") == "company":
            for name in ("company_name", "siret"):
                if not data.get(name):
                    self.add_error(name, "Ce champ est obligatoire pour une personne morale.")
        return data


class SiteForm(forms.ModelForm):
    parcels = forms.CharField(
        label="Références cadastrales",
        help_text="Une parcelle par ligne : section puis numéro, par exemple « AB 12 », ou "
        "l'identifiant complet (91216000AB0012).",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Dossier
        fields = [
            "site_address",
            "site_postcode",
            "site_locality",
            "site_area_m2",
            "in_lotissement",
            "in_zac",
            "in_afu",
            "under_pup",
            "existing_cu_number",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("site_address", "site_postcode", "site_locality"):
            self.fields[name].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["parcels"] = "\n".join(p.idu for p in self.instance.parcels.all())


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "works_nature",
            "description",
            "floor_area_existing_m2",
            "floor_area_created_m2",
            "floor_area_removed_m2",
            "footprint_created_m2",
            "dwellings_created",
            "dwellings_individual",
            "dwellings_collective",
            "dwellings_social",
            "parking_spaces_created",
            "height_cm",
            "architect_name",
            "architect_registration",
            "architect_exempt",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.questions = catalogue.questions_for(self.instance.procedure)
        # What the site's data answer is not asked (issue 16): in the abords of a monument or
        # an SPR the insertion pieces are required whatever the visibility (R431-36 c).
        flags = set((self.instance.parcel_check or {}).get("procedure", {}).get("flags", []))
        self.known_answers = {}
        if flags & {"ABORDS_MH", "SPR"} and catalogue.VISIBLE_OR_PROTECTED in self.questions:
            self.known_answers[catalogue.VISIBLE_OR_PROTECTED] = True
            del self.questions[catalogue.VISIBLE_OR_PROTECTED]
        for key, text in self.questions.items():
            self.fields[f"q_{key}"] = forms.BooleanField(
                label=text, required=False, initial=self.instance.piece_answers.get(key, False)
            )

    def clean(self):
        """Dwellings that add up, and an architect for a permit unless exempt (R431-2)."""
        data = super().clean()
        parts = sum(data.get(f) or 0 for f in ("dwellings_individual", "dwellings_collective"))
        if parts and parts != (data.get("dwellings_created") or 0):
            self.add_error(
                "dwellings_created",
                "Le total doit être égal aux logements individuels et collectifs indiqués.",
            )
        needs_architect = self.instance.effective_type in ("PC", "PCMI", "PA")
        if needs_architect and not data.get("architect_exempt") and not data.get("architect_name"):
            self.add_error(
                "architect_name",
                "Indiquez l'architecte, ou cochez la dispense si vous y avez droit (R431-2).",
            )
        return data

    def save(self, commit=True):
        """Keeps the piece questions' answers with the project: they decide the required pieces."""
        self.instance.piece_answers = {
            k: bool(self.cleaned_data.get(f"q_{k}")) for k in self.questions
        } | self.known_answers
        return super().save(commit)


class PieceUploadForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label="Fichier (PDF, JPEG ou PNG)")


class FilingForm(forms.Form):
    # An explicit choice, nothing pre-selected: the consent to electronic notification must be
    # given, not presumed (reference §1.2, R424-10). "on" keeps a checkbox's value meaning yes.
    electronic_notification_consent = forms.ChoiceField(
        label="Comment souhaitez-vous recevoir les courriers et décisions relatifs à ce dossier ?",
        choices=[
            (
                "on",
                "Par voie électronique, y compris ceux normalement envoyés par lettre recommandée",
            ),
            ("off", "Par courrier postal"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez comment recevoir les courriers et décisions."},
    )
    certify = forms.BooleanField(
        label="J'atteste avoir qualité pour demander cette autorisation et certifie exacts "
        "les renseignements fournis.",
        error_messages={"required": "Cochez cette case pour déposer votre dossier."},
    )

    @property
    def consent(self) -> bool:
        """Whether the applicant accepts electronic notification: an explicit choice either way,
        since it decides how replies reach them."""
        return self.cleaned_data["electronic_notification_consent"] == "on"


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FloorAreaForm(forms.ModelForm):
    class Meta:
        model = FloorArea
        fields = [
            "sub_destination",
            "existing_m2",
            "created_m2",
            "created_by_change_m2",
            "removed_m2",
            "removed_by_change_m2",
        ]

    def clean(self):
        """A surface removed cannot exceed the existing one (the cerfa's floor area table)."""
        data = super().clean()
        removed = (data.get("removed_m2") or 0) + (data.get("removed_by_change_m2") or 0)
        if removed > (data.get("existing_m2") or 0):
            self.add_error(
                "removed_m2", "La surface supprimée ne peut dépasser la surface existante."
            )
        return data


FloorAreaFormSet = forms.inlineformset_factory(
    Dossier, FloorArea, form=FloorAreaForm, extra=1, max_num=23, can_delete=True
)
