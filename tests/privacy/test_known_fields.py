"""Tell us once, proved on the journey's forms: for an applicant signed in with FranceConnect,
filing for a company with a SIRET, on parcels of the real cadastre (Épinay-sur-Orge), every
value the administration already holds is shown filled and is not left to type.

Known values fall in two kinds (privacy.sourcing, reference §1.2 and §6.2):
- locked: shown as text, or as a disabled field whose posted value Django ignores;
- lawfully different (a correspondence address, a usage name, the site's area): pre-filled with
  the source's value, editable, a change explained (the reason is kept).
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from lxml import html

from accounts.identity import applicant_fields_from_claims
from accounts.models import FederatedIdentity
from cadastre.models import Parcel
from permits.models import Applicant, Dossier
from tests.factories import CommuneFactory, UserFactory
from tests.privacy.test_sirene import posted

pytestmark = pytest.mark.django_db

CLAIMS = {
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "preferred_username": "",
    "gender": "female",
    "birthdate": "1962-08-24",
    "birthplace": "75107",
    "birthcountry": "99100",
    "email": "angela@example.org",
}
# The certified identity, as the identity step maps it (accounts.identity).
PREFILL = applicant_fields_from_claims(CLAIMS)
IDENTITY = {name: PREFILL.fields[name] for name in PREFILL.certified}
COMPANY = {"company_name": "ACME CONSTRUCTION", "legal_form": "SAS"}
COMPANY_ADDRESS = {"address": "3 AVENUE DE LA GARE", "postcode": "91300", "locality": "MASSY"}
# The names a form could use to ask again what the cadastre and the GPU know.
NEVER_ASKED = ("commune", "insee", "contenance", "zone", "servitude", "plu", "rnu")


def fields(page: str) -> dict:
    """Every form control: name → (value, editable)."""
    tree = html.fromstring(page)
    found = {}
    for element in tree.xpath("//form//input | //form//select | //form//textarea"):
        name, kind = element.get("name"), (element.get("type") or "").lower()
        if not name or kind in ("hidden", "submit", "button") or name == "csrfmiddlewaretoken":
            continue
        if kind == "radio":
            if element.get("checked") is None and name in found:
                continue
            value = element.get("value") if element.get("checked") is not None else ""
        elif element.tag == "textarea":
            value = element.text or ""
        elif element.tag == "select":
            value = "".join(element.xpath(".//option[@selected]/@value"))
        else:
            value = element.get("value") or ""
        editable = element.get("disabled") is None and element.get("readonly") is None
        if name in found and not value:
            continue
        found[name] = (value.strip(), editable)
    return found


def known_text(page: str, key: str) -> list[str]:
    return [
        " ".join(e.text_content().split())
        for e in html.fromstring(page).xpath(f"//*[@data-known='{key}']")
    ]


def assert_never_asked(controls: dict):
    for name in controls:
        assert not any(word in name.lower() for word in NEVER_ASKED), name


def site_parcels() -> list[str]:
    """A parcel inside the demo's AC1 perimeter (a servitude) and a PLU zone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.idu FROM cadastre_parcel p JOIN cadastre_servitudeassiette a "
            "ON ST_Intersects(p.geom, a.geom) JOIN cadastre_zone z ON ST_Intersects(p.geom, "
            "z.geom) WHERE p.commune = '91216' AND p.contenance_m2 IS NOT NULL "
            "ORDER BY ST_Area(ST_Intersection(p.geom, a.geom)) DESC LIMIT 1"
        )
        return [cursor.fetchone()[0]]


def test_no_known_field_is_left_to_type(client, sirene, cadastre_91216):
    CommuneFactory()
    call_command("draw_demo_constraints", "91216")
    user = UserFactory(email="angela@example.org")
    FederatedIdentity.objects.create(
        user=user,
        provider="franceconnect",
        sub="fc-1",
        claims=CLAIMS,
        claims_received_at=timezone.now(),
    )
    client.force_login(user)
    assert client.post("/demarches/commencer/", {"procedure": "PCMI"}).status_code == 302
    draft = Dossier.objects.get(depositor=user)
    base = f"/dossiers/{draft.pk}/brouillon"

    # The applicant: the certified identity, locked.
    controls = fields(client.get(f"{base}/demandeur/").content.decode())
    assert {"birth_date", "birth_place", "birth_country", "given_names"} <= set(IDENTITY)
    for name, value in IDENTITY.items():
        assert controls[name] == (value, False), name
    assert controls["email"][0] == "angela@example.org"

    # A company: its SIRET is enough; name and legal form locked, address pre-filled.
    form = client.post(f"{base}/demandeur/", posted(siret="55210055400021")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    assert client.post(f"{base}/demandeur/", data).status_code == 302
    controls = fields(client.get(f"{base}/demandeur/").content.decode())
    for name, value in {**IDENTITY, **COMPANY}.items():
        assert controls[name] == (value, False), name
    for name, value in COMPANY_ADDRESS.items():  # lawfully different, with a reason
        assert controls[name] == (value, True), name
    assert controls["siret"][0] == "55210055400021"
    saved = Applicant.objects.get(dossier=draft)
    assert set(saved.sourced_fields) == {*COMPANY, *COMPANY_ADDRESS}

    # The site: the applicant names the parcels; the rest comes from the cadastre and the GPU.
    idus = site_parcels()
    response = client.post(
        f"{base}/terrain/",
        {
            "site_address": "1 rue de la Gare",
            "site_postcode": "91360",
            "site_locality": "Épinay-sur-Orge",
            "parcels": "\n".join(idus),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    page = client.get(f"{base}/terrain/").content.decode()
    controls = fields(page)
    assert_never_asked(controls)
    check = draft.parcel_check
    assert controls["site_area_m2"] == (str(round(check["area_m2"])), True)  # may differ (§1.2)
    assert known_text(page, "area") == [f"{round(check['area_m2'])} m²"]
    for idu in idus:
        contenance = Parcel.objects.get(idu=idu, retired_at=None).contenance_m2
        assert f"{idu} : {contenance} m²" in known_text(page, "contenance")
        assert draft.parcels.get(idu=idu).area_m2 == contenance
    assert known_text(page, "planning")[0].startswith("Plan local d'urbanisme (PLU)")
    assert "Épinay-sur-Orge (code INSEE 91216)" in page
    zones = known_text(page, "zone")
    assert zones and zones[0].startswith(check["zones"][0]["libelle"])
    servitudes = known_text(page, "servitude")
    assert any(s.startswith(check["servitudes"][0]["category"]) for s in servitudes)

    # The project and the pieces ask nothing the administration holds.
    for step in ("projet", "pieces"):
        assert_never_asked(fields(client.get(f"{base}/{step}/").content.decode()))

    # The review shows each source and the known site facts.
    review = client.get(f"{base}/verifier/").content.decode()
    assert "répertoire des entreprises (SIRENE, INSEE)" in review and "FranceConnect" in review
    assert known_text(review, "contenance") == known_text(page, "contenance")
