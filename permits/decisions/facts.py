"""The facts a document prints, as plain frozen dataclasses.

`facts_from_dossier` is the only place that reads the ORM; everything downstream (content,
rendering) works on these values, so it is testable without a database and a retry renders the
same text. Facts the dossier model does not hold yet (planning document, servitudes, opinions:
cadastre and consultation issues) are passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Signatory:
    """Who signs (CRPA L212-1: first name, surname and capacity, legibly).

    `delegation` names the act by which the maire delegated signature (CGCT L2122-18); it is
    required when the signatory is not the maire (§7.1).
    """

    user_id: int
    given_name: str
    family_name: str
    capacity: str  # "Maire", "Adjointe déléguée à l'urbanisme"
    key_name: str  # selects the signatory's certificate (one per signatory)
    delegation: str = ""

    @property
    def is_mayor(self) -> bool:
        return self.capacity.strip().lower() in {"maire", "le maire", "la maire"}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}".strip()

    def __post_init__(self):
        if not self.is_mayor and not self.delegation:
            raise ValueError("a deputy signs only under a delegation (CGCT L2122-18): name it")


@dataclass(frozen=True)
class Author:
    """Who issued a letter sealed with the commune's seal rather than signed in person: the
    officer whose act it records, or the mayor for what the téléservice issues on its own
    (receipt, attestation). CRPA L212-1 and L212-2: first name, surname, capacity and service,
    legibly; the seal, not a personal signature, binds the file to the commune."""

    user_id: int
    given_name: str
    family_name: str
    capacity: str  # "Instructrice", "Maire"
    service: str = ""  # the instruction service; "" for a member of the commune (the mairie)
    delegation: str = ""  # the delegation arrêté, where the author holds one (CGCT L2122-19)

    @property
    def is_mayor(self) -> bool:
        return self.capacity.strip().lower() in {"maire", "le maire", "la maire"}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}".strip()


@dataclass(frozen=True)
class PlanningDocument:
    """The applicable rules: PLU/PLUi with approval date and changes, carte communale or RNU."""

    kind: str = "RNU"  # "PLU", "PLUi", "carte communale", "RNU"
    approved: date | None = None
    changes: tuple[str, ...] = ()  # "modification n° 2 approuvée le 12 mai 2024"
    zone: str = ""


@dataclass(frozen=True)
class Opinion:
    """An opinion received during instruction, printed in the visas (§3.8)."""

    service: str
    received: date | None  # None: tacit (silence, R423-59)
    sense: str  # "favorable", "favorable avec prescriptions", "défavorable"
    prescriptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DossierFacts:
    number: str  # display form, PC 091 216 26 00001
    procedure: str  # PCMI, DP, CUB…
    procedure_label: str
    cerfa: str
    commune_name: str
    commune_insee: str
    filed: date
    applicants: tuple[str, ...]
    applicant_address: str
    site_address: str
    parcels: tuple[str, ...]
    description: str
    floor_area_created_m2: int | None = None
    dwellings_created: int | None = None
    parent_procedure: str | None = None  # a modificatif's parent type
    pieces_requested: date | None = None
    pieces_received: date | None = None
    planning: PlanningDocument = field(default_factory=PlanningDocument)
    servitudes: tuple[str, ...] = ()
    opinions: tuple[Opinion, ...] = ()


def local_date(value) -> date:
    return timezone.localtime(value).date()


def facts_from_dossier(
    dossier,
    *,
    planning: PlanningDocument | None = None,
    servitudes: tuple[str, ...] = (),
    opinions: tuple[Opinion, ...] = (),
) -> DossierFacts:
    if not dossier.number:
        raise ValueError("a draft has no number: documents are issued on filed dossiers only")
    applicants = list(dossier.applicants.all())
    main = applicants[0] if applicants else None
    address = ""
    if main is not None:
        address = ", ".join(
            filter(None, [main.address, " ".join(filter(None, [main.postcode, main.locality]))])
        )
    site = ", ".join(
        filter(
            None,
            [
                dossier.site_address,
                " ".join(filter(None, [dossier.site_postcode, dossier.site_locality])),
            ],
        )
    )
    info = dossier.procedure_info
    parent = dossier.parent.procedure if dossier.parent_id else None
    return DossierFacts(
        number=dossier.display_number,
        procedure=info.code,
        procedure_label=info.label,
        cerfa=dossier.cerfa,
        commune_name=dossier.commune.name,
        commune_insee=dossier.commune.insee_code,
        filed=local_date(dossier.filed_at),
        applicants=tuple(str(a) for a in applicants),
        applicant_address=address,
        site_address=site,
        parcels=tuple(p.idu for p in dossier.parcels.all()),
        description=dossier.description,
        floor_area_created_m2=dossier.floor_area_created_m2,
        dwellings_created=dossier.dwellings_created,
        parent_procedure=parent,
        pieces_requested=dossier.pieces_requested_on,
        pieces_received=dossier.pieces_received_on,
        planning=planning or PlanningDocument(),
        servitudes=tuple(servitudes),
        opinions=tuple(opinions),
    )


def signatory_from_membership(membership, *, delegation: str = "") -> Signatory:
    """A signatory from an accounts.Membership of role `signatory` on the dossier's commune."""
    user = membership.user
    return Signatory(
        user_id=user.pk,
        given_name=user.first_name,
        family_name=user.last_name,
        capacity=membership.title or "Maire",
        key_name=user.username,
        delegation=delegation or getattr(membership, "delegation_reference", ""),
    )


def author_from_membership(membership) -> Author:
    """The author of a sealed letter from the accounts.Membership under which they act: on the
    instruction service serving the dossier's commune, or on the commune itself."""
    user = membership.user
    service = membership.service.name if membership.service_id else ""
    return Author(
        user_id=user.pk,
        given_name=user.first_name or user.get_username(),
        family_name=user.last_name,
        capacity=membership.title or membership.get_role_display().split(" (")[0],
        service=service,
        delegation=membership.delegation_reference,
    )
