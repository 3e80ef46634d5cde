"""Bulk upsert of parcels: binary COPY into a temporary table, then one set-based statement
per chunk that reprojects to Lambert-93, repairs invalid geometries and upserts by IDU.

Why not the ORM: a département holds about a million parcels (reference §5.2). Binary COPY
is the fastest way into PostgreSQL, and doing the reprojection, the validity repair and the
comparison with the stored row inside PostgreSQL keeps the Python side to decoding and
packing, so that the two halves run on two cores at once (the reader packs chunk n+1 while
the server upserts chunk n).

Semantics (issue 4): an unchanged parcel is not touched; a changed one is updated; one that
is absent from the import but lies in its scope (the communes, or EDIGEO sheets, it covers) is
retired, never deleted; a reappearing one is un-retired. The whole import is one transaction.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection

from cadastre.importers.errors import ImportRefused, one_transaction
from cadastre.importers.report import ImportReport

CHUNK_ROWS = 50_000
_STAGE = "cadastre_stage"
_SEEN = "cadastre_seen"

_COLUMNS = (
    "idu",
    "commune",
    "prefixe",
    "section",
    "numero",
    "contenance",
    "arpente",
    "created",
    "updated",
    "sheet",
    "wkb",
    "srid",
)
_STAGE_DDL = f"""
CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (
    idu text, commune text, prefixe text, section text, numero text,
    contenance integer, arpente boolean, created date, updated date, sheet text,
    wkb bytea, srid integer
);
CREATE TEMP TABLE IF NOT EXISTS {_SEEN} (idu text);
TRUNCATE {_STAGE}, {_SEEN};
"""
# The planner prices PostGIS functions so high that it JIT-compiles every chunk's statement, for
# a loss (docs/benchmarks.md); the materialised chunk needs more than 4 MB of memory.
_SESSION_SQL = "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'"

# One chunk (unique IDUs: the loader keeps the last occurrence): reproject, repair
# (ST_MakeValid, keeping polygons), upsert when something differs.
UPSERT_SQL = """
WITH checked AS MATERIALIZED (
    SELECT s.idu, s.commune, s.prefixe, s.section, s.numero, s.contenance, s.arpente,
           s.created, s.updated, s.sheet, v.valid,
           CASE WHEN v.valid THEN ST_Multi(v.g)
                ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(v.g), 3)) END AS geom
    FROM cadastre_stage s
    CROSS JOIN LATERAL (SELECT g, ST_IsValid(g) AS valid
                        FROM ST_Transform(ST_GeomFromWKB(s.wkb, s.srid), 2154) AS g) AS v
), seen AS (
    INSERT INTO cadastre_seen SELECT idu FROM cadastre_stage
), upserted AS (
    INSERT INTO cadastre_parcel AS p (
        idu, commune, prefixe, section, numero, contenance_m2, arpente, geom, source, sheet,
        millesime, source_created, source_updated, created_at, updated_at, retired_at)
    SELECT idu, commune, prefixe, section, numero, contenance, arpente, geom, %(source)s,
           coalesce(sheet, ''), %(millesime)s, created, updated, now(), now(), NULL
    FROM checked WHERE NOT ST_IsEmpty(geom)
    ON CONFLICT (idu) DO UPDATE SET
        commune = EXCLUDED.commune, prefixe = EXCLUDED.prefixe, section = EXCLUDED.section,
        numero = EXCLUDED.numero, contenance_m2 = EXCLUDED.contenance_m2,
        arpente = EXCLUDED.arpente, geom = EXCLUDED.geom, source = EXCLUDED.source,
        sheet = EXCLUDED.sheet, millesime = EXCLUDED.millesime,
        source_created = EXCLUDED.source_created, source_updated = EXCLUDED.source_updated,
        updated_at = now(), retired_at = NULL
    WHERE p.retired_at IS NOT NULL
       OR (p.commune, p.prefixe, p.section, p.numero, p.contenance_m2, p.arpente, p.sheet,
           p.source_created, p.source_updated)
          IS DISTINCT FROM
          (EXCLUDED.commune, EXCLUDED.prefixe, EXCLUDED.section, EXCLUDED.numero,
           EXCLUDED.contenance_m2, EXCLUDED.arpente, EXCLUDED.sheet,
           EXCLUDED.source_created, EXCLUDED.source_updated)
       OR NOT ST_OrderingEquals(p.geom, EXCLUDED.geom)
    RETURNING (xmax = 0) AS inserted
)
SELECT (SELECT count(*) FROM checked WHERE NOT valid AND NOT ST_IsEmpty(geom)),
       (SELECT array_agg(idu) FROM checked WHERE ST_IsEmpty(geom)),
       (SELECT count(*) FILTER (WHERE inserted) FROM upserted),
       (SELECT count(*) FILTER (WHERE NOT inserted) FROM upserted)
