import pytest
from django.urls import reverse

from permits.models import Applicant, Dossier, DossierParcel
from tests.factories import DossierFactory, UserFactory, filed_dossier, make_team

pytestmark = pytest.mark.django_db


def test_an_earlier_dossier_starts_a_new_one(client):
    team = make_team()
    earlier = filed_dossier(
        team, site_address="12 rue des Lilas", site_postcode="91360", site_area_m2=812
    )
    DossierParcel.objects.create(dossier=earlier, idu="91216000AB0012", area_m2=812)
    client.force_login(team.applicant)
    assert earlier.display_number in client.get(reverse("privacy:reuse")).content.decode()
    response = client.post(
        reverse("privacy:reuse_start", kwargs={"pk": earlier.pk}), {"procedure": "DP"}
    )
    draft = Dossier.objects.exclude(pk=earlier.pk).get(depositor=team.applicant)
    assert response.url == reverse("permits:draft", kwargs={"pk": draft.pk})
    assert (draft.procedure, draft.state, draft.number) == ("DP", "draft", None)
    assert (draft.site_address, draft.site_area_m2) == ("12 rue des Lilas", 812)
    assert list(draft.parcels.values_list("idu", "area_m2")) == [("91216000AB0012", 812)]
    copied = Applicant.objects.get(dossier=draft)
    assert (copied.birth_name, copied.given_names) == ("Martin", "Camille")
    assert draft.description == "" and not draft.pieces.exists()


def test_only_ones_own_dossier(client):
    team = make_team()
    earlier = filed_dossier(team)
    client.force_login(UserFactory())
    response = client.post(
        reverse("privacy:reuse_start", kwargs={"pk": earlier.pk}), {"procedure": "DP"}
    )
    assert response.status_code == 404
    assert Dossier.objects.count() == 1


def test_an_applicant_deletes_a_draft(client):
    draft = DossierFactory()
    url = reverse("privacy:delete_draft", kwargs={"pk": draft.pk})
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    client.force_login(draft.depositor)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Dossier.objects.filter(pk=draft.pk).exists()
