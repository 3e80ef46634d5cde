import pytest


@pytest.fixture(autouse=True)
def _static_from_finders(settings):
    # Tests render templates without collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
