"""Benchmark: `import_cadastre` against `ogr2ogr -f PostgreSQL` on the same files, same run.

    .venv/bin/python bench/cadastre_import.py [--parcels 1000000] [--runs 3]

Files: the real 91216 commune (4,241 parcels, ../shared/data) and a synthetic département of
`--parcels` parcels written by bench/cadastre_synthetic.py into var/bench/ (kept for reuse).
Database: `cadastre_bench` on the private cluster (recreated by this script, migrated).

Both tools do the same work: read the GeoJSON (gzip for the département), reproject WGS84 to
Lambert-93 (`-t_srs EPSG:2154`) and load MultiPolygons into a table with a GiST index. The
import also checks and repairs every geometry, upserts by IDU against a unique index and
records what it saw for retirement; ogr2ogr creates a new table each time. Wall time and peak
resident memory are measured per process (os.wait4); the Django command's time includes
Django's start-up, measured apart and shown too. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_FILE = ROOT.parent / "shared" / "data" / "cadastre" / "cadastre-91216-parcelles.json"
SYNTHETIC = ROOT / "var" / "bench" / "cadastre-77-synthetic.json.gz"
DB = "cadastre_bench"
PG = "host=127.0.0.1 port={port} user=permis password=permis dbname={db}"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def port() -> str:
    return os.environ.get("PERMIS_PG_PORT", "5439")


def env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"postgis://permis:permis@127.0.0.1:{port()}/{DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
            f"postgresql://permis:permis@127.0.0.1:{port()}/{db}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env(), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"failed ({process.returncode}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024, out


def ogr2ogr(path: Path) -> tuple[float, float, str]:
    source = f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)
    return measure(
        [
            "ogr2ogr",
            "-f",
            "PostgreSQL",
            "PG:" + PG.format(port=port(), db=DB),
            source,
            "-nln",
            "ogr_parcel",
            "-overwrite",
            "-t_srs",
            "EPSG:2154",
            "-nlt",
            "MULTIPOLYGON",
            "-lco",
            "GEOMETRY_NAME=geom",
        ]
    )


def import_cadastre(path: Path) -> tuple[float, float, dict]:
    elapsed, rss, out = measure(
        [PYTHON, "manage.py", "import_cadastre", str(path), "--json", "--verbosity", "0"]
    )
    return elapsed, rss, json.loads(out)


def setup_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}", db="permis")
    psql(f"CREATE DATABASE {DB}", db="permis")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0", "--skip-checks"], env=env(), cwd=ROOT, check=True
    )


def run(path: Path, runs: int, parcels: int) -> list[str]:
    rows = []
    ogr, ours, again = [], [], []
    for _ in range(runs):  # alternate, so that machine load hits both alike
        ogr.append(ogr2ogr(path))
        psql("TRUNCATE cadastre_parcel")
        ours.append(import_cadastre(path))
        again.append(import_cadastre(path))
    report = ours[-1][2]
    assert report["inserted"] == parcels, report
    assert again[-1][2]["inserted"] == again[-1][2]["updated"] == 0, again[-1][2]
    ogr_s = statistics.median(r[0] for r in ogr)
    ours_s = statistics.median(r[0] for r in ours)
    again_s = statistics.median(r[0] for r in again)
    # The import's own time, without Django's start-up (reported by the command).
    ours_load = statistics.median(r[2]["seconds"] for r in ours)
    again_load = statistics.median(r[2]["seconds"] for r in again)
    rss_ours, rss_again = max(r[1] for r in ours), max(r[1] for r in again)
    for label, seconds, rss in (
        ("`ogr2ogr -f PostgreSQL -t_srs EPSG:2154`", ogr_s, max(r[1] for r in ogr)),
        ("`import_cadastre` (first import), whole command", ours_s, rss_ours),
        ("`import_cadastre` (first import), import only", ours_load, rss_ours),
        ("`import_cadastre` (re-import, unchanged), whole command", again_s, rss_again),
        ("`import_cadastre` (re-import, unchanged), import only", again_load, rss_again),
    ):
        rows.append(
            f"| {path.name} | {label} | {seconds:.1f} s | {parcels / seconds:,.0f} | "
            f"{rss:,.0f} MiB | {ogr_s / seconds:.2f} |"
        )
    rows.append(
        f"| {path.name} | repaired / rejected | {report['repaired']} / "
        f"{sum(report['rejected'].values())} | | | |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs on the 91216 file")
    parser.add_argument("--big-runs", type=int, default=1, help="runs on the synthetic file")
    args = parser.parse_args()
    synthetic = SYNTHETIC.with_name(f"cadastre-77-synthetic-{args.parcels}.json.gz")
    if not synthetic.exists():
        subprocess.run(
            [PYTHON, "bench/cadastre_synthetic.py", str(synthetic), "--parcels", str(args.parcels)],
            cwd=ROOT,
            check=True,
        )
    setup_database()
    startup, _, _ = measure([PYTHON, "manage.py", "shell", "-c", "pass"])
    header = [
        "| file | tool | wall time | parcels/s | peak RSS | ogr2ogr time / this time |",
        "|---|---|---|---|---|---|",
    ]
    rows = run(REAL_FILE, args.runs, 4241)
    rows += run(synthetic, args.big_runs, args.parcels)
    print("\n".join(header + rows))
    print(f"\nDjango start-up (`manage.py shell -c pass`), included above: {startup:.1f} s")
    print(f"PostgreSQL {psql('SHOW server_version')}, {psql('SELECT postgis_lib_version()')}")


if __name__ == "__main__":
    main()
