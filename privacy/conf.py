"""Settings of the privacy app, read from Django settings first (tests override them there),
else from the environment (docs/deploy.md)."""

from django.conf import settings

from core.env import env_int, env_str


def _get(name: str, reader, default):
    value = getattr(settings, name, None)
    return value if value is not None else reader(name, default)


def sirene_url() -> str:
    """The company register's API (Recherche d'entreprises by default)."""
    return _get("PERMIS_SIRENE_URL", env_str, "https://recherche-entreprises.api.gouv.fr")


def sirene_timeout_s() -> int:
    """How long the applicant form waits for the register before asking them to type the company."""
    return _get("PERMIS_SIRENE_TIMEOUT", env_int, 5)


def sirene_cache_days() -> int:
    """How long a company's register entry is reused before being read again."""
    return _get("PERMIS_SIRENE_CACHE_DAYS", env_int, 30)


def draft_retention_months() -> int:
    """Idle time after which a draft is deleted (after two reminders): no data kept longer than
    needed."""
    return _get("PERMIS_DRAFT_RETENTION_MONTHS", env_int, 6)


def draft_reminder_days() -> int:
    """Days between the first reminder, the second, and the deletion."""
    return _get("PERMIS_DRAFT_REMINDER_DAYS", env_int, 15)


def claims_retention_days() -> int:
    """How long identity claims are kept without a sign-in."""
    # The identity claims serve the pre-fill of the next dossiers; after a year without a
    # sign-in they are erased (CNIL: no longer than needed for the purpose).
    return _get("PERMIS_CLAIMS_RETENTION_DAYS", env_int, 365)


def withdrawn_contact_retention_months() -> int:
    """0 (the default): a withdrawn dossier's contact data are kept with the public record;
    set only with the archives service's endorsement (privacy.retention)."""
    return _get("PERMIS_WITHDRAWN_CONTACT_RETENTION_MONTHS", env_int, 0)
