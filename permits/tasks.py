"""Jobs of the permits app, run by the procrastinate worker (the decisions' signing jobs are
in permits.decisions.tasks)."""

import logging

from procrastinate.contrib.django import app

from permits.state_counts import compact

logger = logging.getLogger(__name__)


# Every hour: the counts stay exact between runs; folding only keeps their sums short.
@app.periodic(cron="41 * * * *")
@app.task(queue="timers", lock="state-counts", queueing_lock="state-counts")
def compact_state_counts(timestamp: int):
    rows = compact()
    logger.info("state counts compacted", extra={"rows": rows})
    return rows


# PLAT'AU's prises en compte, opinions and acknowledgements (permits/platau/connector.py).
@app.periodic(cron="*/5 * * * *")
@app.task(queue="timers", lock="platau-receive", queueing_lock="platau-receive")
def platau_receive(timestamp: int):
    """Fetches PLAT'AU's answers for every commune with an account (prises en compte, opinions,
    acknowledgements)."""
    # deferred: procrastinate imports this module at every start-up; the connector brings requests
    from permits.platau.connector import receive_all

    return receive_all()
