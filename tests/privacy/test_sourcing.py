"""Sourced fields in the applicant block: stored with their source, locked where the law gives
no choice, and a reason required and kept for a lawful difference (privacy.sourcing)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import FederatedIdentity
from permits.models import Applicant
from tests.factories import ApplicantFactory, DossierFactory, UserFactory, filed_dossier, make_team
from tests.privacy.test_sirene import posted

pytestmark = pytest.mark.django_db


def looked_up_then_saved(client, url, **changes):
    form = client.post(url, posted()).context["form"]
    data = {name: form[name].value() or "" for name in form.fields} | changes
    return client.post(url, data)


def test_the_siret_completion_is_stored_as_sourced(sirene, client, draft_page):
    draft, url = draft_page
    response = looked_up_then_saved(client, url, company_name="Autre nom", legal_form="SA")
    assert response.status_code == 302
    saved = Applicant.objects.get(dossier=draft)
    # The register's name and legal form stand, whatever was posted.
    assert (saved.company_name, saved.legal_form) == ("ACME CONSTRUCTION", "SAS")
    assert saved.sourced_fields == {
        "company_name": "sirene",
        "legal_form": "sirene",
        "address": "sirene",
        "postcode": "sirene",
        "locality": "sirene",
    }
    assert saved.sourced_at is not None and saved.divergence_reasons == {}
    page = client.get(url).content.decode()
    assert 'name="company_name"' in page and "disabled" in page.split('name="company_name"')[1][:80]
    review = client.get(reverse("permits:draft_review", kwargs={"pk": draft.pk}))
    assert "répertoire des entreprises (SIRENE, INSEE)" in review.content.decode()


def test_another_correspondence_address_needs_a_reason_which_is_kept(sirene, client, draft_page):
    draft, url = draft_page
    response = looked_up_then_saved(client, url, address="BP 12, 5 rue du Port")
    assert response.status_code == 200
    assert "indiquez pourquoi" in response.content.decode()
    assert Applicant.objects.get(dossier=draft).company_name == ""

    reason = "Courrier reçu au siège social"
    response = looked_up_then_saved(
        client, url, address="BP 12, 5 rue du Port", divergence_reason=reason
    )
    assert response.status_code == 302
    saved = Applicant.objects.get(dossier=draft)
    assert saved.address == "BP 12, 5 rue du Port"
    assert saved.divergence_reasons == {"address": reason}
    review = client.get(reverse("permits:draft_review", kwargs={"pk": draft.pk})).content
    assert reason in review.decode()


def test_the_officer_sees_the_sources(client):
    team = make_team()
    dossier = filed_dossier(team)
    Applicant.objects.filter(dossier=dossier).update(
        kind="company",
        company_name="ACME CONSTRUCTION",
        siret="55210055400021",
        sourced_fields={"company_name": "sirene", "address": "sirene"},
        sourced_at=timezone.now(),
        divergence_reasons={"address": "Adresse de correspondance"},
    )
    client.force_login(team.officer)
    page = client.get(reverse("permits:instruction", kwargs={"pk": dossier.pk})).content.decode()
    assert "répertoire des entreprises (SIRENE, INSEE)" in page
    assert "Adresse de correspondance" in page


CLAIMS = {
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "preferred_username": "DUBOIS",
    "birthdate": "1962-08-24",
    "gender": "female",
    "birthplace": "",
    "birthcountry": "99100",
}


@pytest.fixture
def certified(client):
    user = UserFactory()
    FederatedIdentity.objects.create(
        user=user,
        provider="franceconnect",
        sub="x",
        claims=CLAIMS,
        claims_received_at=timezone.now(),
    )
    draft = DossierFactory(depositor=user)
    ApplicantFactory(
        dossier=draft,
        email=user.email,
        civility="madame",
        birth_name="DUBOIS",
        usage_name="DUBOIS",
        given_names="Angela Claire Louise",
        birth_date="1962-08-24",
        birth_country="France",
        birth_place="",
        birth_department="",
        certified_fields=[
            "birth_country",
            "birth_date",
            "birth_name",
            "civility",
            "given_names",
            "usage_name",
        ],
        address="1 rue de la Paix",
        postcode="91360",
        locality="Épinay-sur-Orge",
    )
    client.force_login(user)
    return draft, reverse("permits:draft_step_demandeur", kwargs={"pk": draft.pk})


def test_birth_data_are_never_editable_the_usage_name_with_a_reason(client, certified):
    draft, url = certified
    form = client.get(url).context["form"]
    for name in ("birth_name", "given_names", "birth_date", "birth_country", "civility"):
        assert form.fields[name].disabled, name
    assert not form.fields["usage_name"].disabled
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"birth_date": "1970-01-01", "given_names": "Autre", "usage_name": "MARTIN"}
    response = client.post(url, data)
    assert response.status_code == 200 and "indiquez pourquoi" in response.content.decode()
    data["divergence_reason"] = "Nom d'usage (mariage)"
    assert client.post(url, data).status_code == 302
    saved = Applicant.objects.get(dossier=draft)
    assert (saved.birth_date, saved.given_names) == ("1962-08-24", "Angela Claire Louise")
    assert saved.usage_name == "MARTIN"
    assert saved.divergence_reasons == {"usage_name": "Nom d'usage (mariage)"}
    assert saved.sourced_fields == {"usage_name": "franceconnect"}
