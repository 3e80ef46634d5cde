import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from privacy.models import AccessLog
from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team

pytestmark = pytest.mark.django_db


def test_agents_access_is_logged_and_shown_to_the_commune_admin(client):
    team = make_team()
    dossier = filed_dossier(team)
    url = reverse("permits:dossier_detail", kwargs={"pk": dossier.pk})

    client.force_login(team.applicant)
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.exists()  # one's own dossier is not logged

    client.force_login(team.officer)
    assert client.get(url).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.agent, entry.dossier, entry.action) == (team.officer, dossier, "view")

    admin = UserFactory(username="admin-commune")
    Membership.objects.create(user=admin, role=Role.COMMUNE_ADMIN, commune=team.commune)
    client.force_login(admin)
    log_url = reverse("privacy:access_log", kwargs={"insee_code": team.commune.insee_code})
    page = client.get(log_url).content.decode()
    assert "Nora Benali" in page and dossier.display_number in page

    other = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, role=Role.COMMUNE_ADMIN, commune=other)
    client.force_login(other_admin)
    assert client.get(log_url).status_code == 403
    client.force_login(team.officer)
    assert client.get(log_url).status_code == 403


def test_the_notice_is_linked_from_every_page(client):
    commune = CommuneFactory()
    page = client.get(reverse("permits:choose")).content.decode()
    assert reverse("privacy:notice_index") in page
    response = client.get(reverse("privacy:notice_index"), follow=True)
    text = response.content.decode()
    assert commune.name in text
    for heading in ("Responsable du traitement", "Finalités", "Base légale", "Destinataires"):
        assert heading in text
    assert "Durées de conservation" in text and "FranceConnect" in text and "Vos droits" in text
