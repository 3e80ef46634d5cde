"""gunicorn settings for several worker processes (Dockerfile CMD, scripts/demo.sh): the request
metrics of every worker are summed at /metrics through PROMETHEUS_MULTIPROC_DIR
(config/metrics.py). The address and the number of workers come from PERMIS_BIND and
PERMIS_WEB_WORKERS (docs/deploy.md); options given on the command line win."""

import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import multiprocess

# Set here, in the master, so that every worker forked from it writes to the same folder.
METRICS_DIR = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="permis-metrics-"))
)


bind = os.environ.get("PERMIS_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("PERMIS_WEB_WORKERS", "3"))
accesslog = "-"


def on_starting(server):
    """Starts /metrics from zero: files left by an earlier run would count its requests again."""
    # Files left by an earlier run would count its requests again.
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    METRICS_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """Drops a dead worker's gauges from /metrics (prometheus_client's multiprocess mode)."""
    multiprocess.mark_process_dead(worker.pid)
