"""Imports by the commune's administrator (the "Données de référence" page) and the periodic
refresh: a file is kept with its SHA-256, simulated (the importer's dry run) in a job, shown,
then applied in a second job. Each run is one transaction in the importer; the ImportRun row
is written outside it, so a refusal is recorded while the data stay as they were.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from cadastre.importers.errors import ImportRefused
from cadastre.importers.report import ImportReport
from cadastre.imports import recorded_import
from cadastre.models import ImportRun

if TYPE_CHECKING:
    from accounts.models import Commune, User

# The import job (cadastre.tasks, which imports this module) is deferred by its name, so that
# this module does not import it back.
RUN_IMPORT_JOB = "cadastre.tasks.run_import"
logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1 << 30  # a département's Etalab file, gzipped, is a few hundred MB
# What each kind of file must start with (magic bytes): the name alone proves nothing.
MAGIC = {".gz": b"\x1f\x8b", ".bz2": b"BZh", ".zip": b"PK\x03\x04"}


# ImportExecution's kinds are the commands' names (cadastre, plu, sup).
RECORDED_KIND: dict[str, str] = {
    ImportRun.Kind.PARCELS: "cadastre",
    ImportRun.Kind.URBA: "plu",
    ImportRun.Kind.SUP: "sup",
}


def kind_of(name: str, head: bytes) -> str:
    """The kind of data of an uploaded file, from its name and first bytes; ImportRefused with
    a French message otherwise."""
    lower = name.lower()
    if lower.endswith((".json.gz", ".geojson.gz", ".tar.bz2", ".zip")):
        expected = MAGIC[Path(lower).suffix]
        if not head.startswith(expected):
            raise ImportRefused(f"{name} : le contenu ne correspond pas à l'extension du fichier")
    elif lower.endswith((".json", ".geojson")):
        if head.lstrip()[:1] not in (b"{", b"["):
            raise ImportRefused(f"{name} : ce fichier n'est pas du JSON")
    else:
        raise ImportRefused(
            f"{name} : format non reconnu (fichier Etalab .json ou .json.gz, feuille EDIGEO "
            ".tar.bz2 ou livraison GPU .zip attendus)"
        )
    if lower.endswith(".zip"):
        return ImportRun.Kind.URBA
    return ImportRun.Kind.PARCELS


def _zip_kind(path: Path) -> str:
    """A GPU zip holds a document d'urbanisme or a servitude (`…_SERVITUDE.dbf`)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return ImportRun.Kind.URBA  # the importer names the problem
    if any("_SERVITUDE" in Path(n).stem.upper() for n in names):
        return ImportRun.Kind.SUP
    return ImportRun.Kind.URBA


class Upload(Protocol):
    """What `start` reads of the form's uploaded file, which always has a name and a size
    (django-stubs' UploadedFile allows None for both)."""

    @property
    def name(self) -> str: ...
    @property
    def size(self) -> int: ...
    def seek(self, offset: int, /) -> int: ...
    def read(self, size: int = -1, /) -> bytes: ...
    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def start(
    commune: Commune,
    user: User,
    upload: Upload,
    *,
    millesime: date | None = None,
    allow_retire: bool = False,
) -> ImportRun:
    """Keep the uploaded file with its SHA-256 and enqueue its simulation."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportRefused(f"{upload.name} : fichier de plus de {MAX_UPLOAD_BYTES >> 20} Mo")
    upload.seek(0)
    head = upload.read(8)
    kind = kind_of(upload.name, head)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    run = ImportRun(
        commune=commune,
        created_by=user,
        kind=kind,
        file_name=Path(upload.name).name[:255],
        sha256=digest.hexdigest(),
        size_bytes=upload.size,
        millesime=millesime,
        allow_retire=allow_retire,
    )
    run.file.save(run.file_name, File(cast("IO[bytes]", upload)), save=False)  # a file object
    with transaction.atomic():
        run.save()
        _enqueue(run, apply=False)
    return run


def apply(run: ImportRun) -> bool:
    """Enqueue the real import of a simulated run; False if it is not (or no longer) one."""
    with transaction.atomic():
        updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.SIMULATED).update(
            status=ImportRun.Status.APPLYING, progress=0
        )
        if updated:
            _enqueue(run, apply=True)
    return bool(updated)


def _enqueue(run: ImportRun, apply: bool) -> None:
    job = app.configure_task(RUN_IMPORT_JOB, allow_unknown=False)
    transaction.on_commit(lambda: job.defer(run_id=run.pk, apply=apply))


class ProgressRecorder:
    """Writes a run's progress from its own thread, hence its own database connection in
    autocommit: the import's transaction, still open, would hide it from the page."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.last = -1
        self.at = 0.0
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def __call__(self, share: float) -> None:
        percent = max(0, min(99, int(share * 100)))
        now = time.monotonic()
        if percent != self.last and now - self.at >= 0.5:
            self.last, self.at = percent, now
            self.queue.put(percent)

    def _write(self) -> None:
        try:
            while (percent := self.queue.get()) is not None:
                ImportRun.objects.filter(pk=self.run_id).update(progress=percent)
        finally:
            connection.close()

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()


