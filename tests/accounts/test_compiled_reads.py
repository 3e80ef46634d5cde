"""The statements every request runs, compiled once (core.compiled): the session, the user,
a system's token, a dossier give what the ORM gives, and refuse what it refuses."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import PasswordBackend
from accounts.sessions import SessionStore
from core.compiled import Compiled
from permits.access import dossier_by_id
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_each_marker_finds_its_place_whatever_the_order_of_the_sql():
    compiled = Compiled(
        lambda key, now: Session.objects.filter(expire_date__gt=now, session_key=key),
        key="marker",
        now=timezone.now(),
    )
    store = SessionStore()
    store["x"] = 1
    store.create()
    assert compiled.first(key=store.session_key, now=timezone.now()).pk == store.session_key
    assert compiled.first(key=store.session_key, now=timezone.now() + timedelta(weeks=9)) is None


def test_a_parameter_that_is_not_exactly_one_marker_is_refused():
    twice = Compiled(lambda n: Session.objects.filter(session_key=n, session_data=n), n="m")
    assert twice.first(n="x") is None  # one marker in two places: both take its value
    same = Compiled(
        lambda n, o: Session.objects.filter(session_key=n, session_data=o), n="m", o="m"
    )
    with pytest.raises(RuntimeError):
        same.first(n="x", o="y")  # which is which cannot be told
    unused = Compiled(lambda n, other: Session.objects.filter(session_key=n), n="m", other="o")
    with pytest.raises(RuntimeError):
        unused.first(n="x", other="y")


def test_a_session_is_read_in_one_statement_and_an_expired_one_is_a_new_session():
    store = SessionStore()
    store["user"] = "someone"
    store.create()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(store.session_key).load() == {"user": "someone"}
    assert len(queries) == 1
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now())
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_the_user_of_a_session_as_model_backend_gives_it():
    user, inactive = UserFactory(), UserFactory(is_active=False)
    backend = PasswordBackend()
    assert backend.get_user(user.pk) == user and backend.get_user(str(user.pk)) == user
    assert backend.get_user(inactive.pk) is None  # an inactive user is no user
    assert backend.get_user("not a number") is None and backend.get_user(10**9) is None


def test_a_dossier_by_an_id_that_no_row_can_have_is_none():
    assert dossier_by_id(2**70) is None and dossier_by_id(-1) is None
    dossier = DossierFactory()
    found = dossier_by_id(dossier.pk, with_commune=True)
    with CaptureQueriesContext(connection) as queries:
        assert found == dossier and found.commune.name == dossier.commune.name
    assert len(queries) == 0
