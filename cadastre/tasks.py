"""Jobs of the cadastre, run by the procrastinate worker: the administrator's imports and the
periodic refresh of the configured sources (cadastre.refresh)."""

from procrastinate.contrib.django import app

from cadastre import runs


@app.task(queue="imports")
def run_import(run_id: int, apply: bool) -> str:
    return runs.execute(run_id, apply).status
