import os
import runpy
from pathlib import Path

import pytest

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"


@pytest.fixture
def settings_from_env(monkeypatch):
    """config/settings.py evaluated afresh with these variables (and no other PERMIS_S3_* or
    replica one): what a process started with that environment would get."""

    def evaluate(**env: str) -> dict:
        for name in os.environ:
            if name.startswith(("PERMIS_S3_", "PERMIS_REPLICA_")):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return evaluate
