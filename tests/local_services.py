"""The local services the tests start like the demo does (devservices/): each prints
`READY <url>` once it listens; the tests wait for that line, then stop the process.

Each is a session fixture registered once, in tests/conftest.py, so that the whole run shares
one process per service (a fixture imported into two conftests would start two)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = ROOT / "devservices" / "franceconnect"
IDENTITIES_DIR = ROOT.parent / "shared" / "data" / "franceconnect"
PLATAU_SERVER = ROOT / "devservices" / "platau" / "server.py"
NODE_CLIENT_ID = "permis-e2e"
NODE_CLIENT_SECRET = "e2e-client-secret-0123456789abcdef"
# Generous: on a loaded two-core CI machine, beside Chromium and PostgreSQL, a start has been
# seen to stall; a service that really cannot start still fails the test, with its log.
START_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def ready_service(command: list[str], log: Path, name: str, **popen):
    """Starts `command`, its output in `log`, and yields the URL of its `READY` line; fails
    the test with the log and the process's state if it does not come in time."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    started = time.monotonic()
    url = None
    while url is None and time.monotonic() - started < START_TIMEOUT and process.poll() is None:
        time.sleep(0.05)
        ready = [line for line in log.read_text().splitlines() if line.startswith("READY ")]
        url = ready[0].split()[1] if ready else None
    if url is None:
        state = f"exit code {process.returncode}" if process.poll() is not None else "still running"
        process.kill()
        elapsed = time.monotonic() - started
        pytest.fail(f"{name} did not start ({state} after {elapsed:.1f} s): {log.read_text()}")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def franceconnect_node(live_server, tmp_path_factory):
    """The local provider (devservices/franceconnect) started like the demo starts it, with a
    client registered for the live server's callback and logout URLs."""
    if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("run scripts/test.sh (or scripts/lib.sh ensure_node_packages) first")
    clients = [
        {
            "client_id": NODE_CLIENT_ID,
            "client_secret": NODE_CLIENT_SECRET,
            "redirect_uris": [f"{live_server.url}/connexion/franceconnect/retour/"],
            "post_logout_redirect_uris": [f"{live_server.url}/deconnexion/terminee/"],
        }
    ]
    env = {
        **os.environ,
        "FC_PORT": str(free_port()),
        "FC_CLIENTS": json.dumps(clients),
        "FC_IDENTITIES_DIR": str(IDENTITIES_DIR),
    }
    log = tmp_path_factory.mktemp("franceconnect") / "provider.log"
    command = ["node", "server.js"]
    with ready_service(
        command, log, "the local FranceConnect provider", cwd=NODE_DIR, env=env
    ) as issuer:
        yield issuer


@pytest.fixture(scope="session")
def platau_server(tmp_path_factory):
    """The local PLAT'AU-shaped service (devservices/platau/server.py)."""
    log = tmp_path_factory.mktemp("platau") / "server.log"
    command = [sys.executable, str(PLATAU_SERVER), "--port", "0"]
    with ready_service(command, log, "the local PLAT'AU service") as url:
        yield url
