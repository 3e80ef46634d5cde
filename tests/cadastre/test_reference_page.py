"""The commune administrator's "Données de référence" page: roles per commune, upload checks,
the simulation then the application as the worker runs them, the history with SHA-256."""

import hashlib
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Role
from cadastre import runs
from cadastre.models import ImportRun, Parcel
from tests.cadastre.conftest import CADASTRE_91216, EDIGEO_SHEETS, rows_hash
from tests.factories import CommuneFactory, UserFactory, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def admin_of(commune):
    user = UserFactory(first_name="Alice", last_name="Admin")
    Membership.objects.create(user=user, role=Role.COMMUNE_ADMIN, commune=commune)
    return user


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_only_the_commune_administrator_reaches_the_page(client):
    team = make_team()
    url = reverse("cadastre:reference_data", args=[team.commune.insee_code])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(team.officer)
    assert client.get(url).status_code == 403
    other = CommuneFactory(insee_code="25354", name="Luxiol", population=180)
    client.force_login(admin_of(other))
    assert client.get(url).status_code == 403
    client.force_login(admin_of(team.commune))
    page = client.get(url)
    assert page.status_code == 200
    assert "Données de référence : Épinay-sur-Orge" in page.text
    assert client.get(reverse("cadastre:reference_index")).url == url


def test_a_file_of_an_unknown_format_or_disguised_is_refused_and_nothing_is_kept(client, media):
    commune = CommuneFactory()
    client.force_login(admin_of(commune))
    url = reverse("cadastre:reference_data", args=[commune.insee_code])
    page = client.post(url, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7")})
    assert page.status_code == 400 and "format non reconnu" in page.text
    disguised = SimpleUploadedFile("cadastre.json.gz", b'{"type": "FeatureCollection"}')
    page = client.post(url, {"file": disguised})
    assert "ne correspond pas à l'extension" in unescape(page.text)
    assert not ImportRun.objects.exists()


def test_upload_simulate_then_apply_an_edigeo_sheet(client, media):
    commune = CommuneFactory(insee_code="25354", name="Luxiol", population=180)
    admin = admin_of(commune)
    client.force_login(admin)
    sheet = EDIGEO_SHEETS[0]
    url = reverse("cadastre:reference_data", args=[commune.insee_code])
    response = client.post(url, {"file": upload(sheet), "millesime": "2024-01-01"})
    run = ImportRun.objects.get()
    assert response.url == reverse("cadastre:import_run", args=["25354", run.pk])
    assert (run.status, run.kind, run.created_by, run.file_name) == (
        "simulating",
        "parcels",
        admin,
        sheet.name,
    )
    assert run.sha256 == hashlib.sha256(sheet.read_bytes()).hexdigest()

    before = rows_hash()
    run = runs.execute(run.pk, apply=False)  # the worker's job
    assert run.status == "simulated" and run.simulation["inserted"] == 14
    assert rows_hash() == before
    page = client.get(response.url)
    assert "Résultat de la simulation" in unescape(page.text)
    assert "Appliquer l'import" in unescape(page.text)
    state = client.get(reverse("cadastre:import_run_state", args=["25354", run.pk])).json()
    assert state == {"status": "simulated", "label": "simulé, à confirmer", "progress": 100,
                     "running": False}  # fmt: skip

    client.post(reverse("cadastre:apply_run", args=["25354", run.pk]))
    run.refresh_from_db()
    assert run.status == "applying"
    run = runs.execute(run.pk, apply=True)
    assert run.status == "applied" and run.report["inserted"] == 14 and run.applied_at
    assert Parcel.objects.filter(commune="25354").count() == 14
    assert str(Parcel.objects.filter(commune="25354").first().millesime) == "2024-01-01"
    # Applying twice is refused.
    client.post(reverse("cadastre:apply_run", args=["25354", run.pk]))
    run.refresh_from_db()
    assert run.status == "applied"
    history = unescape(client.get(url).text)
    assert sheet.name in history and run.sha256 in history and "importé" in history
    assert "14 parcelles en vigueur, millésime du 01/01/2024" in history


def test_a_file_of_another_commune_is_refused_with_its_reason(client, media):
    commune = CommuneFactory(insee_code="25354", name="Luxiol", population=180)
    client.force_login(admin_of(commune))
    url = reverse("cadastre:reference_data", args=[commune.insee_code])
    client.post(url, {"file": upload(CADASTRE_91216)})
    run = runs.execute(ImportRun.objects.get().pk, apply=False)
    assert run.status == "refused"
    assert "commune 91216, pas de 25354" in run.message
    page = unescape(client.get(reverse("cadastre:import_run", args=["25354", run.pk])).text)
    assert "Import refusé : rien n'a été modifié" in page
    assert "Appliquer l'import" not in page


def test_a_servitude_delivery_is_not_a_communes_to_replace(client, media, tmp_path):
    import zipfile

    from tests.cadastre.conftest import AC1_2A

    archive = tmp_path / "AC1.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in (AC1_2A / "Donnees_geographiques").iterdir():
            out.write(path, path.name)
    commune = CommuneFactory()
    client.force_login(admin_of(commune))
    client.post(reverse("cadastre:reference_data", args=["91216"]), {"file": upload(archive)})
    before = rows_hash()
    run = runs.execute(ImportRun.objects.get().pk, apply=False)
    assert run.status == "refused" and "commande import_sup" in run.message
    assert rows_hash() == before


def test_a_gpu_zip_is_simulated_for_the_commune_it_covers_only(client, media, tmp_path):
    import zipfile

    from tests.cadastre.conftest import PLU_30014

    archive = tmp_path / "30014_PLU_20171013.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in PLU_30014.rglob("*"):
            if path.is_file() and "Pieces_ecrites" not in path.parts:
                out.write(path, path.relative_to(PLU_30014))
    beaucaire = CommuneFactory(insee_code="30014", name="Beaucaire", population=16000)
    client.force_login(admin_of(beaucaire))
    client.post(reverse("cadastre:reference_data", args=["30014"]), {"file": upload(archive)})
    run = runs.execute(ImportRun.objects.get().pk, apply=False)
    assert (run.kind, run.status, run.simulation["counts"]) == ("urba", "simulated", {"zones": 90})

    epinay = CommuneFactory()
    client.force_login(admin_of(epinay))
    client.post(reverse("cadastre:reference_data", args=["91216"]), {"file": upload(archive)})
    refused = runs.execute(ImportRun.objects.get(commune=epinay).pk, apply=False)
    assert refused.status == "refused"
    assert "ne couvre pas la commune 91216 (communes : 30014)" in refused.message


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_imports_transaction():
    from django.db import transaction

    commune = CommuneFactory()
    run = ImportRun.objects.create(
        commune=commune, kind="parcels", file="x.json", file_name="x.json", sha256="0" * 64,
        size_bytes=1,
    )  # fmt: skip
    with transaction.atomic():  # as during an import, which never writes the run's row
        Parcel.objects.filter(commune="99999").update(arpente=True)  # the import's work
        recorder = runs.ProgressRecorder(run.pk)
        recorder(0.42)
        recorder.close()
        # The recorder's own connection committed the progress: another connection sees it.
        seen = {}

        def read():
            seen.update(ImportRun.objects.filter(pk=run.pk).values("progress").get())

        import threading

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    assert seen == {"progress": 42}
