"""Benchmark: the 5-parcel check with constraints (cadastre.check.check_parcels) against the
bare SQL of the same queries through psycopg, same run, on the synthetic département.

    .venv/bin/python bench/cadastre_check.py [--checks 300]

Needs the `cadastre_bench` database loaded by bench/cadastre_import.py (1,000,000 parcels).
Adds synthetic constraints over the département: a grid of PLU zones of 2 km × 2 km (U, AUc,
A, N; edges segmentised every 50 m, about 160 vertices each) and 1,000 AC1 monuments, each
with its assiette "égal au générateur" and its 500 m buffer. Half of the checked sites lie
next to a monument. Each site is 5 contiguous parcels of one section. Django and bare psycopg
alternate on the same sites; p50 and p99 of each are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = os.environ.get("PERMIS_PG_PORT", "5439")
os.environ["DATABASE_URL"] = f"postgis://permis:permis@127.0.0.1:{PORT}/cadastre_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from cadastre.check import CONTIGUITY_TOLERANCE_M, PARCELS_SQL, SITE_SQL, check_parcels  # noqa: E402

CONSTRAINTS_SQL = """
DELETE FROM cadastre_zone WHERE idurba = 'BENCH_PLU_20240101';
INSERT INTO cadastre_zone (idurba, document_code, typedoc, libelle, libelong, typezone,
                           destdomi, regulation_file, regulation_url, insee, is_current,
                           illustrative, geom, imported_at)
SELECT 'BENCH_PLU_20240101', 'BENCH_PLU', 'PLU', t.typezone || i || '_' || j, '', t.typezone,
       '', '', '', '', true, true,
       ST_Multi(ST_Segmentize(ST_MakeEnvelope(e.x + i * 2000, e.y + j * 2000,
                                              e.x + (i + 1) * 2000, e.y + (j + 1) * 2000, 2154),
                              50)), now()
FROM (SELECT ST_XMin(x) AS x, ST_YMin(x) AS y, ST_XMax(x) AS x2, ST_YMax(x) AS y2
      FROM (SELECT ST_Extent(geom) AS x FROM cadastre_parcel) s) e,
     generate_series(0, ceil((e.x2 - e.x) / 2000)::int) i,
     generate_series(0, ceil((e.y2 - e.y) / 2000)::int) j,
     LATERAL (SELECT (ARRAY['U', 'AUc', 'A', 'N'])[1 + (i + j) %% 4] AS typezone) t;

DELETE FROM cadastre_servitudeassiette WHERE id_ass LIKE 'BENCH-%%';
DELETE FROM cadastre_servitudegenerator WHERE id_gen LIKE 'BENCH-%%';
DELETE FROM cadastre_servitude WHERE id_sup LIKE 'BENCH-%%';
INSERT INTO cadastre_servitude (id_sup, category, name, description, manager, acts,
                                illustrative, imported_at)
SELECT 'BENCH-' || n, 'AC1', 'Monument ' || n, '', '', '[]', true, now()
FROM generate_series(1, 1000) n;
INSERT INTO cadastre_servitudegenerator (id_gen, servitude_id, name, kind, protection,
                                         address, geom)
SELECT 'BENCH-' || n, s.id, s.name, 'Monument', CASE WHEN n %% 2 = 0 THEN 'Classé'
       ELSE 'Inscrit' END, '', ST_Buffer(ST_Centroid(p.geom), 15, 'quad_segs=1')
FROM generate_series(1, 1000) n
JOIN cadastre_servitude s ON s.id_sup = 'BENCH-' || n
JOIN LATERAL (SELECT geom FROM cadastre_parcel
              WHERE id >= (SELECT min(id) FROM cadastre_parcel) + (n * 997) %% 1000000
              ORDER BY id LIMIT 1) p ON true;
INSERT INTO cadastre_servitudeassiette (id_ass, servitude_id, generator_id, category, name,
                                        kind, mode, buffer_m, geom)
SELECT g.id_gen || '-' || m.mode, g.servitude_id, g.id, 'AC1', '', 'Périmètre de protection',
       m.mode, m.buffer, CASE WHEN m.buffer IS NULL THEN g.geom
                              ELSE ST_Buffer(g.geom, m.buffer) END
