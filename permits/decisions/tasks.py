"""The signing job (procrastinate). Enqueued by permits.decisions.issuing.prepare in the same
transaction as the pending document; safe to run twice (issuing.sign_pending is idempotent)."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app


# Retries cover what passes: a token or a TSA briefly unreachable, a lock timeout. A content
# or key error fails the same way each time and ends in the failed-jobs list after 5 attempts.
@app.task(
    queue="documents",
    retry=RetryStrategy(max_attempts=5, wait=10, exponential_wait=2),
)
def sign_document_job(document_id: int) -> dict:
    from permits.decisions.issuing import sign_pending

    document = sign_pending(document_id)
    return {"reference": document.reference, "sha256": document.sha256}
