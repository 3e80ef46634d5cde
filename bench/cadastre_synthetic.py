"""Writes a synthetic Etalab-like département file of parcels (`.json.gz`) for the benchmarks.

    .venv/bin/python bench/cadastre_synthetic.py var/bench/cadastre-77-synthetic.json.gz \
        --parcels 1000000

Realistic on the points that cost time: one FeatureCollection with one feature per line like
Etalab's files, parcels of about 12 vertices (the real 91216 file averages 11.7) that tile
their commune (neighbours share their edges, vertex for vertex), properties
`id commune prefixe section numero contenance arpente created updated` with trimmed section and
numéro, contenance within a few per cent of the area, about 1 in 1,000 without contenance and
about 1 in 10,000 self-intersecting (to be repaired). Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import math
import random
from pathlib import Path

# Seine-et-Marne's extent (WGS84), roughly: a large département of about a million parcels.
WEST, SOUTH, EAST, NORTH = 2.39, 48.12, 3.56, 49.12
DEPARTEMENT = "77"
SIDE = 50  # parcels per commune side: 2,500 parcels per commune
SECTION_SIDE = 10  # parcels per section side: 25 sections per commune
M_PER_DEG_LAT = 111_320.0


def section_name(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def commune_features(code: str, x0: float, y0: float, w: float, h: float, rng: random.Random):
    """Yield the feature lines of one commune: a jittered SIDE×SIDE grid with shared edges."""
    dx, dy = w / SIDE, h / SIDE
    jitter = 0.18
    # Grid corners, jittered (the commune border stays straight so communes tile too).
    corners = [
        [
            (
                x0 + i * dx + (rng.uniform(-jitter, jitter) * dx if 0 < i < SIDE else 0),
                y0 + j * dy + (rng.uniform(-jitter, jitter) * dy if 0 < j < SIDE else 0),
            )
            for i in range(SIDE + 1)
        ]
        for j in range(SIDE + 1)
    ]

    def bend(a, b):
        """Two intermediate vertices on the edge a→b, slightly off the straight line."""
        out = []
        for t in (0.33, 0.67):
            out.append(
                (
                    a[0] + (b[0] - a[0]) * t + rng.uniform(-0.04, 0.04) * dx,
                    a[1] + (b[1] - a[1]) * t + rng.uniform(-0.04, 0.04) * dy,
                )
            )
        return out

    horizontal = [
        [bend(corners[j][i], corners[j][i + 1]) for i in range(SIDE)] for j in range(SIDE + 1)
    ]
    vertical = [
        [bend(corners[j][i], corners[j + 1][i]) for i in range(SIDE + 1)] for j in range(SIDE)
    ]
    lat_scale = M_PER_DEG_LAT
    lon_scale = M_PER_DEG_LAT * math.cos(math.radians(y0 + h / 2))
    numero_by_section: dict[str, int] = {}
    for j in range(SIDE):
        for i in range(SIDE):
            ring = [corners[j][i], *horizontal[j][i], corners[j][i + 1], *vertical[j][i + 1]]
            ring += [corners[j + 1][i + 1], *reversed(horizontal[j + 1][i]), corners[j + 1][i]]
            ring += [*reversed(vertical[j][i]), corners[j][i]]
            if rng.random() < 1e-4:  # a bow-tie: swap two vertices to self-intersect
                ring[1], ring[7] = ring[7], ring[1]
            area = 0.0
            for (ax, ay), (bx, by) in itertools.pairwise(ring):
                area += ax * by - bx * ay
            area_m2 = abs(area) / 2 * lat_scale * lon_scale
            section = section_name((j // SECTION_SIDE) * (SIDE // SECTION_SIDE) + i // SECTION_SIDE)
            numero = numero_by_section.get(section, 0) + 1
            numero_by_section[section] = numero
            idu = f"{code}000{section.rjust(2, '0')}{numero:04d}"
            coords = ",".join(f"[{x:.7f},{y:.7f}]" for x, y in ring)
            contenance = (
                ""
                if rng.random() < 1e-3
                else f',"contenance":{max(1, round(area_m2 * rng.uniform(0.96, 1.04)))}'
            )
            arpente = "true" if rng.random() < 0.1 else "false"
            created = f"{rng.randint(1995, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            yield (
                f'{{"type":"Feature","id":"{idu}","geometry":{{"type":"Polygon",'
                f'"coordinates":[[{coords}]]}},"properties":{{"id":"{idu}","commune":"{code}",'
                f'"prefixe":"000","section":"{section}","numero":"{numero}"{contenance},'
                f'"arpente":{arpente},"created":"{created}","updated":"2021-10-05"}}}}'
            )


def write(path: Path, parcels: int, seed: int = 77) -> int:
    rng = random.Random(seed)
    per_commune = SIDE * SIDE
    communes = math.ceil(parcels / per_commune)
    columns = math.ceil(math.sqrt(communes))
    rows = math.ceil(communes / columns)
    w, h = (EAST - WEST) / columns, (NORTH - SOUTH) / rows
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(
        path, "wt", encoding="utf-8", **({"compresslevel": 6} if path.suffix == ".gz" else {})
    ) as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for n in range(communes):
            code = f"{DEPARTEMENT}{n + 1:03d}"
            x0, y0 = WEST + (n % columns) * w, SOUTH + (n // columns) * h
            for line in commune_features(code, x0, y0, w, h, rng):
                if written == parcels:
                    break
                out.write(("," if written else "") + line + "\n")
                written += 1
        out.write("]}\n")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args()
    print(f"{write(args.path, args.parcels, args.seed)} parcels written to {args.path}")


if __name__ == "__main__":
    main()
