"""The facts a document prints, as plain frozen dataclasses.

`facts_from_dossier` is the only place that reads the ORM; everything downstream (content,
rendering) works on these values, so it is testable without a database and a retry renders the
same text. It derives what the act cites from what the dossier knows (docs/acts.md): the planning
document and the zones from the parcel check (cadastre.check), the servitudes crossed, each
consultation's answer, the majorations notified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from cadastre.planning import document_code, document_in_force
from workflow.clock.rules import MajorationReason


class _Named:
    """The name and capacity an act prints for a person (CRPA L212-1), shared by who signs and
    who issues a sealed letter."""

    given_name: str
    family_name: str
    capacity: str

    @property
    def is_mayor(self) -> bool:
        """The mayor acts in their own right; anyone else needs a delegation (CGCT L2122-18)."""
        return self.capacity.strip().lower() in {"maire", "le maire", "la maire"}

    @property
    def full_name(self) -> str:
        """The name as French administrative acts print it: family name in capitals."""
        return f"{self.given_name} {self.family_name.upper()}".strip()


@dataclass(frozen=True)
class Signatory(_Named):
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

    def __post_init__(self):
        if not self.is_mayor and not self.delegation:
            raise ValueError("a deputy signs only under a delegation (CGCT L2122-18): name it")


@dataclass(frozen=True)
class Author(_Named):
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


@dataclass(frozen=True)
class PlanningDocument:
    """The applicable rules: PLU/PLUi/POS/PSMV with approval date and changes, carte communale
    or RNU, and the zones (or carte communale sectors) the site crosses."""

    kind: str = "RNU"  # "PLU", "PLUi", "POS", "PSMV", "carte communale", "RNU"
    approved: date | None = None
    changes: tuple[str, ...] = ()  # "modification n° 2 approuvée le 12 mai 2024"
    zones: tuple[str, ...] = ()  # "UH", "N"


@dataclass(frozen=True)
class Opinion:
    """A consultation's answer as the act cites it (§3.6, §3.8).

    `opinion` is the workflow's value (workflow.models.Opinion: favourable, with_prescriptions,
    unfavourable, tacit_favourable, tacit_unfavourable; "" while pending); `on` is the date of
    the answer, or the day silence gave it (the consultation's due date) when tacit. `binding`:
    an avis conforme, the ABF's accord (L632-2 code du patrimoine), which the decision follows.
    """

    service: str
    on: date | None
    opinion: str
    prescriptions: tuple[str, ...] = ()
    binding: bool = False

    @property
    def pending(self) -> bool:
        """No opinion yet: the decision may not quote one."""
        return not self.opinion

    @property
    def tacit(self) -> bool:
        """Deemed given by silence (R423-59): the decision says so instead of quoting a text."""
        return self.opinion.startswith("tacit_")

    @property
    def refused(self) -> bool:
        """Unfavourable, expressly or tacitly: an ABF's refused accord binds (R424-3)."""
        return self.opinion in ("unfavourable", "tacit_unfavourable")


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
    # (label, article, notified on) of each majoration of the délai (R423-24 ff., R423-42).
    majorations: tuple[tuple[str, str, date], ...] = ()
    # The site lies where archaeological prescriptions may be imposed (L522-5 code du
    # patrimoine): a zone or servitude says so.
    archaeology: bool = False


def local_date(value) -> date:
    """The date in France of a stored UTC moment: legal dates are local."""
    return timezone.localtime(value).date()


def facts_from_dossier(
    dossier,
    *,
    planning: PlanningDocument | None = None,
    servitudes: tuple[str, ...] | None = None,
    opinions: tuple[Opinion, ...] | None = None,
) -> DossierFacts:
    """The keyword arguments override what is derived from the dossier (tests, previews)."""
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
    check = dossier.parcel_check or {}
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
        planning=planning or planning_of(dossier.commune.insee_code, check),
        servitudes=tuple(servitudes if servitudes is not None else servitudes_of(check)),
        opinions=tuple(opinions if opinions is not None else opinions_of(dossier)),
        majorations=majorations_of(dossier),
        archaeology=_archaeology(check),
    )


