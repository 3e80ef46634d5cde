import datetime

import pytest
from django.utils import timezone

from permits.models import Applicant
from privacy.models import CompanyRecord
from privacy.sirene import CompanyNotFound, RegisterUnavailable, lookup

pytestmark = pytest.mark.django_db


def test_an_establishment_is_found_and_cached(sirene):
    company = lookup("55210055400021")
    assert company.name == "ACME CONSTRUCTION"
    assert company.legal_form == "SAS"
    assert (company.address, company.postcode, company.locality) == (
        "3 AVENUE DE LA GARE",
        "91300",
        "MASSY",
    )
    assert lookup("55210055400021") == company
    assert sirene.requests == ["55210055400021"]  # the second answer came from the cache
    assert CompanyRecord.objects.get(siret="55210055400021").name == "ACME CONSTRUCTION"


def test_the_head_office_and_a_stale_cache(sirene):
    lookup("55210055400013")
    later = timezone.now() + datetime.timedelta(days=31)
    company = lookup("55210055400013", now=later)
    assert company.locality == "EPINAY-SUR-ORGE"
    assert len(sirene.requests) == 2


def test_unknown_and_unavailable(sirene):
    with pytest.raises(CompanyNotFound):
        lookup("12345678900011")
    sirene.status = 503
    with pytest.raises(RegisterUnavailable):
        lookup("55210055400013")


def posted(**fields):
    base = {
        "kind": "company",
        "birth_name": "Martin",
        "given_names": "Camille",
        "address": "",
        "postcode": "",
        "locality": "",
        "country": "France",
        "email": "camille@example.org",
        "siret": "552 100 554 00021",
        "siret_lookup": "1",
    }
    return base | fields


def test_the_applicant_step_fills_the_company_from_its_siret(sirene, client, draft_page):
    draft, url = draft_page
    response = client.post(url, posted())
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # shown, not saved: the applicant checks and saves
    for name, value in {
        "company_name": "ACME CONSTRUCTION",
        "legal_form": "SAS",
        "address": "3 AVENUE DE LA GARE",
        "postcode": "91300",
        "locality": "MASSY",
        "siret": "55210055400021",
        "birth_name": "Martin",
    }.items():
        assert form[name].value() == value, name
    page = response.content.decode()
    assert "répertoire des entreprises (SIRENE)" in page
    assert Applicant.objects.get(dossier=draft).company_name == ""
    # Saving the shown values keeps them.
    data = {name: form[name].value() or "" for name in form.fields}
    data.pop("certified_fields", None)
    response = client.post(url, data)
    assert response.status_code == 302
    saved = Applicant.objects.get(dossier=draft)
    assert (saved.company_name, saved.legal_form, saved.locality) == (
        "ACME CONSTRUCTION",
        "SAS",
        "MASSY",
    )


def test_manual_entry_with_a_clear_message_when_the_register_is_down(sirene, client, draft_page):
    sirene.status = 500
    _, url = draft_page
    response = client.post(url, posted(company_name="Ma société"))
    assert response.status_code == 200
    assert "ne répond pas pour le moment" in response.content.decode()
    assert response.context["form"]["company_name"].value() == "Ma société"


def test_no_server_at_all(settings, client, draft_page):
    settings.PERMIS_SIRENE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.PERMIS_SIRENE_TIMEOUT = 1
    _, url = draft_page
    response = client.post(url, posted())
    assert "ne répond pas pour le moment" in response.content.decode()


def test_a_malformed_siret_is_not_sent(sirene, client, draft_page):
    _, url = draft_page
    response = client.post(url, posted(siret="123"))
    assert "14 chiffres" in response.content.decode()
    assert sirene.requests == []
