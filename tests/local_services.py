"""The local services the tests start like the demo does (devservices/): each prints
`READY <url>` once it listens; the tests wait for that line, then stop the process."""

import contextlib
import subprocess
import time
from pathlib import Path

import pytest


@contextlib.contextmanager
def ready_service(command: list[str], log: Path, name: str, **popen):
    """Starts `command`, its output in `log`, and yields the URL of its `READY` line; fails
    the test with the log if it does not come within 20 s."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    deadline = time.monotonic() + 20
    url = None
    while url is None and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        ready = [line for line in log.read_text().splitlines() if line.startswith("READY ")]
        url = ready[0].split()[1] if ready else None
    if url is None:
        process.kill()
        pytest.fail(f"{name} did not start: {log.read_text()}")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
