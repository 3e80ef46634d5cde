"""The clamd hook speaks clamd's INSTREAM protocol. clamd itself needs signature updates this
machine cannot download, so the peer here is a minimal clamd on a Unix socket: a real socket
peer that answers like clamd, flagging the EICAR test string."""

import socket
import struct
import threading

import pytest

from permits.pieces.scan import ScanUnavailable, scan
from permits.pieces.validation import PieceRefused

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def clamd(tmp_path, settings):
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    received = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                command = conn.recv(10)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack("!L", conn.recv(4, socket.MSG_WAITALL))[0]
                    if size == 0:
                        break
                    data += conn.recv(size, socket.MSG_WAITALL)
                received.append(data)
                verdict = b"stream: Eicar-Test-Signature FOUND" if EICAR in data else b"stream: OK"
                conn.sendall(verdict + b"\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.PERMIS_CLAMD = f"unix:{path}"
    yield received
    server.close()


def test_a_clean_file_passes_the_scan(clamd):
    assert scan(b"%PDF-1.7 clean" * 10_000) == "clean"
    assert len(clamd[0]) == 140_000  # sent whole, in chunks


def test_an_infected_file_is_refused_in_french(clamd):
    with pytest.raises(PieceRefused, match="virus"):
        scan(b"%PDF-1.7\n" + EICAR)


def test_an_unreachable_clamd_refuses_the_upload_rather_than_skipping_the_scan(settings, tmp_path):
    settings.PERMIS_CLAMD = f"unix:{tmp_path / 'absent.sock'}"
    with pytest.raises(ScanUnavailable):
        scan(b"%PDF-1.7")


def test_no_scanner_configured_says_so(settings):
    settings.PERMIS_CLAMD = ""
    assert scan(b"%PDF-1.7") == "disabled"
