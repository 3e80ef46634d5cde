"""What an import did (read, inserted, updated, retired, repaired, rejected with reasons) and
a progress bar on stderr for long runs."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

# Machine codes of rejections, with the French sentence shown to the operator.
REJECTION_LABELS = {
    "missing_id": "identifiant absent",
    "invalid_idu": "identifiant de parcelle invalide",
    "idu_mismatch": "identifiant incohérent avec commune, préfixe, section et numéro",
    "invalid_contenance": "contenance invalide",
    "geometry_missing": "géométrie absente",
    "geometry_not_polygonal": "géométrie qui n'est pas un polygone",
    "geometry_unrepairable": "géométrie invalide et irréparable",
    "duplicate_idu": "identifiant présent plusieurs fois (la dernière occurrence est gardée)",
    "invalid_feature": "objet illisible",
    "coordinates_not_wgs84": "coordonnées qui ne sont pas en WGS84 (longitude, latitude)",
    "missing_idurba": "identifiant du document (IDURBA) absent et introuvable dans DOC_URBA",
    "invalid_typezone": "type de zone (TYPEZONE) hors des valeurs CNIG",
    "wkt_empty": "géométrie absente (colonne WKT vide)",
    "invalid_typesect": "type de secteur (TYPESECT) hors des valeurs CNIG (01, 02, 03, 99)",
    "unknown_generator": "assiette dont le générateur est introuvable",
}
SAMPLES_PER_REASON = 5


@dataclass
class ImportReport:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    retired: int = 0
    repaired: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # per kind of object, when several
    seconds: float = 0.0  # reading and loading, without the program's start-up
    dry_run: bool = False  # counted, then rolled back: nothing was changed

    @property
    def unchanged(self) -> int:
        return self.read - self.inserted - self.updated - sum(self.rejected.values())

    def reject(self, reason: str, ref: str = "", count: int = 1) -> None:
        self.rejected[reason] += count
        if ref:
            kept = self.samples.setdefault(reason, [])
            if len(kept) < SAMPLES_PER_REASON:
                kept.append(ref)

    def rejections_summary(self, limit: int = 2) -> str:
        """The rejections in one French sentence, for a refusal's message."""
        parts = []
        for reason, count in sorted(self.rejected.items()):
            label = REJECTION_LABELS.get(reason, reason)
            samples = "; ".join(self.samples.get(reason, [])[:limit])
            parts.append(f"{label} ×{count}" + (f" (ex. {samples})" if samples else ""))
        return " ; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "repaired": self.repaired,
            "rejected": dict(self.rejected),
            "rejected_samples": self.samples,
            "counts": self.counts,
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
        }

    def lines(self) -> list[str]:
        out = ["Simulation : rien n'a été modifié."] if self.dry_run else []
        out += [
            f"lus : {self.read}",
            f"insérés : {self.inserted}",
            f"mis à jour : {self.updated}",
            f"inchangés : {self.unchanged}",
            f"retirés : {self.retired}",
            f"réparés : {self.repaired}",
            f"rejetés : {sum(self.rejected.values())}",
            f"durée : {self.seconds:.1f} s",
        ]
        out += [f"  {kind} : {count}" for kind, count in self.counts.items()]
        for reason, count in sorted(self.rejected.items()):
            label = REJECTION_LABELS.get(reason, reason)
            samples = ", ".join(self.samples.get(reason, []))
            out.append(
                f"  - {label} ({reason}) : {count}" + (f" — ex. {samples}" if samples else "")
            )
        return out


class Progress:
    """A one-line progress bar on a terminal; silent when stderr is not one (CI, pipes)."""

    def __init__(self, total_bytes: int | None, label: str, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.total = total_bytes or 0
        self.label = label
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, done_bytes: int, items: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.25:
            return
        self.last = now
        rate = items / max(now - self.started, 1e-6)
        if self.total:
            share = min(done_bytes / self.total, 1.0)
            bar = "#" * int(share * 30)
            head = f"[{bar:<30}] {share:6.1%}"
        else:
            head = f"{done_bytes / 1e6:8.1f} Mo"
        self.stream.write(f"\r{self.label} {head} {items:>10} objets {rate:>8.0f}/s")
        self.stream.flush()

    def done(self, items: int) -> None:
        if self.enabled:
            self.update(self.total, items, force=True)
            self.stream.write("\n")
            self.stream.flush()