FROM cadastre_servitudegenerator g
CROSS JOIN (VALUES ('Egal au générateur', NULL::float), ('Zone tampon', 500)) m(mode, buffer)
WHERE g.id_gen LIKE 'BENCH-%%';
ANALYZE cadastre_zone; ANALYZE cadastre_servitudeassiette; ANALYZE cadastre_parcel;
"""

# Start parcels: next to a monument for one half, anywhere for the other.
SITES_SQL = """
(SELECT p.idu FROM cadastre_servitudegenerator g
 CROSS JOIN LATERAL (SELECT idu FROM cadastre_parcel
                     ORDER BY geom <-> ST_Centroid(g.geom) LIMIT 1) p
 WHERE g.id_gen LIKE 'BENCH-%%' ORDER BY g.id LIMIT %(half)s)
UNION ALL
(SELECT idu FROM cadastre_parcel TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT %(half)s)
"""


def five_contiguous(cursor, start_idu: str) -> list[str]:
    """The start parcel and the next four numéros of its section: neighbours in the grid."""
    cursor.execute(
        "SELECT idu FROM cadastre_parcel WHERE idu >= %s AND idu < %s ORDER BY idu LIMIT 5",
        [start_idu[:10], start_idu[:10] + "~"],
    )
    return [row[0] for row in cursor.fetchall()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=300)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cadastre_parcel")
        (count,) = cursor.fetchone()
        if count < 100_000:
            sys.exit("run bench/cadastre_import.py first (cadastre_bench has no département)")
        cursor.execute(CONSTRAINTS_SQL.replace("%%", "%"))
        cursor.execute(SITES_SQL, {"half": args.checks // 2})
        starts = [row[0] for row in cursor.fetchall()]
        sites = [five_contiguous(cursor, s) for s in starts]
        cursor.execute("SELECT count(*) FROM cadastre_zone")
        (zones,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cadastre_servitudeassiette")
        (assiettes,) = cursor.fetchone()
    random.Random(5).shuffle(sites)
    bare = psycopg.connect(
        f"host=127.0.0.1 port={PORT} user=permis password=permis dbname=cadastre_bench"
    )

    def django_check(idus):
        return check_parcels(idus, idus[0][:5])

    def bare_check(idus):
        with bare.cursor() as cur:
            cur.execute(PARCELS_SQL, {"idus": idus, "tolerance": CONTIGUITY_TOLERANCE_M})
            cur.fetchall()
            cur.execute(SITE_SQL, {"idus": idus})
            return cur.fetchone()

    for idus in sites[:20]:  # warm both connections and the caches
        django_check(idus)
        bare_check(idus)
    timings: dict[str, list[float]] = {"django": [], "bare": []}
    crossing = 0
    for idus in sites:
        for name, fn in (("django", django_check), ("bare", bare_check)):
            started = time.perf_counter()
            result = fn(idus)
            timings[name].append((time.perf_counter() - started) * 1000)
            if name == "django" and result.servitudes:
                crossing += 1
    rows = [
        "| code | checks | p50 | p99 | mean |",
        "|---|---|---|---|---|",
    ]
    for name, label in (("django", "`check_parcels()`"), ("bare", "bare SQL (psycopg)")):
        values = timings[name]
        rows.append(
            f"| {label} | {len(values)} | {percentile(values, 0.5):.1f} ms | "
            f"{percentile(values, 0.99):.1f} ms | {statistics.mean(values):.1f} ms |"
        )
    p50 = percentile(timings["django"], 0.5) / percentile(timings["bare"], 0.5)
    p99 = percentile(timings["django"], 0.99) / percentile(timings["bare"], 0.99)
    print("\n".join(rows))
    print(
        f"\nRatio Django / bare SQL: p50 {p50:.2f}, p99 {p99:.2f}. Table: {count:,} parcels, "
        f"{zones:,} zones, {assiettes:,} assiettes; {crossing} of {len(sites)} sites cross "
        "a servitude, every site crosses zones."
    )


if __name__ == "__main__":
    main()
