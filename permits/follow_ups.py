"""Follow-up procedures filed by the holder of an autorisation (reference §1.1, §8.1, §8.5):
DOC (13407), DAACT (13408), prorogation (R424-21..23), transfert (13412) and modificatif
(13411), each pre-filled from the parent ("tell us once", issue 10).

What the child declares (the opening date of a DOC, the completion facts of a DAACT, the
consents of a transfert) is kept on the child's `declared`; workflow.children reads the
dates from there to fire the parent's transition with the declared date.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from accounts.models import User
from permits.filing import FilingError, create_draft, file_dossier
from permits.forms import ProjectForm
from permits.models import Applicant, Dossier, DossierParcel, FloorArea
from workflow import children
from workflow.clock import format_fr
from workflow.errors import TransitionRefused
from workflow.outcomes import Outcome
from workflow.states import State

logger = logging.getLogger(__name__)

GRANTED = (Outcome.GRANT, Outcome.TACIT_GRANT)
SITE_FIELDS = (
    "site_address",
    "site_postcode",
    "site_locality",
    "site_area_m2",
    "parcel_check",
    "in_lotissement",
    "in_zac",
    "in_afu",
    "under_pup",
    "existing_cu_number",
)
# The project as authorised (the facts of the project form): the modificatif starts from it and
# changes what differs; it writes its own description of the change.
PROJECT_FIELDS = tuple(name for name in ProjectForm.Meta.fields if name != "description")
APPLICANT_SKIP = {"id", "dossier"}
FLOOR_AREA_SKIP = {"id", "dossier"}


def declaration(dossier: Dossier) -> dict:
    """What the holder declared on a follow-up (DOC, DAACT dates…), empty before."""
    return dossier.declared or {}


def _autorisation(dossier: Dossier) -> bool:
    """Follow-ups are filed on the autorisation itself, never on one of its children."""
    return dossier.parent_id is None and bool(dossier.number)


def can_declare_doc(parent: Dossier) -> bool:
    """R424-16: permits only (a DP has no DOC, §8.5), once the permit is executory."""
    return (
        _autorisation(parent)
        and parent.state in (State.EXECUTORY, State.DEFINITIVE)
        and parent.effective_type in ("PCMI", "PC", "PA", "PD")
    )


def can_declare_daact(parent: Dossier) -> bool:
    """R462-1: after the DOC for a permit; a DP with works has no DOC; a PD has no DAACT."""
    if parent.effective_type == "PD" or parent.is_certificate or not _autorisation(parent):
        return False
    return parent.state == State.WORKS_OPENED or (
        parent.state in (State.EXECUTORY, State.DEFINITIVE) and parent.is_declaration
    )


def can_ask_prorogation(parent: Dossier) -> bool:
    """R424-21: a prorogation is asked on a permit or declaration in force, not on one of its
    children."""
    return _autorisation(parent) and parent.state in (
        State.EXECUTORY,
        State.DEFINITIVE,
        State.TACIT_GRANTED,
    )


def can_modify_or_transfer(parent: Dossier) -> bool:
    """§8.5: while the autorisation is valid and its works unfinished (children.VALID)."""
    return _autorisation(parent) and parent.state in children.VALID and not parent.is_certificate


def check_follow_up(parent: Dossier, procedure: str, on: date | None = None) -> None:
    """The engine's guard, as a FilingError in French (shown before anything is created)."""
    try:
        children.check_can_file(parent, procedure, on or timezone.localdate())
    except TransitionRefused as refusal:
        raise FilingError(str(refusal)) from refusal


def check_opening_date(parent: Dossier, opened_on: date) -> None:
    """Cerfa 13407: the date the works began; not in the future, not before the permit could
    be carried out (executory, L424-7/L424-8), not after its validity ended (R424-17)."""
    if opened_on > timezone.localdate():
        raise FilingError("La date d'ouverture du chantier ne peut être dans le futur.")
    start = parent.executory_on or parent.tacit_on
    if start and opened_on < start:
        raise FilingError(
            f"Le chantier ne peut avoir été ouvert avant que l'autorisation soit exécutoire, "
            f"le {format_fr(start)}."
        )
    validity = parent.deadline("validity_end")
    if validity is not None and opened_on > validity.date:
        raise FilingError(
            f"L'autorisation était périmée le {format_fr(validity.date)} (R424-17) : le chantier "
            "ouvert après cette date n'est pas couvert."
        )


def check_completion_date(parent: Dossier, completed_on: date) -> None:
    """A DAACT's completion date: not in the future, not before the works could start (R462-1)."""
    if completed_on > timezone.localdate():
        raise FilingError("La date d'achèvement ne peut être dans le futur.")
    start = parent.doc_received_on or parent.executory_on or parent.tacit_on
    if start and completed_on < start:
        raise FilingError(
            f"Les travaux ne peuvent avoir été achevés avant le {format_fr(start)}, date "
            "d'ouverture du chantier ou à laquelle l'autorisation est devenue exécutoire."
        )


