"""The draft's task list: which sections are complete, and what is missing before filing."""

from __future__ import annotations

from dataclasses import dataclass

from permits.models import Dossier
from permits.pieces import catalogue
from permits.pieces.store import current_pieces


@dataclass(frozen=True)
class Task:
    slug: str
    label: str
    done: bool


def applicant_done(dossier: Dossier) -> bool:
    applicant = dossier.applicants.order_by("rank").first()
    return bool(
        applicant
        and applicant.birth_name
        and applicant.given_names
        and applicant.address
        and applicant.email
    )


def site_done(dossier: Dossier) -> bool:
    return bool(dossier.site_address and dossier.parcels.exists())


def project_done(dossier: Dossier) -> bool:
    return bool(dossier.description)


def missing_pieces(dossier: Dossier) -> list[catalogue.PieceSpec]:
    have = current_pieces(dossier)
    required = catalogue.required_pieces(dossier.procedure, dossier.piece_answers)
    return [p for p in required if p.code not in have]


def tasks(dossier: Dossier) -> list[Task]:
    return [
        Task("demandeur", "Le demandeur", applicant_done(dossier)),
        Task("terrain", "Le terrain et ses parcelles", site_done(dossier)),
        Task("projet", "Le projet", project_done(dossier)),
        Task("pieces", "Les pièces jointes", project_done(dossier) and not missing_pieces(dossier)),
    ]


def ready_to_file(dossier: Dossier) -> bool:
    return all(task.done for task in tasks(dossier))
