"""Signed documents kept in S3-compatible object storage (moto's S3 server on 127.0.0.1, the
shared `s3_server` fixture): signed by the job, downloaded, verified, exported — the same code
as on the filesystem default, which the rest of the suite runs on."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import Membership
from permits.decisions.issuing import issue_decision
from permits.decisions.storage import ALIAS, open_signed
from permits.decisions.tasks import sign_document_job
from permits.decisions.verification import check_pdf
from tests.decisions.conftest import assert_pdfsig_valid, write_key
from tests.decisions.test_issuing import awaiting_signature
from tests.factories import UserFactory, make_team
from workflow.errors import NotAllowed
from workflow.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(s3_server, settings, documents_root):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storage(),
        ALIAS: s3_server.storage(location="documents"),  # as config/settings.py builds it
    }
    return s3_server


@pytest.fixture
def team(pki_dir, ca, bucket):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    return team


def keys(s3, prefix: str) -> set[str]:
    listing = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix=prefix)
    return {item["Key"] for item in listing.get("Contents", [])}


def run_job(document):
    """What the worker runs: the enqueued job, with its stored arguments."""
    job = ProcrastinateJob.objects.get(
        task_name__endswith="sign_document_job", args__document_id=document.pk
    )
    return sign_document_job(**job.args)


def test_a_decision_signed_by_the_job_is_kept_in_the_bucket_and_reaches_its_readers(
    team, bucket, documents_root, client, tmp_path
):
    assert type(storages[ALIAS]).__name__ == "S3Storage"
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    # A worker killed after writing its file, before recording it, left a stray.
    folder = f"documents/{dossier.commune.insee_code}/{dossier.number}/"
    stray = f"{folder}{document.reference}-{'0' * 16}.pdf"
    bucket.client().put_object(Bucket=bucket.bucket, Key=stray, Body=b"%PDF-stray")
    result = run_job(document)
    document.refresh_from_db()
    assert result["sha256"] == document.sha256

    # In the bucket, under documents/, byte for byte; nothing on the filesystem.
    key = f"documents/{document.storage_path}"
    body = bucket.client().get_object(Bucket=bucket.bucket, Key=key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == document.sha256
    assert not documents_root.exists()
    # The stray is gone; the job run again finds the document signed and writes nothing.
    before = keys(bucket, f"{folder}{document.reference}-")
    assert before == {key}
    assert run_job(document)["sha256"] == document.sha256
    assert keys(bucket, f"{folder}{document.reference}-") == before
    assert Event.objects.filter(dossier=dossier, kind="sign").count() == 1

    # The applicant downloads it, streamed from the bucket; its PAdES signature validates.
    url = reverse("permits:document_download", args=[dossier.pk, document.pk])
    client.force_login(team.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf == body
    report = check_pdf(pdf)
    assert report.valid, report.problems
    assert report.details["coverage"] == "ENTIRE_FILE"
    (tmp_path / "arrete.pdf").write_bytes(pdf)
    assert_pdfsig_valid(tmp_path / "arrete.pdf")

    # /verifier: the uploaded file is the commune's; the QR link re-checks the stored copy.
    verify = reverse("decisions:verify")
    html = client.post(verify, {"document": SimpleUploadedFile("a.pdf", pdf)}).content.decode()
    assert "Document valide" in html and document.reference in html
    qr = f"{verify}?dossier={dossier.number}&empreinte={document.content_sha256}"
    html = client.get(qr).content.decode()
    assert "figure au registre de la commune" in html and "non valide" not in html

    # The applicant's data export carries the same file.
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("privacy:export")).content))
    data = json.loads(archive.read("mes-donnees.json"))
    (entry,) = [d for d in data["dossiers"] if d["id"] == dossier.pk]
    (exported,) = entry["documents"]
    assert archive.read(exported["file"]) == body

    # Someone without access to the dossier gets nothing.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_file_lost_from_the_bucket_is_said_never_served_nor_reported_valid(team, bucket, client):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    run_job(document)
    document.refresh_from_db()
    bucket.client().delete_object(Bucket=bucket.bucket, Key=f"documents/{document.storage_path}")
    client.force_login(team.applicant)
    url = reverse("permits:document_download", args=[dossier.pk, document.pk])
    assert client.get(url).status_code == 404
    qr = f"?dossier={dossier.number}&empreinte={document.content_sha256}"
    html = client.get(reverse("decisions:verify") + qr).content.decode()
    assert "introuvable" in html and "non valide" in html
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("privacy:export")).content))
    assert any(name.endswith(".absent.txt") for name in archive.namelist())


def test_a_failed_event_leaves_no_object_in_the_bucket(team, bucket):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    # The mayor's mandate ends before the job runs: `sign` refuses after the file is signed.
    Membership.objects.filter(user=team.mayor).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    prefix = f"documents/{dossier.commune.insee_code}/{dossier.number}/{document.reference}-"
    before = keys(bucket, prefix)
    with pytest.raises(NotAllowed):
        run_job(document)
    assert keys(bucket, prefix) == before


def test_the_filesystem_default_reads_names_stored_before_the_storage_api(documents_root):
    """Rows written by the earlier code hold a name relative to PERMIS_DOCUMENTS_ROOT: the
    filesystem storage reads them as they are (no data migration)."""
    name = "91216/PC0912162600001/URBA2026_00001-0123456789abcdef.pdf"
    (documents_root / name).parent.mkdir(parents=True)
    (documents_root / name).write_bytes(b"%PDF-1.7 earlier")
    with open_signed(SimpleNamespace(storage_path=name)) as stored:
        assert stored.read() == b"%PDF-1.7 earlier"


def test_the_bucket_is_chosen_by_the_environment_for_documents_too(settings_from_env):
    plain = settings_from_env()["STORAGES"][ALIAS]
    assert plain["BACKEND"] == "permits.decisions.storage.DocumentFileSystemStorage"
    chosen = settings_from_env(
        PERMIS_S3_BUCKET="permis", PERMIS_S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )["STORAGES"][ALIAS]
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "permis"
    assert chosen["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert chosen["OPTIONS"]["location"] == "documents"
    assert chosen["OPTIONS"]["file_overwrite"] is False