def _draft_from(parent: Dossier, procedure: str, user, *, with_project: bool, **fields):
    """A child draft carrying the parent's applicants, site, parcels (and their check) and,
    for a modificatif, the authorised project and its floor-area table."""
    copied = {name: getattr(parent, name) for name in SITE_FIELDS}
    if with_project:
        copied |= {name: getattr(parent, name) for name in PROJECT_FIELDS}
        copied["piece_answers"] = dict(parent.piece_answers)
    child = create_draft(
        procedure=procedure,
        commune=parent.commune,
        depositor=user,
        parent=parent,
        electronic_notification_consent=parent.electronic_notification_consent,
        **(copied | fields),
    )
    DossierParcel.objects.bulk_create(
        DossierParcel(dossier=child, idu=p.idu, area_m2=p.area_m2) for p in parent.parcels.all()
    )
    if with_project:
        FloorArea.objects.bulk_create(
            FloorArea(dossier=child, **_fields(row, FloorArea, FLOOR_AREA_SKIP))
            for row in parent.floor_areas.all()
        )
    return child


def _fields(instance, model, skip) -> dict:
    return {
        f.name: getattr(instance, f.name) for f in model._meta.concrete_fields if f.name not in skip
    }


def filed_children(parent: Dossier) -> list[Dossier]:
    """The permit's filed follow-ups, oldest first (what the dossier page lists and what
    `holders` looks for, in one query)."""
    return list(
        parent.follow_ups.exclude(state=State.DRAFT)
        .order_by("filed_at", "pk")
        .only(
            *("pk", "number", "procedure", "state", "description", "filed_at", "parent_id"),
            *("depositor_id", "commune_id", "decision_outcome", "decision_notified_on"),
        )
    )


def holders(parent: Dossier, filed: list[Dossier] | None = None) -> list[Applicant]:
    """The permit's holder(s) now: the new holder of the last granted transfert, or the
    applicants the permit was granted to (`filed`: `filed_children(parent)`, if known)."""
    if filed is None:
        filed = filed_children(parent)
    transfers = [
        c
        for c in filed
        if c.procedure == "TRANSFERT"
        and c.state == State.NOTIFIED
        and c.decision_outcome in GRANTED
    ]
    # The last notified; a missing date counts as the latest, as NULLS FIRST in a descending
    # SQL order would.
    transfer = max(
        transfers,
        key=lambda c: (c.decision_notified_on is None, c.decision_notified_on or date.min, c.pk),
        default=None,
    )
    return list((transfer or parent).applicants.order_by("rank"))


def _copy_applicants(source: list[Applicant], child: Dossier) -> None:
    Applicant.objects.bulk_create(
        Applicant(dossier=child, **_fields(a, Applicant, APPLICANT_SKIP)) for a in source
    )


@transaction.atomic
def file_follow_up(
    parent: Dossier,
    procedure: str,
    user,
    *,
    declared: dict | None = None,
    description: str = "",
    applicants: list[Applicant] | None = None,
) -> Dossier:
    """Files a DOC, DAACT, prorogation or transfert at once: the draft is created and filed in
    one transaction, so a refusal (FilingError) leaves nothing behind."""
    check_follow_up(parent, procedure)
    child = _draft_from(
        parent,
        procedure,
        user,
        with_project=False,
        description=description or parent.description,
        declared=declared or {},
    )
    if applicants is None:
        _copy_applicants(holders(parent), child)
    else:
        for rank, applicant in enumerate(applicants, start=1):
            applicant.pk, applicant.dossier, applicant.rank = None, child, rank
            applicant.save()
    return file_dossier(child.pk, actor=user)


def open_modificatif(parent: Dossier, user, modifications: str) -> Dossier:
    """The modificatif's draft (A431-7), or the one already started for this permit: the
    applicant then goes through the ordinary journey steps and files it."""
    check_follow_up(parent, "MODIFICATIF")
    existing = parent.follow_ups.filter(
        procedure="MODIFICATIF", state=State.DRAFT, depositor=user
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        child = _draft_from(
            parent, "MODIFICATIF", user, with_project=True, description=modifications
        )
        _copy_applicants(holders(parent), child)
    return child


@receiver(post_transition, sender=Dossier)
def _transfer_holder(sender, instance, name, source, target, **kwargs):
    """A granted transfert makes the transferee the holder: the account with the transferee's
    verified e-mail (if exactly one) follows the permit from now on; otherwise nobody does
    online, and the former holder no longer can (the permit is not theirs any more)."""
    if not (
        instance.procedure == "TRANSFERT"
        and target == State.NOTIFIED
        and instance.decision_outcome in GRANTED
        and instance.parent_id
    ):
        return

    transferee = instance.applicants.order_by("rank").first()
    email = transferee.email.strip() if transferee else ""
    accounts = (
        list(
            User.objects.filter(
                email__iexact=email, is_active=True, email_verified_at__isnull=False
            )[:2]
        )
        if email
        else []
    )
    account = accounts[0] if len(accounts) == 1 else None
    Dossier.objects.filter(pk=instance.parent_id).update(depositor=account)
    logger.info(
        "permit transferred",
        extra={"parent": instance.parent_id, "child": instance.pk, "bound": account is not None},
    )
