"""Jobs of the workflow, run by the procrastinate worker (`manage.py procrastinate worker`)."""

import logging
from typing import Any

from django.utils import timezone
from procrastinate.contrib.django import app

from workflow.timers import sweep

logger = logging.getLogger(__name__)


# Every hour: a deadline falls at midnight, and an hourly run bounds the delay after a restart.
# The queueing lock keeps one sweep waiting at most; the lock keeps two from running at once.
@app.periodic(cron="7 * * * *")
@app.task(queue="timers", lock="timers-sweep", queueing_lock="timers-sweep")
def sweep_timers(timestamp: int) -> dict[str, Any]:
    """The hourly sweep (workflow.timers.sweep); its report goes to the log and the job's
    result."""
    report = sweep(timezone.localdate())
    logger.info("timers swept", extra=report.as_dict())
    return report.as_dict()
