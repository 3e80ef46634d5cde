"""The GPS position in a photo's EXIF, blanked unless the piece needs it.

A phone photo records where it was taken; a piece is seen by officers, consulted services and,
once decided, may be shown to the public. Only the photographs situating the land keep it: the
law asks their points and angles of view to be reported on the plans (R431-10 d, R441-4 2°,
R431-36 c), and the position helps the officer check them. Elsewhere the GPS directory is
overwritten with zeros in place: the image, its orientation and other tags are untouched, no
re-encoding (a JPEG's APP1 segment, a PNG's eXIf chunk, whose CRC is then recomputed).
"""

from __future__ import annotations

import struct
import zlib

# Photographs situating the land (R431-10 d, R441-4 2°, R431-36 c; permits.pieces.catalogue).
KEPT_FOR = frozenset({"PCMI7", "PCMI8", "PC7", "PC8", "PA6", "PA7", "DP7", "DP8"})
GPS_IFD_TAG = 0x8825
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


def _blank_gps(tiff: bytearray) -> bool:
    """Zeroes the GPS directory of a TIFF (EXIF) block in place; True if there was one."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return False
    order = "<" if tiff[:2] == b"II" else ">"

    def read(fmt, offset):
        return struct.unpack_from(order + fmt, tiff, offset)[0]

    try:
        ifd0 = read("I", 4)
        for index in range(read("H", ifd0)):
            entry = ifd0 + 2 + 12 * index
            if read("H", entry) != GPS_IFD_TAG:
                continue
            gps = read("I", entry + 8)
            count = read("H", gps)
            for n in range(count):  # values stored outside the entries first
                field = gps + 2 + 12 * n
                size = TYPE_SIZES.get(read("H", field + 2), 1) * read("I", field + 4)
                if size > 4:
                    start = read("I", field + 8)
                    tiff[start : start + size] = bytes(len(tiff[start : start + size]))
            tiff[gps + 2 : gps + 2 + 12 * count] = bytes(12 * count)
            struct.pack_into(order + "H", tiff, gps, 0)  # an empty directory
            return True
    except struct.error:
        return False  # a truncated EXIF block: left as it is (it holds no readable position)
    return False


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data)
    position = 2  # after SOI
    while position + 4 <= len(out) and out[position] == 0xFF:
        marker = out[position + 1]
        if marker == 0xDA:  # start of scan: no metadata after it
            break
        length = struct.unpack_from(">H", out, position + 2)[0]
        body = position + 4
        if marker == 0xE1 and out[body : body + 6] == b"Exif\0\0":
            tiff = bytearray(out[body + 6 : position + 2 + length])
            if _blank_gps(tiff):
                out[body + 6 : position + 2 + length] = tiff
        position += 2 + length
    return bytes(out)


def _png(data: bytes) -> bytes:
    out = bytearray(data)
    position = 8  # after the signature
    while position + 12 <= len(out):
        length, kind = struct.unpack_from(">I4s", out, position)
        start, end = position + 8, position + 8 + length
        if kind == b"eXIf":
            tiff = bytearray(out[start:end])
            if _blank_gps(tiff):
                out[start:end] = tiff
                struct.pack_into(">I", out, end, zlib.crc32(kind + tiff))
        if kind == b"IEND":
            break
        position = end + 4
    return bytes(out)


def without_position(data: bytes, content_type: str) -> bytes:
    """The same image with its GPS position blanked (other types are returned unchanged)."""
    if content_type == "image/jpeg":
        return _jpeg(data)
    if content_type == "image/png":
        return _png(data)
    return data
