"""Retention enforced by the timers (GDPR art. 5-1-e: kept no longer than needed).

- A draft untouched for `PERMIS_DRAFT_RETENTION_MONTHS` gets a reminder e-mail, a second one
  `PERMIS_DRAFT_REMINDER_DAYS` later, and is deleted, with its applicants and files, the same
  number of days after the second if still untouched. Touching it starts over.
- Identity-provider claims are erased `PERMIS_CLAIMS_RETENTION_DAYS` after they were received
  (each sign-in renews them); the link (`sub`) stays so the person can sign in again.
- Filed dossiers are public records (Code du patrimoine L211-4): never deleted here, withdrawn
  (désistement) or not. A withdrawn dossier keeps its number (§2) and stays in the registers;
  the cerfa as filed, birth data included, is part of the archive. Eliminating any part of a
  public archive needs the visa of the archives' control (Code du patrimoine L212-2, R212-14;
  L214-3 punishes an elimination without it), and GDPR art. 17(3)(b)(d) and art. 89 exempt
  such archives from erasure. So nothing of a withdrawn dossier is blanked by default. Where
  the commune's archives service has endorsed it (its tableau de gestion), setting
  `PERMIS_WITHDRAWN_CONTACT_RETENTION_MONTHS` blanks the applicants' telephone and e-mail —
  contact data that served only the exchanges of the instruction — that many months after the
  withdrawal; identity, birth data and postal address (those of the record) are kept.
- A draft deleted by the applicant goes at once with its files (`delete_draft`).

Every step is idempotent: running the sweep twice on one day changes nothing the second time.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, ProtectedError
from django.urls import reverse
from django.utils import timezone

from accounts.models import FederatedIdentity
from permits.models import Applicant, Dossier
from permits.models.pieces import Piece
from privacy import conf
from privacy.models import DraftReminder
from workflow.states import State

logger = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    reminders_sent: int = 0
    drafts_deleted: int = 0
    claims_erased: int = 0
    withdrawn_contacts_blanked: int = 0

    def as_dict(self) -> dict:
        """The report as the job's result and log fields."""
        return asdict(self)


def delete_draft(dossier: Dossier) -> bool:
    """Deletes a draft with its applicants, parcels and files; False if it is no longer a
    draft or something recorded on it must stay (an event, a document)."""
    files = []
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().filter(pk=dossier.pk, state=State.DRAFT)
            if not locked.exists():
                return False
            pieces = Piece.objects.filter(dossier_id=dossier.pk)
            files = [piece.file for piece in pieces]
            dossier.messages.all().delete()
            pieces.delete()
            locked.delete()
    except ProtectedError:
        logger.warning("draft kept: protected rows", extra={"dossier": dossier.pk})
        return False
    for file in files:  # after the commit: a rollback must not lose a file
        if file.name:
            file.storage.delete(file.name)
    return True


def _remind(dossier: Dossier, count: int, deletion_on: datetime.date) -> None:
    email = dossier.depositor.email if dossier.depositor else ""
    if not email:
        return
    link = reverse("permits:draft", kwargs={"pk": dossier.pk})
    body = (
        f"Votre demande en cours ({dossier.procedure_info.label}) n'a pas été modifiée depuis le "
        f"{timezone.localtime(dossier.updated_at):%d/%m/%Y}.\n\n"
        f"Sans modification de votre part, ce brouillon et les pièces jointes seront supprimés "
        f"le {deletion_on:%d/%m/%Y}, pour ne pas conserver vos données plus que nécessaire.\n"
        f"Pour le garder, ouvrez-le et enregistrez une étape : {link}\n\n"
        "— Le service urbanisme\n(Message automatique : merci de ne pas y répondre.)"
    )
    subject = f"Brouillon non modifié ({'premier' if count == 1 else 'second'} rappel)"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def sweep_drafts(now: datetime.datetime, report: RetentionReport) -> None:
    """Reminds, then deletes, the drafts idle beyond their period (two reminders first)."""
    gap = datetime.timedelta(days=conf.draft_reminder_days())
    idle_since = now - relativedelta(months=conf.draft_retention_months())
    # Touched since the first reminder: start over.
    DraftReminder.objects.filter(dossier__updated_at__gt=F("first_sent_at")).delete()
    due = (
        Dossier.objects.filter(state=State.DRAFT, updated_at__lte=idle_since)
        .select_related("depositor", "retention_reminder")
        .order_by("pk")
    )
    for dossier in due.iterator(chunk_size=500):
        reminder = getattr(dossier, "retention_reminder", None)
        if reminder is None:
            DraftReminder.objects.create(
                dossier=dossier, count=1, first_sent_at=now, last_sent_at=now
            )
            _remind(dossier, 1, (now + 2 * gap).date())
            report.reminders_sent += 1
        elif reminder.count == 1 and now >= reminder.last_sent_at + gap:
            reminder.count, reminder.last_sent_at = 2, now
            reminder.save(update_fields=["count", "last_sent_at"])
            _remind(dossier, 2, (now + gap).date())
            report.reminders_sent += 1
        elif reminder.count >= 2 and now >= reminder.last_sent_at + gap and delete_draft(dossier):
            report.drafts_deleted += 1
            logger.info("draft deleted (retention)", extra={"dossier": dossier.pk})


def sweep_claims(now: datetime.datetime, report: RetentionReport) -> None:
    """Erases identity claims unused beyond their period; the account stays."""
    limit = now - datetime.timedelta(days=conf.claims_retention_days())
    report.claims_erased += (
        FederatedIdentity.objects.filter(claims_received_at__lt=limit)
        .exclude(claims={})
        .update(claims={})
    )


def sweep_withdrawn_contacts(now: datetime.datetime, report: RetentionReport) -> None:
    """Only when the commune's archives service set a period (see the module's docstring)."""
    months = conf.withdrawn_contact_retention_months()
    if not months:
        return
    limit = now - relativedelta(months=months)
    report.withdrawn_contacts_blanked += (
        Applicant.objects.filter(
            dossier__state=State.WITHDRAWN,
            dossier__events__kind="withdraw",
            dossier__events__occurred_at__lt=limit,
        )
        .exclude(phone="", email="")
        .update(phone="", email="")
    )


def sweep(now: datetime.datetime | None = None) -> RetentionReport:
    """Every retention rule, in the daily job and `apply_retention`."""
    now = now or timezone.now()
    report = RetentionReport()
    sweep_drafts(now, report)
    sweep_claims(now, report)
    sweep_withdrawn_contacts(now, report)
    return report
