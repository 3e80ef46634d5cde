"""The virus-scan hook: clamd's INSTREAM protocol over its Unix or TCP socket, when configured.

`PERMIS_CLAMD` is `unix:/run/clamav/clamd.ctl` or `tcp:127.0.0.1:3310`; empty disables the scan
(the default: signature databases need an update service this machine cannot reach).
"""

from __future__ import annotations

import logging
import socket
import struct

from django.conf import settings

from permits.pieces.validation import PieceRefused

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


class ScanUnavailable(RuntimeError):
    """clamd is configured but did not answer: the upload is refused, to be retried."""


def _connect(address: str) -> socket.socket:
    kind, _, target = address.partition(":")
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(target)
    elif kind == "tcp":
        host, _, port = target.rpartition(":")
        sock = socket.create_connection((host, int(port)))
    else:
        raise ValueError(f"PERMIS_CLAMD must start with unix: or tcp:, got {address!r}")
    return sock


def scan(data: bytes) -> str:
    """'clean', 'disabled', or raises PieceRefused (infected) / ScanUnavailable."""
    address = settings.PERMIS_CLAMD
    if not address:
        return "disabled"
    try:
        with _connect(address) as sock:
            sock.settimeout(settings.PERMIS_CLAMD_TIMEOUT_S)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        logger.error("clamd unreachable", extra={"address": address, "error": str(error)})
        raise ScanUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode(errors="replace")
    if answer.endswith("OK"):
        return "clean"
    if answer.endswith("FOUND"):
        logger.warning("infected upload refused", extra={"clamd": answer})
        raise PieceRefused(
            "Ce fichier contient un virus ou un contenu malveillant : il a été "
            "refusé. Analysez votre ordinateur puis déposez une copie saine."
        )
    raise ScanUnavailable(answer)
