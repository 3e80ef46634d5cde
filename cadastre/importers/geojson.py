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
from typing import Any

from cadastre.importers.errors import ImportRefused

CHUNK_CHARS = 1 << 20
MAX_FEATURE_CHARS = 64 << 20  # a larger "feature" means a broken file, not a parcel
# Etalab's .json.gz files expand about 6 times; far more is a decompression bomb.
MAX_GZIP_RATIO = 100
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()
_TRUNCATED = " (fichier tronqué ?)"


class GeoJSONError(ImportRefused):
    pass


class FeatureStream:
    """Iterates over the features of a FeatureCollection; `position` is the number of bytes
    of the file read so far (compressed bytes for .gz), for the progress bar.

    The top-level object is parsed member by member: only a FeatureCollection is accepted (a
    Feature whose properties hold a "features" list, an array or a TopoJSON are refused), and
    an error gives its byte offset in the file (in the decompressed stream for .gz)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.size = os.path.getsize(self.path)
        self.gzipped = self.path.suffix == ".gz"
        self._raw = open(self.path, "rb")  # noqa: SIM115 (closed in close())
        binary = gzip.GzipFile(fileobj=self._raw) if self.gzipped else self._raw
        self._text = io.TextIOWrapper(binary, encoding="utf-8")
        self._buf = ""
        self._pos = 0
        self._offset = 0  # bytes of the (decompressed) file before _buf
        self._eof = False
        self.index = -1  # of the feature being read, in the "features" array

    @property
    def position(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def __enter__(self) -> FeatureStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def byte_offset(self, pos: int | None = None) -> int:
        pos = self._pos if pos is None else pos
        return self._offset + len(self._buf[:pos].encode("utf-8"))

    def error(self, message: str, pos: int | None = None) -> GeoJSONError:
        where = f"octet {self.byte_offset(pos)}" + (" (décompressé)" if self.gzipped else "")
        return GeoJSONError(f"{self.path.name}, {where} : {message}")

    def _refill(self) -> bool:
        try:
            chunk = self._text.read(CHUNK_CHARS)
        except UnicodeDecodeError:
            raise self.error("le fichier n'est pas encodé en UTF-8") from None
        except (OSError, EOFError) as exc:  # a corrupt or truncated gzip stream
            raise self.error(f"archive gzip illisible ({exc})") from None
        if not chunk:
            self._eof = True
            return False
        self._offset += len(self._buf[: self._pos].encode("utf-8"))
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        if self.gzipped and self._offset > MAX_GZIP_RATIO * self.size + MAX_FEATURE_CHARS:
            raise self.error("taux de compression anormal : archive piégée (bombe) refusée")
        return True

    def _peek(self) -> str:
        """The next non-blank character ('' at the end of the file)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._refill():
                return ""

    def _expect(self, char: str, what: str) -> None:
        found = self._peek()
        if found != char:
            shown = f"« {found} »" if found else "la fin du fichier"
            raise self.error(f"{what} attendu, {shown} trouvé" + _TRUNCATED * (not found))
        self._pos += 1

    def _value(self, what: str) -> Any:
        """Decode one JSON value, reading on while it is cut by the end of the buffer."""
        self._peek()
        decoder = _DECODER
        while True:
            try:
                value, end = decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                too_long = len(self._buf) - self._pos > MAX_FEATURE_CHARS
                if self._eof or too_long or not self._refill():
                    if self._eof:
                        raise self.error(
                            f"{what} : fin du fichier inattendue{_TRUNCATED}"
                        ) from None
                    raise self.error(f"{what} : JSON invalide ({exc.msg})", exc.pos) from None
                continue
            self._pos = end
            return value

    def __iter__(self) -> Iterator[dict[str, Any]]:
        first = self._peek()
        if first == "[":
            raise self.error("un tableau JSON n'est pas une FeatureCollection GeoJSON")
        self._expect("{", "objet GeoJSON")
        kind = None
        features_seen = False
        while True:
            char = self._peek()
            if char == "}":
                break
            if char == ",":
                self._pos += 1
                continue
            key = self._value("nom de membre")
            if not isinstance(key, str):
                raise self.error("nom de membre attendu")
            self._expect(":", "« : »")
            if key == "features" and kind in (None, "FeatureCollection"):
                features_seen = True
                yield from self._features()
                continue
            value = self._value(f"membre « {key} »")
            if key == "type":
                kind = value
                if kind != "FeatureCollection":
                    raise self.error(_not_a_collection(kind))
        if kind is None:
            raise self.error("membre « type » absent : seule une FeatureCollection est acceptée")
        if not features_seen:
            raise self.error("FeatureCollection sans tableau « features »")

    def _features(self) -> Iterator[dict[str, Any]]:
        """The hot loop (a million features for a département): buffer and position in
        locals, the instance's attributes only written back around a refill or a yield."""
        self._expect("[", "tableau « features »")
        decode = _DECODER.raw_decode
        skip = _WS + ","
        while True:
            buf, pos = self._buf, self._pos
            size = len(buf)
            while pos < size and buf[pos] in skip:
                pos += 1
            self._pos = pos
            if pos >= size:
                if not self._refill():
                    raise self.error(f"tableau « features » inachevé{_TRUNCATED}")
                continue
            if buf[pos] == "]":
                self._pos = pos + 1
                return
            self.index += 1
            try:
                feature, self._pos = decode(buf, pos)
            except json.JSONDecodeError:  # most often cut by the buffer's end: read on
                feature = self._value(f"objet n° {self.index}")
            yield feature


def _not_a_collection(kind: object) -> str:
    if kind == "Topology":
        return "TopoJSON (type « Topology ») : exportez le fichier en GeoJSON FeatureCollection"
    return f"type « {kind} » au premier niveau : seule une FeatureCollection est acceptée"


_MULTI = struct.pack("<BI", 1, 6)
_POLY = struct.pack("<BI", 1, 3)
_U32 = struct.Struct("<I").pack
_BIG_ENDIAN = sys.byteorder == "big"


def _ring(ring: list[list[float]]) -> bytes:
    if len(ring[0]) != 2:  # drop a third dimension if any
        ring = [p[:2] for p in ring]
    values = array("d", chain.from_iterable(ring))
    if _BIG_ENDIAN:
        values.byteswap()
    return _U32(len(ring)) + values.tobytes()


def _polygon(rings: list[list[list[float]]]) -> bytes:
    return _POLY + _U32(len(rings)) + b"".join(_ring(r) for r in rings if r)


def multipolygon_wkb(geometry: dict[str, Any]) -> bytes:
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
