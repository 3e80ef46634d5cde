"""The intercommunal portal (issue 23, §5): the site decides the commune; a site over two
communes is detected and explained, and no draft is started."""

import pytest
from django.contrib.gis.geos import MultiPolygon

from cadastre.models import Parcel
from permits import portal
from permits.models import Dossier
from tests.factories import CommuneFactory, InstructionServiceFactory, UserFactory

pytestmark = pytest.mark.django_db
VILLEMOISSON = "91667"


def two_commune_service():
    """Épinay-sur-Orge (its real cadastre) and a neighbour holding one parcel, AB 1."""
    epinay = CommuneFactory()
    neighbour = CommuneFactory(insee_code=VILLEMOISSON, name="Villemoisson-sur-Orge")
    service = InstructionServiceFactory(communes=[epinay, neighbour], name="Service commun")
    model = Parcel.objects.filter(commune="91216").order_by("idu").first()
    Parcel.objects.create(
        idu=f"{VILLEMOISSON}000AB0001", commune=VILLEMOISSON, section="AB", numero="0001",
        contenance_m2=500, geom=MultiPolygon(model.geom[0]), source="etalab",
    )  # fmt: skip
    return service, epinay, neighbour, model.idu


def test_parcels_decide_the_commune_before_the_address(cadastre_91216):
    service, epinay, neighbour, epinay_idu = two_commune_service()
    communes = service.communes.all()
    assert portal.route(communes, parcels=epinay_idu).commune == epinay
    # The address names the neighbour, the parcel is in Épinay: the cadastre wins.
    routed = portal.route(
        communes, address="1 rue du Moulin, 91360 Villemoisson-sur-Orge", parcels=epinay_idu
    )
    assert routed.commune == epinay and routed.by == "parcels"
    assert portal.route(communes, address="1 rue du Moulin 91360 VILLEMOISSON SUR ORGE").commune \
        == neighbour  # fmt: skip
    assert portal.route(communes, parcels="AB 1").commune == neighbour  # only there
    unknown = portal.route(communes, address="2 place de la Gare, 75001 Paris")
    assert unknown.commune is None and "ne permet pas de savoir" in unknown.problems[0]


def test_a_site_over_two_communes_is_explained_and_starts_nothing(cadastre_91216, client):
    service, _, _, epinay_idu = two_commune_service()
    both = f"{epinay_idu}\n{VILLEMOISSON}000AB0001"
    routing = portal.route(service.communes.all(), parcels=both)
    assert routing.straddles and routing.commune is None
    page = client.get(f"/services/{service.pk}/", {"parcels": both}).content.decode()
    assert "plusieurs communes" in page and "R423-1" in page
    assert "ne précise pas" in page  # the reference is silent: said, not guessed
    client.force_login(UserFactory())
    response = client.post(
        f"/services/{service.pk}/commencer/", {"start-parcels": both, "start-procedure": "DP"}
    )
    assert response.status_code == 302 and not Dossier.objects.exists()


def test_starting_from_the_portal_files_in_the_commune_of_the_site(cadastre_91216, client):
    service, _, neighbour, _ = two_commune_service()
    applicant = UserFactory()
    client.force_login(applicant)
    response = client.post(
        f"/services/{service.pk}/commencer/",
        {"start-parcels": f"{VILLEMOISSON}000AB0001", "start-procedure": "DP"},
    )
    draft = Dossier.objects.get()
    assert response["Location"] == f"/dossiers/{draft.pk}/brouillon/"
    assert draft.commune == neighbour and draft.depositor == applicant
    assert list(draft.parcels.values_list("idu", flat=True)) == [f"{VILLEMOISSON}000AB0001"]
