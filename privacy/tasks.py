"""Jobs of the privacy app, run by the procrastinate worker."""

import logging

from procrastinate.contrib.django import app

from privacy.retention import sweep

logger = logging.getLogger(__name__)


# Every night: the retention timers (reminders, deletion of abandoned drafts, old claims).
@app.periodic(cron="23 3 * * *")
@app.task(queue="timers", lock="privacy-retention", queueing_lock="privacy-retention")
def sweep_retention(timestamp: int):
    """The daily retention job: its report logged and returned."""
    report = sweep()
    logger.info("retention swept", extra=report.as_dict())
    return report.as_dict()
