"""Streaming reader of Etalab cadastre GeoJSON (`.json` or `.json.gz`, commune or département
files, reference §5.2) and the WKB encoding of its polygons.

A département file holds about a million parcels: features are decoded one at a time from a
bounded text buffer, so memory does not grow with the file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import sys
from array import array
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

CHUNK_CHARS = 1 << 20
MAX_FEATURE_CHARS = 64 << 20  # a larger "feature" means a broken file, not a parcel
_WS = " \t\r\n"


class GeoJSONError(ValueError):
    pass


class FeatureStream:
    """Iterates over the features of a FeatureCollection; `position` is the number of bytes
    of the file read so far (compressed bytes for .gz), for the progress bar."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.size = os.path.getsize(self.path)
        self._raw = open(self.path, "rb")  # noqa: SIM115 (closed in close())
        binary = gzip.GzipFile(fileobj=self._raw) if self.path.suffix == ".gz" else self._raw
        self._text = io.TextIOWrapper(binary, encoding="utf-8")

    @property
    def position(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def __enter__(self) -> FeatureStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[dict]:
        decoder = json.JSONDecoder()
        buf = ""
        pos = 0
        eof = False

        def refill() -> bool:
            nonlocal buf, pos, eof
            chunk = self._text.read(CHUNK_CHARS)
            if not chunk:
                eof = True
                return False
            buf = buf[pos:] + chunk
            pos = 0
            return True

        # Find the "features" array of the collection; other members are ignored.
        while True:
            key = buf.find('"features"', pos)
            if key >= 0:
                bracket = buf.find("[", key)
                if bracket >= 0:
                    pos = bracket + 1
                    break
            if not refill():
                raise GeoJSONError(f"{self.path.name}: no FeatureCollection 'features' array")
        while True:
            while True:  # skip separators
                while pos < len(buf) and buf[pos] in _WS:
                    pos += 1
                if pos < len(buf) and buf[pos] == ",":
                    pos += 1
                    continue
                if pos < len(buf) or not refill():
                    break
            if pos >= len(buf):
                raise GeoJSONError(f"{self.path.name}: truncated file")
            if buf[pos] == "]":
                return
            try:
                feature, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                # Most often a feature cut by the end of the buffer: read on and retry.
                if eof or len(buf) - pos > MAX_FEATURE_CHARS or not refill():
                    raise GeoJSONError(f"{self.path.name}: invalid JSON near byte {pos}") from None
                continue
            pos = end
            yield feature


_MULTI = struct.pack("<BI", 1, 6)
_POLY = struct.pack("<BI", 1, 3)
_U32 = struct.Struct("<I").pack
_BIG_ENDIAN = sys.byteorder == "big"


def _ring(ring: list) -> bytes:
    if len(ring[0]) != 2:  # drop a third dimension if any
        ring = [p[:2] for p in ring]
    values = array("d", chain.from_iterable(ring))
    if _BIG_ENDIAN:
        values.byteswap()
    return _U32(len(ring)) + values.tobytes()


def _polygon(rings: list) -> bytes:
    return _POLY + _U32(len(rings)) + b"".join(_ring(r) for r in rings if r)


def multipolygon_wkb(geometry: dict) -> bytes:
    """Little-endian WKB MultiPolygon for a GeoJSON Polygon or MultiPolygon.

    Raises GeoJSONError for other types (the caller rejects the feature)."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if not coords:
        raise GeoJSONError("geometry_missing")
    if kind == "Polygon":
        return _MULTI + _U32(1) + _polygon(coords)
    if kind == "MultiPolygon":
        return _MULTI + _U32(len(coords)) + b"".join(_polygon(p) for p in coords)
    raise GeoJSONError("geometry_not_polygonal")
