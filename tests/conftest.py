import os
from dataclasses import dataclass

import pytest

from cadastre.models import Parcel
from permits.decisions import pki
from tests.cadastre.conftest import PARCELS_91216, import_91216
from tests.decisions.conftest import PASSPHRASE, write_key

# The local services (devservices/), one process each for the whole run.
from tests.local_services import franceconnect_node, platau_server  # noqa: F401


@pytest.fixture(autouse=True)
def _static_from_finders(settings):
    # Tests render templates without collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The process's cache (locmem) outlives a test's rolled-back database: keys made of ids
    # or INSEE codes would otherwise carry one test's figures into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for the test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser_cursor(settings):
    """A cursor on the test database as the cluster's superuser (postgres), through the private
    cluster's socket: for what the application's role may not do, such as tampering."""
    import os
    from pathlib import Path

    import psycopg

    root = Path(__file__).resolve().parent.parent
    db = settings.DATABASES["default"]
    conninfo = os.environ.get(
        "PERMIS_SUPERUSER_CONNINFO",
        f"host={root / '.pgdata'} port={db['PORT'] or 5439} user=postgres",
    )
    with psycopg.connect(conninfo, dbname=db["NAME"], autocommit=True) as connection:
        yield connection.cursor()


# --- Shared real-data and PKI fixtures, defined once for the whole suite (a session fixture
# defined in two conftests would be built twice and fight over the environment). ---


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    saved = {k: os.environ.get(k) for k in ("PERMIS_PKI_DIR", "PERMIS_PKI_PASSPHRASE")}
    os.environ["PERMIS_PKI_DIR"] = str(directory)
    os.environ["PERMIS_PKI_PASSPHRASE"] = PASSPHRASE
    ca = pki.ensure_authorities(directory, PASSPHRASE.encode(), "Épinay-sur-Orge")
    for key_name, given, family, capacity in (
        ("maire", "Jean", "Durand", "Maire"),
        ("adjointe", "Claire", "Petit", "Adjointe déléguée à l'urbanisme"),
    ):
        write_key(directory, ca, key_name, given, family, capacity)
    # The commune's organisation seal: letters issued by an officer's act (CommuneFactory).
    pki.write_pkcs12_seal(
        directory,
        ca,
        PASSPHRASE.encode(),
        organisation="Commune d'Épinay-sur-Orge",
        insee_code="91216",
    )
    yield directory
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def ca(pki_dir):
    return pki.load_authority(pki_dir, "ca", PASSPHRASE.encode())


@pytest.fixture
def documents_root(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMIS_DOCUMENTS_ROOT", str(tmp_path / "documents"))
    return tmp_path / "documents"


# --- An S3-compatible object store: moto's S3 server on 127.0.0.1, a real HTTP server speaking
# the S3 protocol as MinIO or a cloud bucket would (pieces: tests/api, documents: tests/storage).


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str = "permis-test"
    region: str = "us-east-1"
    credentials: tuple[str, str] = ("test", "test")

    def client(self):
        import boto3

        key, secret = self.credentials
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )

    def storage(self, **options) -> dict:
        """A STORAGES entry on the bucket, with config/settings.py's options."""
        key, secret = self.credentials
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": self.endpoint,
                "region_name": self.region,
                "access_key": key,
                "secret_key": secret,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                **options,
            },
        }


@pytest.fixture(scope="session")
def s3_server():
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    s3 = S3Server(endpoint=f"http://127.0.0.1:{port}")
    s3.client().create_bucket(Bucket=s3.bucket)
    yield s3
    server.stop()


@pytest.fixture(scope="session")
def _session_91216(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = import_91216()
    yield report
    with django_db_blocker.unblock():
        Parcel.objects.filter(commune="91216").delete()


@pytest.fixture
def cadastre_91216(_session_91216, db):
    """The committed 91216 import; re-done inside the test if a transactional test (of any
    app) flushed the database since."""
    if Parcel.objects.filter(commune="91216").count() != PARCELS_91216:
        Parcel.objects.filter(commune="91216").delete()
        import_91216()
    return _session_91216
