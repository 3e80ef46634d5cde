"""Sessions in the database, as Django's `db` engine, with the statement every signed-in
request runs compiled once (core.compiled, docs/benchmarks.md)."""

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.compiled import Compiled

CURRENT = Compiled(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key="compiled-marker",
    now=datetime(1970, 1, 2, tzinfo=UTC),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # The key was checked when set (SessionBase._validate_session_key); an unknown or
        # expired one starts a new session, as in Django's engine.
        found = CURRENT.first(key=self.session_key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
