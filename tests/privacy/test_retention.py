"""Time-travel tests of the retention timers: reminders, then deletion; nothing filed goes."""

import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import FederatedIdentity
from permits.models import Applicant, Dossier
from permits.models.pieces import Piece
from privacy.retention import sweep
from tests.factories import ApplicantFactory, DossierFactory, filed_dossier, make_team

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def team(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.PERMIS_DRAFT_RETENTION_MONTHS = 6
    settings.PERMIS_DRAFT_REMINDER_DAYS = 15
    return make_team()


def draft_touched_on(team, when):
    draft = DossierFactory(commune=team.commune, depositor=team.applicant)
    ApplicantFactory(dossier=draft)
    piece = Piece(
        dossier=draft,
        code="PCMI1",
        original_name="plan.pdf",
        content_type="application/pdf",
        extension="pdf",
        size_bytes=4,
        sha256="0" * 64,
        scan_status="clean",
        uploaded_by=team.applicant,
    )
    piece.file.save("plan.pdf", ContentFile(b"%PDF"), save=False)
    piece.save()
    Dossier.objects.filter(pk=draft.pk).update(updated_at=when)
    return draft, piece.file.path


def test_two_reminders_then_deletion(team):
    start = timezone.now()
    draft, path = draft_touched_on(team, start)
    filed = filed_dossier(team)
    Dossier.objects.filter(pk=filed.pk).update(updated_at=start - datetime.timedelta(days=3000))

    assert sweep(start + 150 * DAY).reminders_sent == 0  # not yet six months
    first = start + 185 * DAY
    assert sweep(first).reminders_sent == 1
    assert sweep(first + DAY).reminders_sent == 0  # idempotent
    assert len(mail.outbox) == 1 and "premier rappel" in mail.outbox[0].subject
    assert mail.outbox[0].to == [team.applicant.email]

    assert sweep(first + 15 * DAY).reminders_sent == 1
    assert "second rappel" in mail.outbox[1].subject
    assert sweep(first + 20 * DAY).drafts_deleted == 0
    report = sweep(first + 30 * DAY)
    assert report.drafts_deleted == 1
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not Applicant.objects.filter(dossier_id=draft.pk).exists()
    assert not Piece.objects.filter(dossier_id=draft.pk).exists()
    assert not __import__("os").path.exists(path)
    assert sweep(first + 31 * DAY).as_dict() == {
        "reminders_sent": 0,
        "drafts_deleted": 0,
        "claims_erased": 0,
        "withdrawn_contacts_blanked": 0,
    }
    assert Dossier.objects.filter(pk=filed.pk).exists()  # filed: a public record, kept
    assert len(mail.outbox) == 2


def test_touching_a_draft_starts_over(team):
    start = timezone.now()
    draft, _ = draft_touched_on(team, start)
    first = start + 185 * DAY
    sweep(first)
    sweep(first + 15 * DAY)
    Dossier.objects.filter(pk=draft.pk).update(updated_at=first + 16 * DAY)  # the applicant
    assert sweep(first + 30 * DAY).drafts_deleted == 0
    assert Dossier.objects.filter(pk=draft.pk).exists()
    assert not hasattr(Dossier.objects.get(pk=draft.pk), "retention_reminder")


def test_identity_claims_are_erased_after_their_period(team, settings):
    settings.PERMIS_CLAIMS_RETENTION_DAYS = 365
    now = timezone.now()
    old = FederatedIdentity.objects.create(
        user=team.applicant,
        provider="franceconnect",
        sub="a",
        claims={"given_name": "Camille"},
        claims_received_at=now - 400 * DAY,
    )
    recent = FederatedIdentity.objects.create(
        user=team.officer,
        provider="proconnect",
        sub="b",
        claims={"given_name": "Nora"},
        claims_received_at=now - 10 * DAY,
    )
    assert sweep(now).claims_erased == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.claims == {} and old.sub == "a"
    assert recent.claims == {"given_name": "Nora"}
    assert sweep(now).claims_erased == 0


def test_the_command(team, capsys):
    draft_touched_on(team, timezone.now() - 200 * DAY)
    call_command("apply_retention", "--now", timezone.now().isoformat())
    assert '"reminders_sent": 1' in capsys.readouterr().out
