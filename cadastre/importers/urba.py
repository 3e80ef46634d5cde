"""Documents d'urbanisme delivered to the Géoportail de l'urbanisme (reference §5.4): PLU, PLUi,
POS and PSMV zoning (`ZONE_URBA`) and carte communale sectors (`SECTEUR_CC`), CNIG standards
2013 to 2019 (../shared/data/gpu/cnig-standards), each read through cadastre.importers.delivery.

The document a zone belongs to is its IDURBA when the zone carries one (standard 2017 on);
the 2013 and 2014 standards give only INSEE and DATAPPRO on the zone, and the identifier lives
in DOC_URBA, which may list other documents too (a département-wide table): the document is
then the one of the zone's commune approved on the zone's DATAPPRO, or the one DOC_URBA_COM
names, or the import says why it cannot choose. DOC_URBA's DATAPPRO is the approval date the
decision cites in its visas (§7); it lands in `Zone.approved_on`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from cadastre.importers import delivery
from cadastre.importers.delivery import DeliveryError
from cadastre.importers.delivery import cell_date as _date
from cadastre.importers.delivery import cell_text as _text
from cadastre.importers.errors import one_transaction
from cadastre.importers.report import ImportReport
from cadastre.models import LAMBERT_93, SECTOR_TYPES, Zone

# TYPEZONE in every CNIG version (2013: Nh, Nd; 2014 adds Ah; 2017 keeps U, AUc, AUs, A, N):
# legacy values are kept as delivered.
TYPEZONES = {"U", "AUC", "AUS", "A", "N", "NH", "ND", "AH"}
ZONE_TABLES = ("ZONE_URBA", "SECTEUR_CC")
# `30014_PLU_20171013`, `241800432_PLUi_20200128`, old style `50545_20130902`, `5054520130902`.
IDURBA_RE = re.compile(
    r"^(?P<code>[0-9A-Z]{5,9}?)_?(?:(?P<type>PLUI|PLU|POS|CC|PSMV)_?)?(?P<date>\d{8})"
    r"(?:_[0-9A-Z]{1,3})?$"
)


@dataclass
class Document:
    idurba: str
    typedoc: str = ""
    approved_on: date | None = None
    ended_on: date | None = None
    communes: set[str] = field(default_factory=set)
    named: bool = False  # by DOC_URBA_COM, the delivery's own list of its documents

    @property
    def code(self) -> str:
        """The document without its approval date (`30014_PLU`): a newer approval of the same
        document supersedes the older one. Old-style identifiers get the type from DOC_URBA."""
        match = IDURBA_RE.match(self.idurba.upper())
        if not match:
            return self.idurba.upper()
        return f"{match['code']}_{match['type'] or self.typedoc or 'DU'}".upper()[:40]


def _rows(frame: Any) -> list[dict[str, str]]:  # a DataFrame: pandas is untyped here
    """The attributes of each row as stripped text ('' for a missing value)."""
    attributes = frame.drop(columns=["geometry"], errors="ignore")
    return [{k: _text(v) for k, v in row.items()} for row in attributes.to_dict("records")]


def read_documents(all_tables: list[delivery.Table]) -> dict[str, Document]:
    """DOC_URBA (and DOC_URBA_COM) of the delivery, by IDURBA in upper case."""
    documents: dict[str, Document] = {}
    for table in delivery.find(all_tables, "DOC_URBA"):
        for row in _rows(delivery.read(table, spatial=False)):
            if not row.get("idurba"):
                continue
            parsed = IDURBA_RE.match(row["idurba"].upper())
            documents[row["idurba"].upper()] = Document(
                idurba=row["idurba"],
                typedoc=row.get("typedoc", "").upper() or (parsed and parsed["type"]) or "",
                approved_on=_date(row.get("datappro")),
                ended_on=_date(row.get("datefin")),
            )
    named = set()
    for table in delivery.find(all_tables, "DOC_URBA_COM"):
        for row in _rows(delivery.read(table, spatial=False)):
            key = row.get("idurba", "").upper()
            named.add(key)
            if key in documents and row.get("insee"):
                documents[key].communes.add(row["insee"])
    for key, document in documents.items():
        document.named = key in named
    return documents


def resolve(
    documents: dict[str, Document], insee: str, approved: date | None
) -> tuple[Document | None, str | None]:
    """(the document of a zone without IDURBA, or None and why not)."""
    candidates = list(documents.values())
    if not candidates:
        return None, "IDURBA absent de la zone et aucune table DOC_URBA dans la livraison"
    if insee:
        candidates = [
            d for d in candidates if insee in d.communes or d.idurba.upper().startswith(insee)
        ]
        if not candidates:
            return None, f"aucun document de la commune {insee} dans DOC_URBA"
    for narrow in (
        lambda d: approved is not None and d.approved_on == approved,
        lambda d: d.named,
        lambda d: d.ended_on is None,
    ):
        if len(candidates) > 1 and any(narrow(d) for d in candidates):
            candidates = [d for d in candidates if narrow(d)]
    if len(candidates) == 1:
        return candidates[0], None
    names = ", ".join(sorted(d.idurba for d in candidates))
    return None, (
        f"{len(candidates)} documents possibles dans DOC_URBA ({names}) et ni DATAPPRO ni "
        "DOC_URBA_COM pour choisir"
    )


def import_plu(
    path: str | Path,
    report: ImportReport,
    dry_run: bool = False,
    commune: str | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> ImportReport:
    """A document d'urbanisme delivery (folder, zoning file or zip): PLU, PLUi, POS, PSMV or
    carte communale. Refused (DeliveryError, nothing changed) when no zone is readable, or
    when `commune` (an INSEE code) is given and the document does not cover it."""
    started = time.perf_counter()
    with delivery.opened(path) as root:
        all_tables = delivery.tables(root)
        zone_tables = [t for name in ZONE_TABLES for t in delivery.find(all_tables, name)]
        if not zone_tables:
            raise DeliveryError(
                f"{Path(path).name} : aucune table ZONE_URBA ni SECTEUR_CC dans la livraison"
            )
        documents = read_documents(all_tables)
        zones: list[Zone] = []
        for number, table in enumerate(zone_tables):
            zones += _zones(table, documents, report)
            if on_progress:
                on_progress(0.8 * (number + 1) / len(zone_tables))
    if commune and not _covers(zones, documents, commune):
        raise DeliveryError(
            f"{Path(path).name} : ce document ne couvre pas la commune {commune} "
            f"(communes : {', '.join(sorted({z.insee for z in zones if z.insee})) or '?'})"
        )
    report.seconds += time.perf_counter() - started  # the reading; the transaction adds its own
    with one_transaction(report, dry_run):
        _replace(zones, report)
    return report


def _covers(zones: list[Zone], documents: dict[str, Document], commune: str) -> bool:
    if any(z.insee == commune for z in zones):
        return True
    idurbas = {z.idurba.upper() for z in zones}
    return any(commune in d.communes for key, d in documents.items() if key in idurbas)


def _zones(
    table: delivery.Table, documents: dict[str, Document], report: ImportReport
) -> list[Zone]:
    sectors = delivery.find([table], "SECTEUR_CC") == [table]
    frame = delivery.read(table)
    is_csv = table.path.suffix.lower() == ".csv"
    geometries = frame.geometry if hasattr(frame, "geometry") else [None] * len(frame)
    zones = []
    read_before = report.read
    rejected_before = sum(report.rejected.values())
    for index, (row, geometry) in enumerate(zip(_rows(frame), geometries, strict=True)):
        report.read += 1
        ref = f"{table.label} n° {index} ({row.get('libelle') or '?'})"
        if sectors:
            kind = row.get("typesect", "")
            if kind not in SECTOR_TYPES:
                report.reject("invalid_typesect", f"{ref} : TYPESECT « {kind} »")
                continue
        else:
            kind = row.get("typezone", "")
            if kind.upper() not in TYPEZONES:
                report.reject("invalid_typezone", f"{ref} : TYPEZONE « {kind} »")
                continue
        document: Document | None
        if row.get("idurba"):
            key = row["idurba"].upper()
            document = documents.get(key) or Document(idurba=row["idurba"])
        else:
            document, why = resolve(documents, row.get("insee", ""), _date(row.get("datappro")))
            if document is None:
                report.reject("missing_idurba", f"{ref} : {why}")
                continue
        wkb, invalid = delivery.checked_polygons(geometry)
        if wkb is None:
            if invalid is None and geometry is None and is_csv:
                report.reject("wkt_empty", f"{ref} : colonne WKT vide")
            else:
                reason = "geometry_not_polygonal" if geometry is not None else "geometry_missing"
                report.reject(reason, ref)
            continue
        if invalid:
            report.repaired += 1
            report.samples.setdefault("repaired", [])
            if len(report.samples["repaired"]) < 5:
                report.samples["repaired"].append(f"{ref} : {invalid}")
        parsed = IDURBA_RE.match(document.idurba.upper())
        file, _, fragment = row.get("nomfic", "").partition("#")
        page = re.search(r"page=(\d+)", fragment)
        communes = document.communes
        insee = row.get("insee") or (min(communes) if len(communes) == 1 else "")
        if not insee and parsed and len(parsed["code"]) == 5:
            insee = parsed["code"]
        typedoc = document.typedoc or (parsed and parsed["type"]) or ("CC" if sectors else "")
        zones.append(
            Zone(
                idurba=document.idurba,
                document_code=Document(document.idurba, typedoc=typedoc).code,
                typedoc=typedoc.upper()[:10],
                approved_on=document.approved_on
                or _date(row.get("datappro"))
                or (parsed and _date(parsed["date"]))
                or None,
                validated_on=_date(row.get("datvalid")),
                libelle=row.get("libelle", "")[:20],
                libelong=(row.get("libelong") or (SECTOR_TYPES[kind] if sectors else ""))[:254],
                typezone=kind,
                destdomi=row.get("destdomi", "")[:2],
                regulation_file=file[:254],
                regulation_page=int(page.group(1)) if page else None,
                regulation_url=row.get("urlfic", "")[:254],
                insee=insee[:5],
                # GEOSGeometry takes the class of its WKB: checked_polygons made a MultiPolygon.
                geom=cast(MultiPolygon, GEOSGeometry(memoryview(wkb), srid=LAMBERT_93)),
            )
        )
    if not zones:
        read = report.read - read_before
        rejected = sum(report.rejected.values()) - rejected_before
        why = f" — {report.rejections_summary()}" if rejected else ""
        raise DeliveryError(f"{table.label} : aucune zone lisible sur {read}{why}")
    return zones


def _replace(zones: list[Zone], report: ImportReport) -> None:
    """A re-delivery replaces the document's zones whole; only the latest approval of a
    document is current."""
    replaced = 0
    for idurba in {z.idurba for z in zones}:
        replaced += Zone.objects.filter(idurba=idurba).delete()[0]
    Zone.objects.bulk_create(zones, batch_size=500)
    for code in {z.document_code for z in zones}:
        report.retired += _keep_latest_approval(code)
    kept = min(replaced, len(zones))
    report.updated += kept
    report.inserted += len(zones) - kept
    report.retired += replaced - kept
    kinds = {"CC": "secteurs"}
    for zone in zones:
        key = kinds.get(zone.typedoc, "zones")
        report.counts[key] = report.counts.get(key, 0) + 1


def _keep_latest_approval(document_code: str) -> int:
    """Only the latest approval of a document is in force; returns how many zones it made
    no longer current."""
    documents = Zone.objects.filter(document_code=document_code)
    # The document's zones were just saved: there is a latest one.
    latest = cast(
        tuple[str], documents.order_by("-approved_on", "-imported_at").values_list("idurba").first()
    )
    superseded = (
        documents.exclude(idurba=latest[0]).filter(is_current=True).update(is_current=False)
    )
    documents.filter(idurba=latest[0]).update(is_current=True)
    return superseded