"""

# Retirement scans the IDU index by prefix (a commune, or a sheet's commune+préfixe+section).
RETIRE_SQL = """
UPDATE cadastre_parcel p SET retired_at = now(), updated_at = now()
FROM unnest(%(prefixes)s::text[]) AS scope(prefix)
WHERE p.idu >= scope.prefix AND p.idu < scope.prefix || '~'
  AND (cardinality(%(sheets)s::text[]) = 0 OR p.sheet = ANY(%(sheets)s::text[]))
  AND p.retired_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM cadastre_seen s WHERE s.idu = p.idu)
"""

# The communes where this transaction retired parcels, with how many and out of how many
# (retired now + still current): the guard against a file that would empty a commune.
RETIRED_SHARE_SQL = """
SELECT scope.commune, count(*) FILTER (WHERE p.retired_at = now()), count(*)
FROM unnest(%(communes)s::text[]) AS scope(commune)
JOIN cadastre_parcel p ON p.idu >= scope.commune AND p.idu < scope.commune || '~'
WHERE p.retired_at IS NULL OR p.retired_at = now()
GROUP BY scope.commune
HAVING count(*) FILTER (WHERE p.retired_at = now()) > 0
ORDER BY scope.commune
"""
# Beyond this share of a commune's parcels, retiring asks for an explicit --allow-retire:
# a millésime renumbers a few parcels, a wrong or partial file would retire most of them.
MAX_RETIRED_SHARE = 0.05

# Binary COPY encoding (PostgreSQL "COPY … FORMAT BINARY"): big-endian, length-prefixed.
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_ROW = struct.pack(">h", len(_COLUMNS))
_I32 = struct.Struct(">i").pack
_INT4 = struct.Struct(">ii").pack
_NULL = _I32(-1)
_TRUE = b"\x00\x00\x00\x01\x01"
_FALSE = b"\x00\x00\x00\x01\x00"
_PG_EPOCH = date(2000, 1, 1).toordinal()


def _text(value: str | None) -> bytes:
    if value is None:
        return _NULL
    data = value.encode()
    return _I32(len(data)) + data


@lru_cache(maxsize=8192)
def _date(value: str | None) -> bytes:
    """A date field from `YYYY-MM-DD` or `YYYYMMDD`; NULL when absent or not a date."""
    if not value:
        return _NULL
    try:
        day = (
            date.fromisoformat(value)
            if len(value) == 10
            else date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        )
    except ValueError:
        return _NULL
    return _INT4(4, day.toordinal() - _PG_EPOCH)


@dataclass(frozen=True, slots=True)
class ParcelRow:
    idu: str
    commune: str
    prefixe: str
    section: str  # padded
    numero: str  # padded
    contenance: int | None
    arpente: bool | None
    created: str | None  # ISO or YYYYMMDD
    updated: str | None
    wkb: bytes  # WKB MultiPolygon or Polygon
    srid: int
    sheet: str | None = None


def encode_row(row: ParcelRow) -> bytes:
    """The row in PostgreSQL's binary COPY format: the loader streams rows to the staging table
    without formatting text that the server would parse again."""
    contenance = _NULL if row.contenance is None else _INT4(4, row.contenance)
    arpente = _NULL if row.arpente is None else (_TRUE if row.arpente else _FALSE)
    return b"".join(
        (
            _ROW,
            _text(row.idu),
            _text(row.commune),
            _text(row.prefixe),
            _text(row.section),
            _text(row.numero),
            contenance,
            arpente,
            _date(row.created),
            _date(row.updated),
            _text(row.sheet),
            _I32(len(row.wkb)) + row.wkb,
            _INT4(4, row.srid),
        )
    )


class ParcelLoader:
    """Feed `ParcelRow`s with `add()`, then `finish()`; use inside `load()` below."""

    def __init__(
        self,
        report: ImportReport,
        source: str,
        millesime: date | None,
        communes: Collection[str] | None = None,
    ):
        self.report = report
        self.allowed = set(communes) if communes else None
        self.added = 0
        self.params = {"source": source, "millesime": millesime}
        self.buffer: dict[str, bytes] = {}  # by IDU: a repeated parcel keeps its last row
        self.communes: set[str] = set()
        self.sheets: set[str] = set()
        self._worker: threading.Thread | None = None
        self._outcome: tuple[Any, ...] | BaseException | None = None
        self._cursor = connection.cursor()
        self._cursor.execute(_SESSION_SQL)
        self._cursor.execute(_STAGE_DDL)

    def add(self, row: ParcelRow) -> None:
        if self.allowed is not None and row.commune not in self.allowed:
            raise ImportRefused(
                f"la parcelle {row.idu} est de la commune {row.commune}, pas de "
                f"{', '.join(sorted(self.allowed))} : ce fichier est celui d'une autre commune"
            )
        self.added += 1
        if row.idu in self.buffer:
            self.report.reject("duplicate_idu", row.idu)
        self.buffer[row.idu] = encode_row(row)
        self.communes.add(row.commune)
        if row.sheet:
            self.sheets.add(row.sheet)
        if len(self.buffer) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        """Copy the buffered chunk, then upsert it in a thread while the caller reads on."""
        self._wait()
        if not self.buffer:
            return
        payload = b"".join((_HEADER, *self.buffer.values(), _TRAILER))
        self.buffer = {}
        cursor = self._cursor
        cursor.execute(f"TRUNCATE {_STAGE}")
        with cursor.copy(f"COPY {_STAGE} ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.write(payload)
        del payload
        # psycopg releases the GIL while the server works: the caller keeps decoding.
        self._worker = threading.Thread(target=self._upsert, daemon=True)
        self._worker.start()

    def _upsert(self) -> None:
        """In the worker thread: only the statement; the report is updated by _wait()."""
        try:
            self._cursor.execute(UPSERT_SQL, self.params)
            self._outcome = self._cursor.fetchone()
        except BaseException as exc:  # re-raised in the caller's thread by _wait()
            self._outcome = exc

    def _wait(self) -> None:
        if self._worker is not None:
            self._worker.join()
            self._worker = None
        outcome, self._outcome = self._outcome, None
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome is not None:
            repaired, unrepairable, inserted, updated = outcome
            self.report.repaired += repaired
            self.report.inserted += inserted
            self.report.updated += updated
            for idu in unrepairable or ():
                self.report.reject("geometry_unrepairable", idu)

    def finish(self, retire: bool = True, allow_retire: bool = False) -> None:
        self.flush()
        self._wait()
        if not self.added:
            read = self.report.read
            if not read:
                raise ImportRefused("le fichier ne contient aucune parcelle")
            raise ImportRefused(
                f"aucune parcelle lisible sur {read} objet(s) lu(s) — "
                + self.report.rejections_summary()
            )
        if retire:
            sheets = sorted(self.sheets)
            prefixes = sorted({s[:10] for s in sheets}) if sheets else sorted(self.communes)
            self._cursor.execute(f"ANALYZE {_SEEN}")
            self._cursor.execute(RETIRE_SQL, {"prefixes": prefixes, "sheets": sheets})
            self.report.retired += self._cursor.rowcount
            if self._cursor.rowcount and not allow_retire:
                self._guard_retirement()
        self._cursor.execute(f"TRUNCATE {_STAGE}, {_SEEN}")
        self._cursor.close()

    def _guard_retirement(self) -> None:
        """Refuse (rolling the import back) when a commune would lose more than 5 %."""
        self._cursor.execute(RETIRED_SHARE_SQL, {"communes": sorted(self.communes)})
        excessive = [
            f"{retired} sur {total} ({retired / total:.0%}) dans la commune {commune}"
            for commune, retired, total in self._cursor.fetchall()
            if retired > MAX_RETIRED_SHARE * total
        ]
        if excessive:
            raise ImportRefused(
                "l'import retirerait " + ", ".join(excessive) + " : au-delà de "
                f"{MAX_RETIRED_SHARE:.0%} des parcelles d'une commune, confirmez avec "
                "--allow-retire (« Autoriser les retraits » sur la page d'import) si le "
                "fichier est bien complet"
            )


def load(
    rows: Iterable[ParcelRow],
    report: ImportReport,
    *,
    source: str,
    millesime: date | None = None,
    retire: bool = True,
    allow_retire: bool = False,
    communes: Collection[str] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Upsert all `rows` in one transaction; the rows' communes (or sheets) bound retirement.

    Refused (ImportRefused, nothing changed) when no row is readable, when a row lies outside
    `communes` (the cadastral codes the caller expects), or when a commune would lose more than
    5 % of its parcels without `allow_retire`. `dry_run` does everything, counts, and rolls
    back."""
    with one_transaction(report, dry_run):
        loader = ParcelLoader(report, source, millesime, communes)
        try:
            for row in rows:
                loader.add(row)
            loader.finish(retire=retire, allow_retire=allow_retire)
        finally:
            loader._wait()
    return report
