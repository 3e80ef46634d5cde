"""Every text box of every page of a PDF, read by poppler (`pdftotext -bbox-layout`), and the
pairs that overlap: printed text drawn over other text is unreadable (issue 16, §3)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# Glyph boxes of two neighbouring lines may touch; a real overlap covers far more than this.
TOLERANCE_PT = 0.5
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Box:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        t = TOLERANCE_PT
        return (
            self.x0 + t < other.x1
            and other.x0 + t < self.x1
            and self.y0 + t < other.y1
            and other.y0 + t < self.y1
        )


def word_boxes(pdf: Path) -> list[list[Box]]:
    """Per page, every word's box (points, origin top left)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for number, page in enumerate(ET.fromstring(xml).iter(f"{_NS}page"), start=1):
        pages.append(
            [
                Box(
                    number,
                    w.text or "",
                    *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                )
                for w in page.iter(f"{_NS}word")
            ]
        )
    return pages


def overlaps(pdf: Path) -> list[tuple[Box, Box]]:
    """Every pair of words drawn over each other, on any page."""
    found = []
    for boxes in word_boxes(pdf):
        ordered = sorted(boxes, key=lambda b: b.y0)
        for i, box in enumerate(ordered):
            for other in ordered[i + 1 :]:
                if other.y0 >= box.y1:
                    break
                if box.overlaps(other):
                    found.append((box, other))
    return found
