"""Pieces stored through Django's default storage: the filesystem (default) and an
S3-compatible object store (django-storages), here moto's S3 server on 127.0.0.1 — a real
HTTP server speaking the S3 protocol, as MinIO or a cloud bucket would."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from permits.pieces.store import add_piece
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings, tmp_path):
    if request.param == "filesystem":
        settings.MEDIA_ROOT = str(tmp_path)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
        return request.param, None
    s3 = request.getfixturevalue("s3_server")  # tests/conftest.py
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage()}
    return request.param, s3


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_piece_is_stored_and_read_back(storage):
    kind, s3 = storage
    dossier = DossierFactory(procedure="PCMI")
    content = pdf()
    first = add_piece(dossier, "PCMI1", SimpleUploadedFile("plan.pdf", content), dossier.depositor)
    second = add_piece(dossier, "PCMI1", SimpleUploadedFile("plan.pdf", content), dossier.depositor)
    assert first.file.name != second.file.name  # a new version never overwrites the previous
    with default_storage.open(first.file.name) as stored:
        assert stored.read() == content
    if kind == "s3":
        assert type(default_storage._wrapped).__name__ == "S3Storage"
        body = s3.client().get_object(Bucket=s3.bucket, Key=first.file.name)["Body"].read()
        assert body == content
        assert "Signature=" in default_storage.url(first.file.name)  # private: a signed URL
    else:
        assert default_storage.path(first.file.name).startswith(str(default_storage.location))


def test_the_bucket_is_chosen_by_the_environment():
    """config/settings.py turns S3 on when PERMIS_S3_BUCKET is set, and only then."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS_S3_")}
    plain = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    env.update(PERMIS_S3_BUCKET="pieces", PERMIS_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    s3 = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert json.loads(plain.stdout)["BACKEND"].endswith("FileSystemStorage")
    chosen = json.loads(s3.stdout)
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "pieces"
    assert chosen["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
