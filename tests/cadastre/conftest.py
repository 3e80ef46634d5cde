"""Fixtures on the real data of ../shared/data (read-only, never copied into the repository).

The 91216 cadastre (4,241 parcels) is imported once per session, outside the per-test
transactions; tests that import more run inside their own transaction, rolled back after.
"""

from pathlib import Path

from django.conf import settings
from django.db import connection

from cadastre.importers import etalab
from cadastre.importers.parcels import load
from cadastre.importers.report import ImportReport

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
CADASTRE_91216 = DATA / "cadastre" / "cadastre-91216-parcelles.json"
EDIGEO_SHEETS = sorted((DATA / "cadastre" / "edigeo").glob("edigeo-*.tar.bz2"))
PLU_30014 = DATA / "gpu" / "30014_PLU_20171013"
PLUI_241800432 = DATA / "gpu" / "241800432_PLUi_20200128"
AC1_2A = DATA / "gpu" / "172014607_AC1_2A_20180130"
PARCELS_91216 = 4241


def import_91216(path: Path = CADASTRE_91216, **kwargs) -> ImportReport:
    report = ImportReport()
    return load(etalab.read(path, report, progress=False), report, source="etalab", **kwargs)


CC_19182 = DATA / "gpu" / "19182_CC_20150517"
CC_50545 = DATA / "gpu" / "50545_CC_20130902"
CC_50545_CSV = DATA / "gpu" / "50545_CC_20140101"
CADASTRE_TABLES = (
    "cadastre_parcel",
    "cadastre_zone",
    "cadastre_servitude",
    "cadastre_servitudegenerator",
    "cadastre_servitudeassiette",
)


def rows_hash() -> dict[str, tuple[str, int]]:
    """A digest of every row (geometry included) of the cadastre's tables: equal before and
    after a refused import means nothing at all changed, not only the counts."""
    digests = {}
    with connection.cursor() as cursor:
        for table in CADASTRE_TABLES:
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(md5(t::text), '' ORDER BY t.id), '')), count(*)"
                f" FROM {table} t"
            )
            digests[table] = cursor.fetchone()
    return digests