# --- what the dossier knows, in the act's words ------------------------------------------------

DOCUMENT_KINDS = {
    "PLU": "PLU",
    "PLUI": "PLUi",
    "POS": "POS",
    "PSMV": "PSMV",
    "CC": "carte communale",
}


def _document_kind(idurba: str, typedoc: str = "") -> str:
    """The act's name of the document whose CNIG code cadastre.planning reads (§5.4)."""
    return DOCUMENT_KINDS.get(document_code(idurba, typedoc), "PLU")


def _date(value) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    return date.fromisoformat(str(value)[:10])


def planning_of(insee_code: str, check: dict) -> PlanningDocument:
    """The planning document in force and the zones the site crosses, from the parcel check;
    without a crossed zone, the commune's document as imported (cadastre.Zone); none: RNU."""
    zones = [z for z in check.get("zones", []) if z.get("libelle")]
    if zones:
        first = zones[0]
        names = tuple(dict.fromkeys(z["libelle"] for z in zones))
        # The demo's drawn zoning says so on the act too (cadastre draw_demo_constraints).
        illustrative = any(z.get("illustrative") for z in zones)
        return PlanningDocument(
            kind=_document_kind(first.get("idurba", ""), first.get("typedoc", "")),
            approved=_date(first.get("approved_on")),
            changes=("zonage illustratif de démonstration",) if illustrative else (),
            zones=names,
        )
    current = document_in_force(insee_code)
    if current is None:
        return PlanningDocument()
    return PlanningDocument(
        kind=DOCUMENT_KINDS.get(current.code, "PLU"),
        approved=current.approved_on,
        changes=("zonage illustratif de démonstration",) if current.illustrative else (),
    )


def servitudes_of(check: dict) -> tuple[str, ...]:
    """One line per servitude crossed: "AC1 – Église Saint-Leu (monument historique inscrit)"."""
    lines = {}
    for s in check.get("servitudes", []):
        key = s.get("id_sup") or (s.get("category"), s.get("name"))
        text = f"{s.get('category', '')} – {s.get('name') or s.get('generator') or ''}".strip()
        details = ", ".join(filter(None, [s.get("generator_kind"), s.get("protection")]))
        if details:
            text += f" ({details.lower()})"
        lines.setdefault(key, text)
    return tuple(lines.values())


def opinions_of(dossier) -> tuple[Opinion, ...]:
    """Each consultation: answered, tacit (dated the day silence gave it) or still pending."""
    return tuple(
        Opinion(
            service=service_phrase(c.service_kind, c.service_name),
            on=c.answered_on,
            opinion=c.opinion,
            prescriptions=tuple(p for p in c.prescriptions if p),
            binding=c.binding,
        )
        for c in dossier.consultations.all()
    )


ABF_PHRASE = "l'architecte des Bâtiments de France"


def service_phrase(kind: str, name: str) -> str:
    """The consulted body as the act names it, with its article so that "de" contracts:
    "l'architecte des Bâtiments de France" (the ABF, whatever its UDAP is called), "le service
    consulté « SDIS de l'Essonne »" (a free name takes no article of its own)."""
    if kind == "abf":
        return ABF_PHRASE
    return f"le service consulté « {name} »"


def majorations_of(dossier) -> tuple[tuple[str, str, date], ...]:
    """The dossier's majorations as (label, article, date notified), quoted in the visas."""
    out = []
    for m in dossier.majorations:
        reason = MajorationReason[m["reason"]]
        out.append((reason.label, reason.article, date.fromisoformat(m["notified"])))
    return tuple(out)


def _archaeology(check: dict) -> bool:
    texts = [z.get("libelong", "") for z in check.get("zones", [])]
    texts += [f"{s.get('name', '')} {s.get('category', '')}" for s in check.get("servitudes", [])]
    return any("archéolog" in (t or "").lower() for t in texts)


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