def execute(run_id: int, apply: bool) -> ImportRun:
    """The job: simulate (dry run) or apply the run's file, and record the outcome."""
    run = ImportRun.objects.select_related("commune").get(pk=run_id)
    recorder = ProgressRecorder(run.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="import-") as tmp:
            path = Path(tmp) / run.file_name
            with run.file.open("rb") as source, open(path, "wb") as target:
                for chunk in source.chunks():
                    target.write(chunk)
            if apply:  # counted for /metrics like the commands' runs
                with recorded_import(RECORDED_KIND[run.kind]):
                    report = _import(run, path, dry_run=False, on_progress=recorder)
            else:
                report = _import(run, path, dry_run=True, on_progress=recorder)
    except ImportRefused as exc:
        run.status, run.message = ImportRun.Status.REFUSED, str(exc)
    except Exception:
        logger.exception("import failed", extra={"run": run.pk})
        run.status = ImportRun.Status.REFUSED
        run.message = "Erreur interne pendant l'import : rien n'a été modifié."
    else:
        if apply:
            run.status, run.report, run.applied_at = (
                ImportRun.Status.APPLIED,
                report,
                timezone.now(),
            )
        else:
            run.status, run.simulation = ImportRun.Status.SIMULATED, report
    finally:
        recorder.close()
    run.progress = 100
    run.save(update_fields=["status", "message", "report", "simulation", "applied_at", "progress"])
    logger.info(
        "import run", extra={"run": run.pk, "status": run.status, "apply": apply, "kind": run.kind}
    )
    return run


def _import(
    run: ImportRun, path: Path, *, dry_run: bool, on_progress: Callable[[float], None]
) -> dict[str, Any]:
    # deferred: the importers load GDAL: only a run needs them
    from cadastre.importers.parcel_files import import_parcel_files
    from cadastre.importers.urba import import_plu

    report = ImportReport()
    insee = run.commune.insee_code
    if run.kind == ImportRun.Kind.PARCELS:
        import_parcel_files(
            [path],
            report,
            millesime=run.millesime,
            commune=insee,
            allow_retire=run.allow_retire,
            dry_run=dry_run,
            on_progress=on_progress,
        )
    elif _zip_kind(path) == ImportRun.Kind.SUP:
        # A servitude delivery covers a département: one commune's administrator may not
        # replace what every other commune's checks read.
        raise ImportRefused(
            f"{run.file_name} : livraison de servitude d'utilité publique, valable pour tout "
            "un département : son import relève de l'administrateur du service "
            "(commande import_sup), pas d'une commune"
        )
    else:
        import_plu(path, report, dry_run=dry_run, commune=insee, on_progress=on_progress)
    return report.as_dict()
