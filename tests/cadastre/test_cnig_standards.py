"""The importer against the CNIG standards' own table definitions (../shared/data/gpu/
cnig-standards, every version 2013–2019): file names it finds, fields it reads, values it
accepts. No database."""

import json
import re
from pathlib import Path

import pytest

from cadastre.importers.delivery import Table, find
from cadastre.importers.urba import TYPEZONES
from cadastre.models import SECTOR_TYPES
from tests.cadastre.conftest import DATA

STANDARDS = DATA / "gpu" / "cnig-standards"
DOCUMENTS = sorted(
    p for p in STANDARDS.iterdir() if re.match(r"cnig_(PLU|PLUi|POS|CC|PSMV)_\d{4}$", p.name)
)
# Names as deliveries spell them, in every generation (and traps: DOC_URBA_COM is not DOC_URBA).
NAMES = [
    "ZONE_URBA", "ZONE_URBA_30014", "ZONE_URBA_30014_2A0", "30014_ZONE_URBA_20171013",
    "241800432_ZONE_URBA_20200128", "241800432_ZONE_URBA_20200128_A", "SECTEUR_CC",
    "SECTEUR_CC_50545", "19182_SECTEUR_CC_20150517", "DOC_URBA", "DOCUMENT_URBA", "DOC_URBA_2A0",
    "30014_DOC_URBA_20171013", "241800432_DOC_URBA_20200128_A", "DOC_URBA_COM",
    "DOCUMENT_URBA_COM", "30014_DOC_URBA_COM_20171013", "241800432_DOC_URBA_COM_20200128_A",
]  # fmt: skip


def definitions(standard: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (standard / "types").glob("*.json")}


def test_every_generation_of_the_standards_is_here():
    assert {p.name for p in DOCUMENTS} >= {
        "cnig_PLU_2013", "cnig_PLU_2014", "cnig_PLU_2017", "cnig_PLUi_2014", "cnig_PLUi_2017",
        "cnig_POS_2013", "cnig_POS_2017", "cnig_CC_2013", "cnig_CC_2014", "cnig_CC_2017",
        "cnig_PSMV_2014", "cnig_PSMV_2017", "cnig_PSMV_2019",
    }  # fmt: skip


@pytest.mark.parametrize("standard", DOCUMENTS, ids=lambda p: p.name)
def test_the_importer_finds_the_tables_each_standard_names(standard):
    files = json.loads((standard / "files.json").read_text())["files"]
    tables = [Table(Path(f"{name}.dbf"), None, name) for name in NAMES]
    for entry in files:
        if entry["name"] not in ("ZONE_URBA", "SECTEUR_CC", "DOC_URBA", "DOC_URBA_COM"):
            continue
        pattern = re.compile(entry["path"].rsplit("/", 1)[-1] + "$")
        named = {t.name for t in tables if pattern.match(t.name)}
        assert named, entry["path"]
        assert named <= {t.name for t in find(tables, entry["name"])}, entry["path"]
    assert not {t.name for t in find(tables, "DOC_URBA")} & {
        "DOC_URBA_COM", "DOCUMENT_URBA_COM", "30014_DOC_URBA_COM_20171013",
        "241800432_DOC_URBA_COM_20200128_A",
    }  # fmt: skip


@pytest.mark.parametrize("standard", DOCUMENTS, ids=lambda p: p.name)
def test_the_fields_the_importer_reads_are_those_of_the_standard(standard):
    types = definitions(standard)
    zone_table = "SECTEUR_CC" if "_CC_" in standard.name else "ZONE_URBA"
    columns = {c["name"]: c for c in types[zone_table]["columns"]}
    # The document is named on each zone (2017 on), or by INSEE + DATAPPRO through DOC_URBA.
    assert "IDURBA" in columns or {"INSEE", "DATAPPRO"} <= set(columns)
    assert "LIBELLE" in columns
    kind = columns["TYPESECT" if zone_table == "SECTEUR_CC" else "TYPEZONE"]
    values = set(kind["constraints"]["enum"])
    if zone_table == "SECTEUR_CC":
        assert values == set(SECTOR_TYPES)
    else:
        assert {v.upper() for v in values} <= TYPEZONES
    if "DOC_URBA" in types:
        doc = {c["name"] for c in types["DOC_URBA"]["columns"]}
        assert {"IDURBA", "TYPEDOC", "DATAPPRO", "DATEFIN"} <= doc
