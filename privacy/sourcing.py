"""Tell us once, in the applicant block: which fields come from a source the administration
already holds, which of them the applicant may not change, and why a changed one differs.

Sources and what the law lets the applicant change (reference §1.2, §6.2):
- FranceConnect (`certified_fields`): civilité, birth name, given names and birth data are
  the certified identity of the person signed in: never editable. The usage name may differ:
  a person may use a nom d'usage (Code civil art. 225-1; loi 2022-301) their identity
  provider does not hold; the reason is kept.
- The company register (SIRENE, privacy.sirene): the dénomination and forme juridique are the
  company's legal identity, as registered: not editable (a wrong entry is corrected at the
  register, not on the form). The address given is the applicant's address for
  correspondence (cerfa "adresse du demandeur"), which may lawfully differ from the
  establishment's registered address: editable, with the reason kept.

The register is read here from its local cache only (CompanyRecord, filled by "Compléter depuis
le SIRET"): saving the form never waits on the network.
"""

from __future__ import annotations

from django import forms

from accounts.identity import applicant_fields_from_claims
from accounts.models import FederatedIdentity
from permits.forms import ApplicantForm
from permits.models import Applicant
from privacy.models import CompanyRecord

SIRENE = "sirene"
FRANCECONNECT = "franceconnect"
SOURCE_LABELS = {
    SIRENE: "répertoire des entreprises (SIRENE, INSEE)",
    FRANCECONNECT: "FranceConnect",
}
# Applicant field → CompanyRecord field.
REGISTER_FIELDS = {
    "company_name": "name",
    "legal_form": "legal_form",
    "address": "address",
    "postcode": "postcode",
    "locality": "locality",
}
REGISTER_LOCKED = ("company_name", "legal_form")
REGISTER_DIVERGEABLE = ("address", "postcode", "locality")
CERTIFIED_DIVERGEABLE = ("usage_name",)
DIVERGENCE_HELP = {
    "address": "Issue du répertoire des entreprises (SIRENE) : vous pouvez indiquer une autre "
    "adresse de correspondance que celle de l'établissement, en précisant pourquoi.",
    "usage_name": "Issu de FranceConnect : si vous utilisez un autre nom d'usage, indiquez-le "
    "en précisant pourquoi.",
}


def company_record(siret: str) -> CompanyRecord | None:
    """The cached register entry of a SIRET, None for a malformed one."""
    siret = "".join((siret or "").split())
    if len(siret) != 14 or not siret.isdigit():
        return None
    return CompanyRecord.objects.filter(siret=siret).first()


def certified_values(applicant, depositor) -> dict:
    """The values FranceConnect gave for this applicant's certified fields, while the
    depositor's claims are kept (privacy.retention erases them after their period)."""
    if not applicant.certified_fields or depositor is None:
        return {}
    identity = FederatedIdentity.objects.filter(
        user=depositor, provider=FederatedIdentity.Provider.FRANCECONNECT
    ).first()
    if identity is None or not identity.claims:
        return {}
    fields = applicant_fields_from_claims(identity.claims).fields
    return {name: fields.get(name, "") for name in applicant.certified_fields}


class SourcedApplicantForm(ApplicantForm):
    """The applicant form with its sourced fields shown as such, locked where the law gives
    no choice, and a reason required for any lawful difference."""

    divergence_reason = forms.CharField(
        label="Motif de l'écart avec la source",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire si vous modifiez une donnée issue de FranceConnect ou du "
        "répertoire des entreprises, par exemple « adresse de correspondance du siège ».",
    )

    def __init__(self, *args, depositor=None, **kwargs):
        super().__init__(*args, **kwargs)
        applicant = self.instance
        siret = self.data.get("siret") if self.is_bound else self.initial.get("siret")
        self.record = company_record(siret if siret is not None else applicant.siret)
        # field → (source, value at the source)
        self.sources: dict[str, tuple[str, str]] = {}
        if self.record is not None:
            for name, attribute in REGISTER_FIELDS.items():
                self.sources[name] = (SIRENE, getattr(self.record, attribute))
        for name, value in certified_values(applicant, depositor).items():
            if name in CERTIFIED_DIVERGEABLE:
                self.sources[name] = (FRANCECONNECT, value)
        for name, (_source, value) in self.sources.items():
            field = self.fields[name]
            if name in REGISTER_LOCKED:
                field.disabled = True  # Django keeps the initial value, whatever is posted
                self.initial[name] = value
                field.help_text = (
                    "Donnée issue du répertoire des entreprises (SIRENE) : elle ne se modifie "
                    "pas ici (une erreur se corrige auprès de l'INSEE)."
                )
            else:
                field.disabled = False
                field.help_text = DIVERGENCE_HELP.get(name, DIVERGENCE_HELP["address"])
        if not self.is_bound:
            self.initial["divergence_reason"] = "; ".join(
                dict.fromkeys(applicant.divergence_reasons.values())
            )
        if not any(name not in REGISTER_LOCKED for name in self.sources):
            del self.fields["divergence_reason"]

    def diverging(self) -> list[str]:
        """The fields typed differently from their certified source (FranceConnect, SIRENE): the
        reason is asked for those."""
        data = self.cleaned_data
        return [
            name
            for name, (_, value) in self.sources.items()
            if name not in REGISTER_LOCKED and (data.get(name) or "").strip() != value.strip()
        ]

    def clean(self):
        """A value changed from its official source needs a reason, kept with the applicant."""
        data = super().clean()
        if self.diverging() and not (data.get("divergence_reason") or "").strip():
            self.add_error(
                "divergence_reason",
                "Vous avez modifié une donnée issue d'une source officielle : indiquez pourquoi.",
            )
        return data

    def save(self, commit=True):
        """Records each field's source, when the register was read, and why a value diverges."""
        applicant = super().save(commit=False)
        applicant.sourced_fields = {name: source for name, (source, _) in self.sources.items()}
        applicant.sourced_at = self.record.fetched_at if self.record is not None else None
        reason = (self.cleaned_data.get("divergence_reason") or "").strip()
        applicant.divergence_reasons = {name: reason for name in self.diverging()}
        if commit:
            applicant.save()
        return applicant


def describe(applicant) -> dict:
    """For the review and instruction pages: each source, its fields (French labels), when it
    was read, and every recorded difference with its reason."""

    def label(name):
        return Applicant._meta.get_field(name).verbose_name

    rows = []
    if applicant.certified_fields:
        rows.append(
            {
                "source": SOURCE_LABELS[FRANCECONNECT],
                "fields": [label(n) for n in applicant.certified_fields],
                "at": applicant.certified_at,
            }
        )
    register = [n for n, s in applicant.sourced_fields.items() if s == SIRENE]
    if register:
        rows.append(
            {
                "source": SOURCE_LABELS[SIRENE],
                "fields": [label(n) for n in register],
                "at": applicant.sourced_at,
            }
        )
    differences = [
        {"field": label(name), "reason": reason}
        for name, reason in applicant.divergence_reasons.items()
    ]
    return {"rows": rows, "differences": differences}
