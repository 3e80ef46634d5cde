"""Time travel over withdrawn dossiers and deleted drafts: a filed dossier, withdrawn or not,
is a public record and stays whole, unless the commune's archives service set a period for
the contact data; a draft the applicant deletes goes at once with its files."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from permits.models import Applicant, Dossier
from permits.models.pieces import Piece
from privacy.retention import sweep
from tests.factories import filed_dossier, make_team
from tests.privacy.test_retention import draft_touched_on
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def team(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    return make_team()


def withdrawn(team):
    dossier = filed_dossier(team)
    Applicant.objects.filter(dossier=dossier).update(
        phone="0601020304", email="camille@example.org", birth_date="1980-06-24"
    )
    return fire(dossier, "withdraw", actor=team.applicant)


def test_a_withdrawn_dossier_is_kept_whole_by_default(team):
    dossier = withdrawn(team)
    report = sweep(timezone.now() + 20 * 365 * DAY)  # twenty years on
    assert report.withdrawn_contacts_blanked == 0 and report.drafts_deleted == 0
    applicant = Applicant.objects.get(dossier=dossier)
    assert (applicant.phone, applicant.email, applicant.birth_date) == (
        "0601020304",
        "camille@example.org",
        "1980-06-24",
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.WITHDRAWN


def test_contact_data_blanked_after_the_archives_period_only(team, settings):
    settings.PERMIS_WITHDRAWN_CONTACT_RETENTION_MONTHS = 36
    dossier = withdrawn(team)
    still_open = filed_dossier(team)
    Applicant.objects.filter(dossier=still_open).update(phone="0611111111")
    now = timezone.now()
    assert sweep(now + 35 * 30 * DAY).withdrawn_contacts_blanked == 0
    assert sweep(now + 37 * 31 * DAY).withdrawn_contacts_blanked == 1
    assert sweep(now + 38 * 31 * DAY).withdrawn_contacts_blanked == 0  # idempotent
    applicant = Applicant.objects.get(dossier=dossier)
    assert (applicant.phone, applicant.email) == ("", "")
    # The record itself stays: identity and birth data, the dossier, its number, its events.
    assert applicant.birth_name and applicant.birth_date == "1980-06-24"
    assert Dossier.objects.get(pk=dossier.pk).number
    assert dossier.events.filter(kind="withdraw").exists()
    assert Applicant.objects.get(dossier=still_open).phone == "0611111111"


def test_a_draft_deleted_by_the_applicant_goes_with_its_files(team, client):
    draft, path = draft_touched_on(team, timezone.now())
    assert Path(path).exists()
    client.force_login(team.applicant)
    response = client.post(reverse("privacy:delete_draft", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not Applicant.objects.filter(dossier_id=draft.pk).exists()
    assert not Piece.objects.filter(dossier_id=draft.pk).exists()
    assert not Path(path).exists()


def test_a_filed_dossier_cannot_be_deleted_as_a_draft(team, client):
    dossier = withdrawn(team)
    client.force_login(team.applicant)
    response = client.post(reverse("privacy:delete_draft", kwargs={"pk": dossier.pk}))
    assert response.status_code == 404
    assert Dossier.objects.filter(pk=dossier.pk).exists()
