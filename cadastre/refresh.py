"""Refresh without hands: the periodic job downloads the configured sources (the Etalab
cadastre of each commune, its GPU document by partition), and imports what changed through the
same runs as the administrator's page (simulated, then applied when the simulation passes every
guard). Off unless PERMIS_CADASTRE_REFRESH_URL or PERMIS_GPU_REFRESH_URL is set (deploy.md).
A file whose SHA-256 was already applied for the commune is not imported again."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.files import File

from accounts.models import Commune
from cadastre import runs
from cadastre.idu import cadastral_codes, departement_of
from cadastre.models import ImportRun

logger = logging.getLogger(__name__)

TIMEOUT_S = 60


def sources(commune: Commune) -> list[tuple[str, str]]:
    """(kind, URL) of each configured source of `commune`: one cadastre file per cadastral
    code (Paris, Lyon and Marseille are published by arrondissement, §5.1)."""
    insee = commune.insee_code
    out: list[tuple[str, str]] = []
    if template := settings.PERMIS_CADASTRE_REFRESH_URL:
        for code in cadastral_codes(insee):
            url = template.format(insee=code, dep=departement_of(code))
            out.append((ImportRun.Kind.PARCELS, url))
    if template := settings.PERMIS_GPU_REFRESH_URL:
        url = template.format(insee=insee, dep=departement_of(insee), partition=f"DU_{insee}")
        out.append((ImportRun.Kind.URBA, url))
    return out


def refresh() -> list[ImportRun]:
    """Every configured source of every commune (or of PERMIS_REFRESH_COMMUNES)."""
    if not (settings.PERMIS_CADASTRE_REFRESH_URL or settings.PERMIS_GPU_REFRESH_URL):
        return []
    communes = Commune.objects.all()
    if settings.PERMIS_REFRESH_COMMUNES:
        communes = communes.filter(insee_code__in=settings.PERMIS_REFRESH_COMMUNES)
    done = []
    for commune in communes:
        for kind, url in sources(commune):
            run = refresh_one(commune, kind, url)
            if run is not None:
                done.append(run)
    return done


def refresh_one(commune: Commune, kind: str, url: str) -> ImportRun | None:
    """Downloads one source and imports it like an upload (simulated, then applied when the
    simulation passes); None when the download failed or the same file is already applied, so
    an unchanged source costs no import."""
    name = Path(urlsplit(url).path).name or "source"
    with tempfile.TemporaryDirectory(prefix="refresh-") as tmp:
        path = Path(tmp) / name
        try:
            digest, size = _download(url, path)
        except (requests.RequestException, ValueError) as exc:
            logger.warning("refresh download failed", extra={"url": url, "error": str(exc)})
            return None
        applied = ImportRun.objects.filter(
            commune=commune, sha256=digest, status=ImportRun.Status.APPLIED
        )
        if applied.exists():
            logger.info("refresh unchanged", extra={"url": url, "sha256": digest})
            return None
        run = ImportRun(
            commune=commune,
            kind=kind,
            file_name=name[:255],
            sha256=digest,
            size_bytes=size,
            status=ImportRun.Status.SIMULATING,
        )
        with open(path, "rb") as handle:
            run.file.save(name, File(handle), save=True)
    run = runs.execute(run.pk, apply=False)
    if run.status == ImportRun.Status.SIMULATED:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.APPLYING)
        run = runs.execute(run.pk, apply=True)
    return run


def _download(url: str, path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with requests.get(url, stream=True, timeout=TIMEOUT_S) as response:
        response.raise_for_status()
        with open(path, "wb") as out:
            for chunk in response.iter_content(1 << 20):
                size += len(chunk)
                if size > runs.MAX_UPLOAD_BYTES:
                    raise ValueError(f"{url}: more than {runs.MAX_UPLOAD_BYTES} bytes")
                digest.update(chunk)
                out.write(chunk)
    with open(path, "rb") as handle:
        runs.kind_of(path.name, handle.read(8))  # the same checks as an upload
    return digest.hexdigest(), size
