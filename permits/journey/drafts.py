"""The draft's task list: which sections are complete, and what is missing before filing.

The checks read the draft's applicants, parcels and pieces through `.all()` (the models'
orderings: rank, code then newest version), so a page that loads them once with
`prefetch_related(*CHECKED)` shares them between the checks and its template.
"""

from __future__ import annotations

from dataclasses import dataclass

from permits.models import Dossier
from permits.pieces import catalogue
from permits.pieces.store import current_pieces

CHECKED = ("applicants", "parcels", "pieces")  # what the checks read, for prefetch_related


@dataclass(frozen=True)
class Task:
    slug: str
    label: str
    done: bool


def main_applicant(dossier: Dossier):
    """The first applicant (rank order), the one the cerfa names and the mails address."""
    return next(iter(dossier.applicants.all()), None)


def applicant_done(dossier: Dossier) -> bool:
    """The applicant step holds what the cerfa requires to identify and reach them."""
    applicant = main_applicant(dossier)
    return bool(
        applicant
        and applicant.birth_name
        and applicant.given_names
        and applicant.address
        and applicant.email
    )


def site_done(dossier: Dossier) -> bool:
    """The site step holds an address and at least one parcel."""
    return bool(dossier.site_address and dossier.parcels.all())


def project_done(dossier: Dossier) -> bool:
    """The project step holds a description."""
    return bool(dossier.description)


def missing_pieces(dossier: Dossier) -> list[catalogue.PieceSpec]:
    """The required pieces not yet uploaded, from the catalogue and the applicant's answers."""
    have = current_pieces(dossier)
    required = catalogue.required_pieces(dossier.procedure, dossier.piece_answers)
    return [p for p in required if p.code not in have]


def tasks(dossier: Dossier) -> list[Task]:
    """The draft's task list, in the order the applicant fills it; pieces wait for the project's
    answers."""
    project = project_done(dossier)
    return [
        Task("demandeur", "Le demandeur", applicant_done(dossier)),
        Task("terrain", "Le terrain et ses parcelles", site_done(dossier)),
        Task("projet", "Le projet", project),
        Task("pieces", "Les pièces jointes", project and not missing_pieces(dossier)),
    ]


def ready_to_file(dossier: Dossier) -> bool:
    """Every task done: the filing button is offered only then."""
    return all(task.done for task in tasks(dossier))
