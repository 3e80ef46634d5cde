"""The company register connector: a company applicant's name, legal form and address from its
SIRET (reference §1.2 and §6: "pre-fill from the Recherche-Entreprises / SIRENE data").

`CompanyRegister` is the interface; `RechercheEntreprises` asks the public API
(recherche-entreprises.api.gouv.fr, `GET /search?q=<SIRET>`, no key) at `PERMIS_SIRENE_URL`;
`lookup` answers from the local cache (CompanyRecord) while it is fresh, and otherwise asks
the register and keeps the answer.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass
from typing import Protocol

import requests
from django.contrib import messages
from django.utils import timezone

from privacy import conf
from privacy.models import CompanyRecord
from privacy.sourcing import SourcedApplicantForm

logger = logging.getLogger(__name__)

# INSEE's "catégories juridiques" most met among applicants; other codes are shown as such.
LEGAL_FORMS = {
    "1000": "Entrepreneur individuel",
    "5410": "SARL nationale",
    "5485": "EURL",
    "5498": "EURL",
    "5499": "SARL",
    "5599": "SA à conseil d'administration",
    "5699": "SA à directoire",
    "5710": "SAS",
    "5720": "SASU",
    "6540": "Société civile immobilière (SCI)",
    "6541": "SCI de construction-vente",
    "6599": "Société civile",
    "7210": "Commune",
    "7220": "Département",
    "7312": "Établissement public local d'enseignement",
    "9220": "Association déclarée",
}


class RegisterUnavailable(Exception):
    """The register did not answer (network, timeout, error status, unreadable answer)."""


class CompanyNotFound(Exception):
    """The register knows no establishment with this SIRET."""


@dataclass(frozen=True)
class Company:
    siret: str
    name: str
    legal_form: str
    address: str
    postcode: str
    locality: str

    def as_dict(self) -> dict:
        """The company as stored in the cache and shown with its source."""
        return asdict(self)


class CompanyRegister(Protocol):
    def find(self, siret: str) -> Company:
        """The establishment `siret`; raises CompanyNotFound or RegisterUnavailable."""


class RechercheEntreprises:
    """The public API "Recherche d'entreprises" (DINUM), a view of SIRENE."""

    def __init__(self, base_url: str, timeout_s: float = 5):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def find(self, siret: str) -> Company:
        """The establishment `siret`; RegisterUnavailable on any network or format failure, so the
        applicant types it instead."""
        try:
            response = requests.get(
                f"{self.base_url}/search",
                params={"q": siret, "page": "1", "per_page": "1"},
                timeout=self.timeout_s,
                headers={"Accept": "application/json"},
            )
            response.raise_for_status()
            results = response.json().get("results") or []
        except (requests.RequestException, ValueError, AttributeError) as error:
            raise RegisterUnavailable(str(error)) from error
        for unit in results:
            establishment = _establishment(unit, siret)
            if establishment is not None:
                return _company(unit, establishment, siret)
        raise CompanyNotFound(siret)


def _establishment(unit: dict, siret: str) -> dict | None:
    candidates = [*(unit.get("matching_etablissements") or []), unit.get("siege") or {}]
    return next((e for e in candidates if e.get("siret") == siret), None)


def _company(unit: dict, establishment: dict, siret: str) -> Company:
    street = " ".join(
        str(part)
        for part in (
            establishment.get("numero_voie"),
            establishment.get("indice_repetition"),
            establishment.get("type_voie"),
            establishment.get("libelle_voie"),
        )
        if part
    )
    code = str(unit.get("nature_juridique") or "")
    return Company(
        siret=siret,
        name=unit.get("nom_raison_sociale") or unit.get("nom_complet") or "",
        legal_form=LEGAL_FORMS.get(code, f"Catégorie juridique {code}" if code else ""),
        address=street or establishment.get("adresse") or "",
        postcode=establishment.get("code_postal") or "",
        locality=establishment.get("libelle_commune") or "",
    )


def default_register() -> CompanyRegister:
    """The configured register (PERMIS_SIRENE_URL)."""
    return RechercheEntreprises(conf.sirene_url(), conf.sirene_timeout_s())


def lookup(
    siret: str, register: CompanyRegister | None = None, *, now: datetime.datetime | None = None
) -> Company:
    """The company from the cache while fresh, else from the register (then cached)."""
    now = now or timezone.now()
    fresh_since = now - datetime.timedelta(days=conf.sirene_cache_days())
    cached = CompanyRecord.objects.filter(siret=siret, fetched_at__gte=fresh_since).first()
    if cached is not None:
        return Company(
            siret=cached.siret,
            name=cached.name,
            legal_form=cached.legal_form,
            address=cached.address,
            postcode=cached.postcode,
            locality=cached.locality,
        )
    company = (register or default_register()).find(siret)
    fields = company.as_dict()
    fields.pop("siret")
    CompanyRecord.objects.update_or_create(siret=siret, defaults={**fields, "fetched_at": now})
    logger.info("company register asked", extra={"siret": siret})
    return company


def applicant_initial(posted, siret: str) -> tuple[dict, str, bool]:
    """The applicant form's values after "Compléter depuis le SIRET": what was posted, with
    the company's fields from the register. Returns (initial, French message, found)."""
    initial = {name: posted.get(name, "") for name in posted if name != "csrfmiddlewaretoken"}
    siret = "".join(siret.split())
    if len(siret) != 14 or not siret.isdigit():
        return initial, "Le SIRET compte 14 chiffres : vérifiez-le, ou saisissez la société.", False
    try:
        company = lookup(siret)
    except CompanyNotFound:
        message = (
            "Aucun établissement ne porte ce SIRET dans le répertoire des entreprises : "
            "vérifiez-le, ou saisissez la dénomination, la forme juridique et l'adresse."
        )
        return initial, message, False
    except RegisterUnavailable:
        logger.warning("company register unavailable", extra={"siret": siret})
        message = (
            "Le répertoire des entreprises ne répond pas pour le moment : saisissez la "
            "dénomination, la forme juridique et l'adresse vous-même."
        )
        return initial, message, False
    initial.update(
        kind="company",
        siret=siret,
        company_name=company.name,
        legal_form=company.legal_form,
        address=company.address,
        postcode=company.postcode,
        locality=company.locality,
    )
    message = (
        "Dénomination, forme juridique et adresse complétées depuis le répertoire des "
        "entreprises (SIRENE, INSEE). Vérifiez-les puis enregistrez."
    )
    return initial, message, True


def prefill_applicant_form(request, applicant):
    """The applicant step's "Compléter depuis le SIRET": an unbound form showing the company's
    fields from the register, marked as sourced (privacy.sourcing: name and legal form locked,
    the address open to a reasoned difference); nothing is saved yet."""
    initial, text, found = applicant_initial(request.POST, request.POST.get("siret", ""))
    form = SourcedApplicantForm(initial=initial, instance=applicant, depositor=request.user)
    (messages.success if found else messages.warning)(request, text)
    return form
