"""Filing a dossier: the one operation that turns a draft into a numbered application.

The number (A423-3), the filing time and the state change are written in one transaction, so a
failure anywhere leaves the draft as it was and consumes no number (reference §2:
"generate the number inside the same DB transaction as the registration").
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Commune
from permits.journey import procedure_fit
from permits.models import Dossier, NumberSequence
from permits.numbering import DossierNumber, parse
from workflow import children, procedures
from workflow.errors import TransitionRefused
from workflow.procedures import ProcedureKind
from workflow.states import State
from workflow.transitions import fire


class FilingError(Exception):
    """A dossier that cannot be filed; the message is French, for the applicant."""


class AlreadyFiled(FilingError):
    """Filing twice (double click, retried request) is refused; the caller shows the dossier."""

    def __init__(self, dossier: Dossier):
        super().__init__(f"Ce dossier a déjà été déposé sous le numéro {dossier.display_number}.")
        self.dossier = dossier


def create_draft(
    *, procedure: str, commune: Commune, depositor=None, parent=None, **fields
) -> Dossier:
    """A new draft with the current cerfa of its procedure (kept even if the cerfa changes)."""
    info = procedures.get(procedure)
    return Dossier.objects.create(
        procedure=info.code,
        cerfa=info.cerfa_full or "",
        commune=commune,
        depositor=depositor,
        parent=parent,
        **fields,
    )


@transaction.atomic
def file_dossier(
    dossier_id: int,
    *,
    now: datetime | None = None,
    actor=None,
    electronic_notification_consent: bool | None = None,
    receipt: dict | None = None,
) -> Dossier:
    """Files the draft for `actor` (by default its depositor; an officer registers a paper
    filing; `now` is then the receipt date, R423-3), recording the applicant's consent to
    electronic notification when given; `receipt` goes to the receipt's content.
    Refusals raise FilingError, with nothing written."""
    # The row lock makes concurrent filings of the same draft wait, then see it filed. The
    # parent (follow-ups only) is read when needed: joining it doubles the query's columns.
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("commune").get(pk=dossier_id)
    )
    if dossier.state != State.DRAFT:
        raise AlreadyFiled(dossier)
    now = now or timezone.now()
    _check_fileable(dossier, timezone.localdate(now))
    dossier.number = allocate_number(dossier, now).compact
    dossier.filed_at = now
    fields = ["number", "filed_at"]
    if electronic_notification_consent is not None:
        dossier.electronic_notification_consent = electronic_notification_consent
        fields.append("electronic_notification_consent")
    dossier.save(update_fields=fields)
    try:
        # The transition writes the "submit" event and starts the timers (workflow).
        filed = fire(dossier, "submit", actor=actor or dossier.depositor)
    except TransitionRefused as refusal:
        raise FilingError(str(refusal)) from refusal
    # Loaded with the lock above and unchanged by the transition: the receipt reads them.
    filed.commune, filed.parent = dossier.commune, dossier.parent
    if filed.procedure not in ("DOC",):  # a DOC is a declaration: no receipt (R424-16)
        # deferred: receipts loads WeasyPrint and pyHanko; permits' ready() imports this module
        from permits.receipts import issue_receipt

        issue_receipt(filed, **(receipt or {}))
    return filed


def _check_fileable(dossier: Dossier, on: date) -> None:
    info = dossier.procedure_info
    if info.kind is ProcedureKind.FOLLOW_UP:
        if dossier.parent is None or not dossier.parent.number:
            raise FilingError(
                "Cette démarche se rattache à une autorisation déjà délivrée : "
                "indiquez le numéro de l'autorisation d'origine."
            )
        try:
            children.check_can_file(dossier.parent, info.code, on)
        except TransitionRefused as refusal:
            raise FilingError(str(refusal)) from refusal
    elif dossier.parent_id is not None:
        raise FilingError("Une demande initiale ne se rattache pas à une autre autorisation.")
    # The procedure against the site's and the project's facts (R421-9 to R421-17, R431-2).
    refusal = procedure_fit.filing_refusal(dossier)
    if refusal:
        raise FilingError(refusal)
    if not dossier.applicants.exists():
        raise FilingError("Indiquez au moins un demandeur avant de déposer le dossier.")
    _check_taxable_facts(dossier)


def _check_taxable_facts(dossier: Dossier) -> None:
    """Dwellings are created with floor area: the taxe d'aménagement is assessed on it
    (CGI 1635 quater A ff.) and the act states it (docs/acts.md), so a count without an
    area is an incomplete declaration."""
    if dossier.dwellings_created and not dossier.floor_area_created_m2:
        raise FilingError(
            "Vous déclarez créer des logements sans indiquer la surface de plancher créée : "
            "indiquez-la à l'étape « Le projet » avant de déposer le dossier (elle détermine "
            "la taxe d'aménagement)."
        )


def allocate_number(dossier: Dossier, now: datetime) -> DossierNumber:
    """The next number, gapless per (commune, type, year) or per (parent, follow-up kind)."""
    info = dossier.procedure_info
    if info.kind is ProcedureKind.FOLLOW_UP:
        parent_number = parse(dossier.parent.number).base
        rank = NumberSequence.next_value(f"{parent_number.compact}/{info.suffix}")
        return parent_number.with_suffix(info.suffix, rank)
    # The filing year is the French calendar year (a filing at 00:30 on 1 January in Paris
    # belongs to the new year even though it is still 31 December in UTC).
    year = timezone.localtime(now).year
    insee = dossier.commune.insee_code
    sequence = NumberSequence.next_value(f"{insee}/{info.number_prefix}/{year}")
    return DossierNumber.for_commune(info.number_prefix, insee, year, sequence)
