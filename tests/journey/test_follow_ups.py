"""The holder's follow-up procedures on their permit (issue 8 point 5, issue 10 "tell us
once"): DOC, DAACT, prorogation, transfert and modificatif, each pre-filled from the parent and
asking only what the parent does not say; numbering with the suffix; the guards' refusals in
French with nothing half-created; only the holder may file them."""

import io
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from permits.models import Dossier, DossierParcel, FloorArea
from tests.factories import UserFactory, filed_dossier, make_team
from tests.privacy.conftest import sirene  # noqa: F401 (the SIRENE fixture server)
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Facts the parent permit already states: no follow-up form may ask them again.
KNOWN = {
    "site_address",
    "site_postcode",
    "site_locality",
    "site_area_m2",
    "parcels",
    "description",
    "birth_name",
    "given_names",
    "address",
    "postcode",
    "locality",
    "email",
    "number",
    "siret",
    "company_name",
    "works_nature",
    "floor_area_created_m2",
}


class Fields(HTMLParser):
    """The names of the fields a person can fill in the page's forms."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.names.add(attrs.get("name"))


def fields(response) -> set[str]:
    assert response.status_code == 200
    parser = Fields()
    parser.feed(response.content.decode())
    return parser.names


def text(response) -> str:
    return response.content.decode()


def pdf_upload(name):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


@pytest.fixture
def team(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_team()


def granted(team, days_ago=20, **fields) -> Dossier:
    """A PCMI granted, signed, notified and transmitted `days_ago` days ago (executory then),
    with its site, a parcel and a floor-area row."""
    today = timezone.localdate()
    on = today - timedelta(days=days_ago)
    d = filed_dossier(
        team,
        on=on - timedelta(days=20),
        site_address="12 rue de la Gare",
        site_postcode="91360",
        site_locality="Épinay-sur-Orge",
        parcel_check={"area_m2": 512},
        floor_area_created_m2=120,
        **fields,
    )
    d.applicants.update(address="3 rue des Lilas", postcode="91360", locality="Épinay-sur-Orge")
    DossierParcel.objects.create(dossier=d, idu="91216000AB0026", area_m2=512)
    FloorArea.objects.create(dossier=d, sub_destination="Logement", created_m2=120)
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=datetime.combine(on, time(9), tzinfo=PARIS))
    d = fire(d, "notify_decision", actor=team.officer, on=on)
    d = fire(d, "record_prefet_ack", actor=team.officer, on=on)
    assert d.state == State.EXECUTORY and d.executory_on == on
    return d


def url(parent, kind):
    return f"/dossiers/{parent.pk}/suite/{kind}/"


def test_the_doc_asks_only_the_opening_date_and_the_parent_opens_on_that_date(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    page = client.get(url(parent, "ouverture-chantier"))
    assert fields(page) == {"opened_on"}
    # The known facts are shown, not asked.
    for fact in (parent.display_number, "Camille Martin", "12 rue de la Gare", "91216000AB0026"):
        assert fact in text(page)
    opened = timezone.localdate() - timedelta(days=5)
    response = client.post(url(parent, "ouverture-chantier"), {"opened_on": opened.isoformat()})
    assert response.status_code == 302
    parent.refresh_from_db()
    child = parent.follow_ups.get()
    assert child.display_number.endswith("D01") and child.state == State.DEPOSITED
    assert parent.state == State.WORKS_OPENED
    assert parent.doc_received_on == opened  # the declared date, not the filing date
    assert child.applicants.get().birth_name == "Martin"  # the holder, from the parent


def test_a_doc_dated_before_the_permit_was_executory_is_refused_with_nothing_created(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    before = Dossier.objects.count()
    response = client.post(
        url(parent, "ouverture-chantier"),
        {"opened_on": (parent.executory_on - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "avant que l&#x27;autorisation soit exécutoire" in text(response)
    assert Dossier.objects.count() == before
    parent.refresh_from_db()
    assert parent.state == State.EXECUTORY


def test_a_daact_for_a_granted_permit_needs_no_more_than_the_completion_facts(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    client.post(url(parent, "ouverture-chantier"), {"opened_on": parent.executory_on.isoformat()})
    page = client.get(url(parent, "achevement"))
    assert fields(page) == {"completed_on", "scope", "part"}
    assert not fields(page) & KNOWN
    completed = timezone.localdate() - timedelta(days=1)
    response = client.post(
        url(parent, "achevement"), {"completed_on": completed.isoformat(), "scope": "total"}
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.state == State.WORKS_COMPLETED
    # R462-6: the conformity window runs from the receipt of the DAACT.
    assert parent.daact_received_on == timezone.localdate()
    child = parent.follow_ups.get(procedure="DAACT")
    assert child.display_number.endswith("A01")
    assert child.declared == {
        "completed_on": completed.isoformat(),
        "scope": "total",
    }


def test_a_partial_daact_keeps_the_works_open_then_the_total_one_closes_them(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    client.post(url(parent, "ouverture-chantier"), {"opened_on": parent.executory_on.isoformat()})
    today = timezone.localdate().isoformat()
    before = Dossier.objects.count()
    refused = client.post(url(parent, "achevement"), {"completed_on": today, "scope": "partial"})
    assert "Décrivez la partie des travaux achevée." in text(refused)
    assert Dossier.objects.count() == before
    client.post(
        url(parent, "achevement"),
        {"completed_on": today, "scope": "partial", "part": "Le garage"},
    )
    parent.refresh_from_db()
    assert parent.state == State.WORKS_OPENED
    assert Event.objects.filter(dossier=parent, kind="partial_completion").exists()
    client.post(url(parent, "achevement"), {"completed_on": today, "scope": "total"})
    parent.refresh_from_db()
    assert parent.state == State.WORKS_COMPLETED
    numbers = sorted(c.display_number[-3:] for c in parent.follow_ups.all())
    assert numbers == ["A01", "A02", "D01"]


def test_the_prorogation_asks_only_a_confirmation_and_shows_the_r424_22_deadline(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    page = client.get(url(parent, "prorogation"))
    assert fields(page) == {"confirm"}
    limit = parent.deadline("prorogation_request_deadline")
    assert limit.basis == "R424-22"
    assert limit.date.strftime("%Y-%m-%d") in text(page)
    assert client.post(url(parent, "prorogation"), {"confirm": "on"}).status_code == 302
    assert parent.follow_ups.get().display_number.endswith("R01")


def test_a_third_prorogation_is_refused_in_french_with_nothing_created(client, team):
    parent = granted(team)
    Dossier.objects.filter(pk=parent.pk).update(prorogations_granted=2)
    client.force_login(team.applicant)
    before = Dossier.objects.count()
    response = client.post(url(parent, "prorogation"), {"confirm": "on"})
    assert "ne peut être prorogée que deux fois (R424-21)" in text(response)
    assert Dossier.objects.count() == before


def test_the_modificatif_is_a_draft_prefilled_from_the_permit_then_filed_as_m01(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    page = client.get(url(parent, "modificatif"))
    assert fields(page) == {"modifications"}
    response = client.post(url(parent, "modificatif"), {"modifications": "Garage agrandi."})
    draft = Dossier.objects.get(procedure="MODIFICATIF")
    assert response["Location"] == f"/dossiers/{draft.pk}/brouillon/"
    # Pre-filled: applicants, site, parcels and their check, project, floor areas.
    assert draft.parent == parent and draft.state == State.DRAFT
    assert draft.applicants.get().birth_name == "Martin"
    assert draft.site_address == "12 rue de la Gare"
    assert list(draft.parcels.values_list("idu", flat=True)) == ["91216000AB0026"]
    assert draft.parcel_check == {"area_m2": 512} and draft.floor_area_created_m2 == 120
    assert draft.floor_areas.get().created_m2 == 120
    assert draft.description == "Garage agrandi."
    # Asking again returns the same draft.
    client.post(url(parent, "modificatif"), {"modifications": "Autre chose."})
    assert Dossier.objects.filter(procedure="MODIFICATIF").count() == 1
    tasks = client.get(f"/dossiers/{draft.pk}/brouillon/")
    assert parent.display_number in text(tasks)
    # The ordinary journey: the pieces the catalogue requires (A431-7), then the review.
    for code in ("PCM1", "PCM2"):
        r = client.post(f"/dossiers/{draft.pk}/brouillon/pieces/",
                        {"code": code, "file": pdf_upload(f"{code}.pdf")})  # fmt: skip
        assert r.status_code == 302
    review = client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    assert review.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.DEPOSITED
    assert draft.display_number == f"{parent.display_number} M01"
    # The officer sees it in the worklist; the parent's page lists it.
    assert draft.display_number in text(client.get(f"/dossiers/{parent.pk}/"))
    client.force_login(team.officer)
    assert draft.display_number in text(client.get("/instruction/"))


def test_a_modificatif_cannot_be_filed_once_the_works_are_completed(client, team):
    parent = granted(team)
    client.force_login(team.applicant)
    client.post(url(parent, "modificatif"), {"modifications": "Garage agrandi."})
    draft = Dossier.objects.get(procedure="MODIFICATIF")
    for code in ("PCM1", "PCM2"):
        client.post(f"/dossiers/{draft.pk}/brouillon/pieces/",
                    {"code": code, "file": pdf_upload(f"{code}.pdf")})  # fmt: skip
    fire(parent, "open_works", actor=team.applicant)
    fire(Dossier.objects.get(pk=parent.pk), "complete_works", actor=team.applicant)
    review = client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    assert "travaux ne sont pas achevés" in text(review)  # children.check_can_file
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.number is None
    # And the dossier page no longer offers it.
    response = client.get(url(parent, "modificatif"), follow=True)
    assert "impossible dans l&#x27;état actuel" in text(response)


def transferee(**extra):
    return {
        "kind": "person",
        "civility": "monsieur",
        "birth_name": "Leroy",
        "given_names": "Paul",
        "address": "4 place de l'Église",
        "postcode": "91360",
        "locality": "Épinay-sur-Orge",
        "country": "France",
        "email": "paul.leroy@example.org",
        **extra,
    }


def grant(team, child):
    child = fire(child, "declare_complete", actor=team.officer)
    child = fire(child, "propose_decision", actor=team.officer, outcome="grant")
    child = fire(child, "send_for_signature", actor=team.officer)
    child = fire(child, "sign", actor=team.mayor)
    return fire(child, "notify_decision", actor=team.officer, on=timezone.localdate())


def test_a_transfert_names_the_new_holder_with_both_consents_and_changes_the_holder(client, team):
    parent = granted(team)
    paul = UserFactory(email="Paul.Leroy@example.org", email_verified_at=timezone.now())
    client.force_login(team.applicant)
    page = client.get(url(parent, "transfert"))
    assert not fields(page) & {"site_address", "parcels", "description", "number"}
    assert {"holder_consent", "transferee_consent"} <= fields(page)
    before = Dossier.objects.count()
    refused = client.post(url(parent, "transfert"), transferee(holder_consent="on"))
    assert "accord du nouveau titulaire" in text(refused)
    assert Dossier.objects.count() == before
    response = client.post(
        url(parent, "transfert"), transferee(holder_consent="on", transferee_consent="on")
    )
    assert response.status_code == 302
    child = parent.follow_ups.get(procedure="TRANSFERT")
    assert child.display_number == f"{parent.display_number} T01"
    assert child.applicants.get().birth_name == "Leroy"
    assert child.declared["holder_consent"] is True
    grant(team, child)  # the officer instructs and the mayor signs it
    parent.refresh_from_db()
    assert parent.depositor == paul  # the transferee's verified account follows the permit
    client.force_login(paul)
    page = text(client.get(f"/dossiers/{parent.pk}/"))
    assert "Paul Leroy" in page and "par transfert" in page
    assert client.get(url(parent, "ouverture-chantier")).status_code == 200
    client.force_login(team.applicant)  # the former holder no longer follows it
    assert client.get(f"/dossiers/{parent.pk}/").status_code == 404


def test_a_transferee_without_a_verified_account_is_not_bound(client, team):
    parent = granted(team)
    UserFactory(email="paul.leroy@example.org", email_verified_at=None)
    client.force_login(team.applicant)
    client.post(url(parent, "transfert"), transferee(holder_consent="on", transferee_consent="on"))
    grant(team, parent.follow_ups.get())
    parent.refresh_from_db()
    assert parent.depositor is None


def test_a_company_transferee_is_completed_from_its_siret(client, team, sirene):  # noqa: F811
    parent = granted(team)
    client.force_login(team.applicant)
    response = client.post(
        url(parent, "transfert"),
        transferee(kind="company", siret="55210055400021", siret_lookup="1"),
    )
    assert "ACME CONSTRUCTION" in text(response) and "MASSY" in text(response)
    assert not parent.follow_ups.exists()  # looking up saves nothing
    company = transferee(kind="company", siret="55210055400021", company_name="Autre nom",
                         address="3 AVENUE DE LA GARE", postcode="91300", locality="MASSY",
                         holder_consent="on", transferee_consent="on")  # fmt: skip
    assert client.post(url(parent, "transfert"), company).status_code == 302
    new_holder = parent.follow_ups.get().applicants.get()
    assert new_holder.company_name == "ACME CONSTRUCTION"  # the register's, not the typed one
    assert new_holder.sourced_fields["company_name"] == "sirene"


@pytest.mark.parametrize("kind", ["ouverture-chantier", "modificatif", "transfert"])
def test_nobody_else_may_file_a_follow_up_on_someone_s_permit(client, team, kind):
    parent = granted(team)
    before = Dossier.objects.count()
    for intruder in (UserFactory(), team.officer):
        client.force_login(intruder)
        assert client.get(url(parent, kind)).status_code == 404
        posted = {"opened_on": timezone.localdate().isoformat(), "modifications": "x",
                  **transferee(holder_consent="on", transferee_consent="on")}  # fmt: skip
        assert client.post(url(parent, kind), posted).status_code == 404
    assert Dossier.objects.count() == before


def test_the_dossier_page_names_the_holder_and_the_follow_ups_once_granted_only(client, team):
    undecided = filed_dossier(team)
    client.force_login(team.applicant)
    page = text(client.get(f"/dossiers/{undecided.pk}/"))
    assert "Titulaire" not in page and "Procédures rattachées" not in page  # no decision yet
    parent = granted(team)
    client.post(url(parent, "prorogation"), {"confirm": "on"})
    child = parent.follow_ups.get()
    page = text(client.get(f"/dossiers/{parent.pk}/"))
    assert "Titulaire de l'autorisation" in page and "Martin" in page
    assert "Procédures rattachées" in page and child.display_number in page
